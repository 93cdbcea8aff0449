package activities

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

func TestBindingNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		resource string
		input    any
		want     []string
	}{
		{"arn:aws:states:::sns:publish", nil, []string{"sns:publish", "sns:*"}},
		{"arn:aws:states:::glue:startJobRun.sync", nil, []string{"glue:startJobRun.sync", "glue:startJobRun", "glue:*"}},
		{"arn:aws:states:::batch:submitJob.sync:2", nil, []string{"batch:submitJob.sync:2", "batch:submitJob", "batch:*"}},
		{"arn:aws:states:::sqs:sendMessage.waitForTaskToken", nil,
			[]string{"sqs:sendMessage.waitForTaskToken", "sqs:sendMessage", "sqs:*"}},
		{"arn:aws:states:::aws-sdk:s3:getObject", nil, []string{"aws-sdk:s3:getObject", "aws-sdk:s3:*"}},
		{"arn:aws:states:::http:invoke", nil, []string{"http:invoke"}},
		{"stepwise:function:f", nil, []string{"f"}},
		{invokeARN, map[string]any{"FunctionName": "f:prod"}, []string{"f"}},
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			t.Parallel()
			b, _, err := Resolve(tt.resource, tt.input)
			require.NoError(t, err)
			require.Equal(t, tt.want, b.Names())
		})
	}
}

func TestRegisterIntegration(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"sns:publish", "sqs:*", "aws-sdk:s3:*", "aws-sdk:s3:getObject", "glue:startJobRun.sync",
		"batch:submitJob.sync:2", "sqs:sendMessage.waitForTaskToken", "aws-sdk:sfn:sendTaskSuccess.waitForTaskToken", "http:invoke"} {
		reg := NewRegistry()
		RegisterIntegration(reg, name, echo[any])
		require.Equal(t, []string{name}, reg.Names())
	}
	tests := []struct {
		name, want string
	}{
		{"sns", `"sns" is not SERVICE:ACTION or aws-sdk:SERVICE:ACTION`},
		{"sns:", `action "" is not an API action name`},
		{"sqs:*.sync", `action "*" is not an API action name`},
		{"aws-sdk:s3:getObject.sync", "AWS SDK integrations do not support .sync"},
		{"states:startExecution", "states:startExecution starts a nested execution, which Stepwise runs itself"},
		{"aws-sdk:sfn:startExecution", "aws-sdk:sfn:startExecution starts a nested execution, which Stepwise runs itself"},
		{"states:*", "states:* is not an integration"},
		{"lambda:invoke", "lambda:invoke is not a service integration Stepwise binds to functions"},
		{"http:*", "the HTTP Task is http:invoke"},
		{"arn:aws:states:::sns:publish", "name the integration without arn:PARTITION:states:::"},
	}
	for _, tt := range tests {
		got := func() (v any) {
			defer func() { v = recover() }()
			RegisterIntegration(NewRegistry(), tt.name, echo[any])
			return nil
		}()
		require.IsType(t, "", got, tt.name)
		require.Contains(t, got, `activities: RegisterIntegration "`+tt.name+`": `+tt.want)
	}
	require.PanicsWithValue(t, `activities: RegisterIntegration "sns:publish": nil function`,
		func() { RegisterIntegration[any, any](NewRegistry(), "sns:publish", nil) })
	require.Panics(t, func() {
		reg := NewRegistry()
		RegisterIntegration(reg, "sns:publish", echo[any])
		RegisterIntegration(reg, "sns:publish", echo[any])
	})
}

// TestInvokeIntegration checks that the function receives the effective
// input unchanged and its output is the result unchanged, and that the
// most specific registration serves a resource.
func TestInvokeIntegration(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	tag := func(name string) func(context.Context, map[string]any) (map[string]any, error) {
		return func(ctx context.Context, in map[string]any) (map[string]any, error) {
			info, _ := Info(ctx)
			return map[string]any{"servedBy": name, "input": in, "resource": info.Resource}, nil
		}
	}
	RegisterIntegration(reg, "sqs:*", tag("sqs:*"))
	RegisterIntegration(reg, "sqs:sendMessage", tag("sqs:sendMessage"))
	RegisterIntegration(reg, "glue:startJobRun.sync", tag("glue:startJobRun.sync"))
	RegisterIntegration(reg, "aws-sdk:s3:*", tag("aws-sdk:s3:*"))
	RegisterIntegration(reg, "http:invoke", tag("http:invoke"))
	params := map[string]any{"QueueUrl": "https://sqs/q", "MessageBody": map[string]any{"n": int64(1)}}
	tests := []struct {
		resource, servedBy string
	}{
		{"arn:aws:states:::sqs:sendMessage", "sqs:sendMessage"},
		{"arn:aws:states:::sqs:sendMessage.waitForTaskToken", "sqs:sendMessage"},
		{"arn:aws:states:::sqs:deleteMessage", "sqs:*"},
		{"arn:aws:states:::glue:startJobRun.sync", "glue:startJobRun.sync"},
		{"arn:aws-cn:states:::aws-sdk:s3:getObject", "aws-sdk:s3:*"},
		{"arn:aws:states:::http:invoke", "http:invoke"},
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			t.Parallel()
			ctx := WithTask(context.Background(), TaskInfo{Resource: tt.resource}, nil)
			out, err := reg.Invoke(ctx, tt.resource, params)
			require.NoError(t, err)
			require.Equal(t, map[string]any{"servedBy": tt.servedBy, "input": params, "resource": tt.resource}, out)
		})
	}
	_, err := reg.Invoke(context.Background(), "arn:aws:states:::glue:startJobRun", params)
	require.Equal(t, &asl.Error{Name: asl.ErrorRuntime, Cause: "no worker has registered a function for resource arn:aws:states:::glue:startJobRun: " +
		`bind one with activities.RegisterIntegration(reg, "glue:startJobRun", fn), or serve it with activity workers (--bind-activity glue:startJobRun=ACTIVITY)`}, err, "glue:startJobRun.sync serves only .sync")
}

func TestHistoryResource(t *testing.T) {
	t.Parallel()
	tests := []struct {
		resource, typ, name string
	}{
		{"arn:aws:states:::sns:publish", "sns", "publish"},
		{"arn:aws:states:::dynamodb:putItem", "dynamodb", "putItem"},
		{"arn:aws:states:::glue:startJobRun.sync", "glue", "startJobRun.sync"},
		{"arn:aws:states:::batch:submitJob.sync:2", "batch", "submitJob.sync:2"},
		{"arn:aws:states:::sqs:sendMessage.waitForTaskToken", "sqs", "sendMessage.waitForTaskToken"},
		{"arn:aws:states:::aws-sdk:s3:getObject", "aws-sdk:s3", "getObject"},
		{"arn:aws-cn:states:::aws-sdk:sfn:sendTaskSuccess.waitForTaskToken", "aws-sdk:sfn", "sendTaskSuccess.waitForTaskToken"},
		{"arn:aws:states:::lambda:invoke", "lambda", "invoke"},
		{"arn:aws:states:::lambda:invoke.waitForTaskToken", "lambda", "invoke.waitForTaskToken"},
		{"arn:aws:states:::http:invoke", "http", "invoke"},
		{lambdaARN + "f", "lambda", "invoke"},
		{"arn:aws:states:us-east-1:123456789012:activity:a", "states", "arn:aws:states:us-east-1:123456789012:activity:a"},
		{"stepwise:function:f", "unknown", "stepwise:function:f"},
	}
	for _, tt := range tests {
		typ, name := HistoryResource(tt.resource)
		require.Equal(t, [2]string{tt.typ, tt.name}, [2]string{typ, name}, tt.resource)
	}
}
