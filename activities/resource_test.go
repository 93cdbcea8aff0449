package activities

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

const (
	lambdaARN = "arn:aws:lambda:us-east-1:123456789012:function:"
	invokeARN = "arn:aws:states:::lambda:invoke"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	order := map[string]any{"orderId": "o-1"}
	tests := []struct {
		name     string
		resource string
		input    any
		want     Binding
		payload  any
	}{
		{"lambda", lambdaARN + "reserve-inventory", order,
			Binding{Kind: KindLambda, Function: "reserve-inventory"}, order},
		{"lambda alias", lambdaARN + "reserve-inventory:prod", order,
			Binding{Kind: KindLambda, Function: "reserve-inventory", Qualifier: "prod"}, order},
		{"lambda version", lambdaARN + "f_1:7", nil,
			Binding{Kind: KindLambda, Function: "f_1", Qualifier: "7"}, nil},
		{"lambda $LATEST", lambdaARN + "f:$LATEST", nil,
			Binding{Kind: KindLambda, Function: "f", Qualifier: "$LATEST"}, nil},
		{"lambda china", "arn:aws-cn:lambda:cn-north-1:123456789012:function:f", "x",
			Binding{Kind: KindLambda, Function: "f"}, "x"},
		{"lambda govcloud", "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f", int64(1),
			Binding{Kind: KindLambda, Function: "f"}, int64(1)},
		{"nested", "arn:aws:states:::states:startExecution", order,
			Binding{Kind: KindNested, Function: NestedStart}, order},
		{"nested sync:2", "arn:aws:states:::states:startExecution.sync:2", order,
			Binding{Kind: KindNested, Function: NestedStart, Suffix: Sync2Suffix}, order},
		{"nested token", "arn:aws:states:::states:startExecution.waitForTaskToken", order,
			Binding{Kind: KindNested, Function: NestedStart, Suffix: asl.WaitForTaskTokenSuffix, WaitForToken: true}, order},
		{"nested sdk", "arn:aws:states:::aws-sdk:sfn:startExecution", order,
			Binding{Kind: KindNested, Function: NestedStart}, order},
		{"invoke name", invokeARN, map[string]any{"FunctionName": "f", "Payload": order},
			Binding{Kind: KindLambdaInvoke, Function: "f"}, order},
		{"invoke name and qualifier", invokeARN, map[string]any{"FunctionName": "f:prod", "Payload": "p"},
			Binding{Kind: KindLambdaInvoke, Function: "f", Qualifier: "prod"}, "p"},
		{"invoke partial ARN", invokeARN, map[string]any{"FunctionName": "123456789012:function:f", "Payload": nil},
			Binding{Kind: KindLambdaInvoke, Function: "f"}, nil},
		{"invoke partial ARN and qualifier", invokeARN, map[string]any{"FunctionName": "123456789012:function:f:3", "Payload": int64(2)},
			Binding{Kind: KindLambdaInvoke, Function: "f", Qualifier: "3"}, int64(2)},
		{"invoke full ARN", invokeARN, map[string]any{"FunctionName": lambdaARN + "f", "Payload": order},
			Binding{Kind: KindLambdaInvoke, Function: "f"}, order},
		{"invoke full ARN and qualifier", invokeARN, map[string]any{"FunctionName": lambdaARN + "f:live", "Payload": order},
			Binding{Kind: KindLambdaInvoke, Function: "f", Qualifier: "live"}, order},
		{"invoke Qualifier parameter", invokeARN, map[string]any{"FunctionName": "f", "Qualifier": "live", "Payload": order},
			Binding{Kind: KindLambdaInvoke, Function: "f", Qualifier: "live"}, order},
		{"invoke agreeing qualifiers", invokeARN, map[string]any{"FunctionName": "f:live", "Qualifier": "live"},
			Binding{Kind: KindLambdaInvoke, Function: "f", Qualifier: "live"}, map[string]any{}},
		{"invoke without payload", invokeARN, map[string]any{"FunctionName": "f"},
			Binding{Kind: KindLambdaInvoke, Function: "f"}, map[string]any{}},
		{"invoke other parameters", invokeARN,
			map[string]any{"FunctionName": "f", "InvocationType": "RequestResponse", "LogType": "Tail", "ClientContext": "e30="},
			Binding{Kind: KindLambdaInvoke, Function: "f"}, map[string]any{}},
		{"invoke wait for token", invokeARN + ".waitForTaskToken", map[string]any{"FunctionName": "f", "Payload": order},
			Binding{Kind: KindLambdaInvoke, Function: "f", WaitForToken: true}, order},
		{"invoke other partition", "arn:aws-cn:states:::lambda:invoke", map[string]any{"FunctionName": "f"},
			Binding{Kind: KindLambdaInvoke, Function: "f"}, map[string]any{}},
		{"activity", "arn:aws:states:us-east-1:123456789012:activity:approve.v2", order,
			Binding{Kind: KindActivity, Function: "approve.v2"}, order},
		{"activity short", "arn:aws:states:::activity:approve", order,
			Binding{Kind: KindActivity, Function: "approve"}, order},
		{"native", "stepwise:function:reserve-inventory", order,
			Binding{Kind: KindNative, Function: "reserve-inventory"}, order},
		{"native wait for token", "stepwise:function:ask.waitForTaskToken", order,
			Binding{Kind: KindNative, Function: "ask", WaitForToken: true}, order},
		{"service", "arn:aws:states:::sns:publish", order,
			Binding{Kind: KindService, Function: "sns:publish"}, order},
		{"service sync", "arn:aws:states:::glue:startJobRun.sync", order,
			Binding{Kind: KindService, Function: "glue:startJobRun", Suffix: ".sync"}, order},
		{"service sync:2", "arn:aws:states:::batch:submitJob.sync:2", order,
			Binding{Kind: KindService, Function: "batch:submitJob", Suffix: ".sync:2"}, order},
		{"service wait for token", "arn:aws:states:::sqs:sendMessage.waitForTaskToken", order,
			Binding{Kind: KindService, Function: "sqs:sendMessage", Suffix: ".waitForTaskToken", WaitForToken: true}, order},
		{"service hyphenated", "arn:aws-us-gov:states:::ecs:runTask.sync", order,
			Binding{Kind: KindService, Function: "ecs:runTask", Suffix: ".sync"}, order},
		{"service other partition", "arn:aws-cn:states:::dynamodb:putItem", nil,
			Binding{Kind: KindService, Function: "dynamodb:putItem"}, nil},
		{"sdk", "arn:aws:states:::aws-sdk:s3:getObject", order,
			Binding{Kind: KindService, Function: "aws-sdk:s3:getObject"}, order},
		{"sdk wait for token", "arn:aws:states:::aws-sdk:sfn:sendTaskSuccess.waitForTaskToken", order,
			Binding{Kind: KindService, Function: "aws-sdk:sfn:sendTaskSuccess", Suffix: ".waitForTaskToken", WaitForToken: true}, order},
		{"sdk lambda", "arn:aws:states:::aws-sdk:lambda:invoke", order,
			Binding{Kind: KindService, Function: "aws-sdk:lambda:invoke"}, order},
		{"sdk hyphenated service", "arn:aws:states:::aws-sdk:apigatewayv2:getApis", order,
			Binding{Kind: KindService, Function: "aws-sdk:apigatewayv2:getApis"}, order},
		{"http", "arn:aws:states:::http:invoke", order,
			Binding{Kind: KindHTTP, Function: "http:invoke"}, order},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, payload, err := Resolve(tt.resource, tt.input)
			require.NoError(t, err)
			require.Equal(t, tt.want, b)
			require.Equal(t, tt.payload, payload)
		})
	}
}

func TestResolveErrors(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("f", 65)
	tests := []struct {
		name     string
		resource string
		input    any
		cause    string
	}{
		{"empty", "", nil, "neither an ARN"},
		{"bare name", "reserve-inventory", nil, "neither an ARN"},
		{"too few fields", "arn:aws:lambda:us-east-1", nil, "six colon-separated fields"},
		{"partition", "arn:azure:lambda:us-east-1:123456789012:function:f", nil, `partition "azure"`},
		{"service", "arn:aws:s3:::bucket/key", nil, `service "s3" is not supported`},
		{"lambda region", "arn:aws:lambda:useast1:123456789012:function:f", nil, `region "useast1"`},
		{"lambda no region", "arn:aws:lambda:::function:f", nil, `region ""`},
		{"lambda account", "arn:aws:lambda:us-east-1:1234:function:f", nil, `account "1234" is not a 12-digit`},
		{"lambda layer", "arn:aws:lambda:us-east-1:123456789012:layer:x", nil, `"layer:x" is not function:NAME`},
		{"lambda no name", "arn:aws:lambda:us-east-1:123456789012:function", nil, `"function" is not function:NAME`},
		{"lambda empty name", lambdaARN, nil, `function name ""`},
		{"lambda dotted name", lambdaARN + "my.fn", nil, `function name "my.fn"`},
		{"lambda long name", lambdaARN + long, nil, "1 to 64"},
		{"lambda bad qualifier", lambdaARN + "f:a.b", nil, `qualifier "a.b"`},
		{"lambda extra field", lambdaARN + "f:q:x", nil, "is not function:NAME"},
		{"lambda wait for token", lambdaARN + "f.waitForTaskToken", nil, `function name "f.waitForTaskToken"`},
		{"service with region", "arn:aws:states:us-east-1:123456789012:sns:publish", nil, "no region or account: write arn:aws:states:::sns:publish"},
		{"service without action", "arn:aws:states:::sns", nil, `"sns" is not SERVICE:ACTION or aws-sdk:SERVICE:ACTION`},
		{"service empty action", "arn:aws:states:::sns:", nil, `action "" is not an API action name`},
		{"service bad action", "arn:aws:states:::sns:pub/lish", nil, `action "pub/lish" is not an API action name`},
		{"service wildcard", "arn:aws:states:::sqs:*", nil, `action "*" is not an API action name`},
		{"service upper case", "arn:aws:states:::SNS:publish", nil, `service "SNS" is not lowercase`},
		{"service unknown suffix", "arn:aws:states:::glue:startJobRun.async", nil, `action "startJobRun.async"`},
		{"service two suffixes", "arn:aws:states:::glue:startJobRun.sync.waitForTaskToken", nil, `action "startJobRun.sync"`},
		{"sdk sync", "arn:aws:states:::aws-sdk:s3:getObject.sync", nil, "AWS SDK integrations do not support .sync"},
		{"sdk sync:2", "arn:aws:states:::aws-sdk:s3:getObject.sync:2", nil, "AWS SDK integrations do not support .sync:2"},
		{"sdk without action", "arn:aws:states:::aws-sdk:s3", nil, `"aws-sdk:s3" is not SERVICE:ACTION`},
		{"sdk bad action", "arn:aws:states:::aws-sdk:s3:get:Object", nil, `action "get:Object"`},
		{"states other action", "arn:aws:states:::states:describeExecution", nil, "states:describeExecution is not an integration"},
		{"nested sdk sync", "arn:aws:states:::aws-sdk:sfn:startExecution.sync", nil, "AWS SDK integrations do not support .sync"},
		{"http other action", "arn:aws:states:::http:get", nil, "the HTTP Task is http:invoke"},
		{"http wait for token", "arn:aws:states:::http:invoke.waitForTaskToken", nil, "request-response only"},
		{"activity as integration", "arn:aws:states:::activity", nil, `activity name ""`},
		{"invoke sync", invokeARN + ".sync", map[string]any{"FunctionName": "f"}, "lambda:invoke.sync is not supported"},
		{"invoke other api", "arn:aws:states:::lambda:listFunctions", nil, "lambda:listFunctions is not supported"},
		{"invoke with region", "arn:aws:states:us-east-1:123456789012:lambda:invoke", map[string]any{"FunctionName": "f"}, "no region or account"},
		{"invoke input not object", invokeARN, "f", "must be an object with FunctionName, not a string"},
		{"invoke input null", invokeARN, nil, "not null"},
		{"invoke no FunctionName", invokeARN, map[string]any{"Payload": int64(1)}, "needs the parameter FunctionName"},
		{"invoke FunctionName number", invokeARN, map[string]any{"FunctionName": int64(1)}, "FunctionName must be a string, not a number"},
		{"invoke misspelt Payload", invokeARN, map[string]any{"FunctionName": "f", "Paylod": int64(1)}, `does not take the parameter "Paylod"`},
		{"invoke event", invokeARN, map[string]any{"FunctionName": "f", "InvocationType": "Event"}, `InvocationType "Event" is not supported`},
		{"invoke bad name", invokeARN, map[string]any{"FunctionName": "my fn"}, `FunctionName "my fn": function name "my fn"`},
		{"invoke bad partial account", invokeARN, map[string]any{"FunctionName": "acct:function:f"}, `account "acct" of the partial ARN`},
		{"invoke bad partial kind", invokeARN, map[string]any{"FunctionName": "123456789012:layer:f"}, "is not function:NAME"},
		{"invoke too many fields", invokeARN, map[string]any{"FunctionName": "a:b:c:d:e"}, "it is not NAME"},
		{"invoke ARN of other service", invokeARN, map[string]any{"FunctionName": "arn:aws:sqs:us-east-1:123456789012:q"}, `service "sqs" is not lambda`},
		{"invoke short ARN", invokeARN, map[string]any{"FunctionName": "arn:aws:lambda"}, "six colon-separated fields"},
		{"invoke ARN without region", invokeARN, map[string]any{"FunctionName": "arn:aws:lambda:::function:f"}, `region ""`},
		{"invoke qualifier mismatch", invokeARN, map[string]any{"FunctionName": "f:a", "Qualifier": "b"}, `has the qualifier "a" but Qualifier is "b"`},
		{"invoke bad Qualifier", invokeARN, map[string]any{"FunctionName": "f", "Qualifier": "a/b"}, `Qualifier: qualifier "a/b"`},
		{"activity half region", "arn:aws:states:us-east-1::activity:a", nil, `account ""`},
		{"activity empty name", "arn:aws:states:::activity:", nil, "activity name \"\" is not 1 to 80"},
		{"activity space", "arn:aws:states:::activity:a b", nil, `contains ' '`},
		{"activity wait for token", "arn:aws:states:::activity:a.waitForTaskToken", nil, "takes no .waitForTaskToken suffix"},
		{"native empty", "stepwise:function:", nil, "function name \"\" is not 1 to 80"},
		{"native slash", "stepwise:function:a/b", nil, `contains '/'`},
		{"native too long", "stepwise:function:" + strings.Repeat("a", 81), nil, "1 to 80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := Resolve(tt.resource, tt.input)
			var e *asl.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, asl.ErrorRuntime, e.Name)
			require.Contains(t, e.Cause, tt.cause)
			require.Contains(t, e.Cause, tt.resource)
		})
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind Kind
		want string
	}{
		{KindLambda, "lambda"},
		{KindLambdaInvoke, "lambda:invoke"},
		{KindActivity, "activity"},
		{KindNative, "native"},
		{KindService, "service"},
		{KindHTTP, "http"},
		{KindNested, "nested"},
		{Kind(0), "Kind(0)"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, tt.kind.String())
	}
}

// TestCheckResource judges resources without parameters: lambda:invoke
// passes whatever its FunctionName, and every form Resolve refuses as
// written is refused.
func TestCheckResource(t *testing.T) {
	t.Parallel()
	tests := []struct {
		resource string
		cause    string // empty when accepted
	}{
		{lambdaARN + "f", ""},
		{lambdaARN + "f:prod", ""},
		{invokeARN, ""},
		{invokeARN + ".waitForTaskToken", ""},
		{"arn:aws:states:us-east-1:123456789012:activity:approve", ""},
		{"arn:aws:states:::activity:approve", ""},
		{"stepwise:function:f", ""},
		{"stepwise:function:f.waitForTaskToken", ""},
		{"arn:aws:states:::sns:publish", ""},
		{"arn:aws:states:::glue:startJobRun.sync", ""},
		{"arn:aws:states:::glue:startJobRun.sync:2", ""},
		{"arn:aws:states:::sqs:sendMessage.waitForTaskToken", ""},
		{"arn:aws:states:::aws-sdk:s3:getObject", ""},
		{"arn:aws:states:::aws-sdk:sfn:startExecution", ""},
		{"arn:aws:states:::aws-sdk:sqs:sendMessage.waitForTaskToken", ""},
		{"arn:aws:states:::http:invoke", ""},
		{"arn:aws:states:::states:startExecution", ""},
		{"arn:aws:states:::states:startExecution.sync", ""},
		{"arn:aws:states:::states:startExecution.sync:2", ""},
		{"arn:aws-cn:states:::states:startExecution.waitForTaskToken", ""},
		{"foo:bar", "neither an ARN"},
		{"arn:aws:swf:us-east-1:123456789012:task:X", `service "swf" is not supported`},
		{"arn:aws:lambda:region-1:1234567890:function:f", `region "region-1"`},
		{invokeARN + ".sync", "lambda:invoke.sync is not supported"},
		{"arn:aws:states:::aws-sdk:s3:getObject.sync", "AWS SDK integrations do not support .sync"},
		{"arn:aws:states:::http:invoke.sync", "request-response only"},
		{"arn:aws:states:::states:describeExecution", "is not an integration"},
		{"arn:aws:states:::states:startExecution.async", `action "startExecution.async"`},
		{"arn:aws:states:us-east-1:123456789012:states:startExecution", "no region or account"},
		{"arn:aws:states:::activity:a.waitForTaskToken", "takes no .waitForTaskToken suffix"},
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			t.Parallel()
			err := CheckResource(tt.resource)
			if tt.cause == "" {
				require.NoError(t, err)
				return
			}
			var e *asl.Error
			require.ErrorAs(t, err, &e)
			require.Contains(t, e.Cause, tt.cause)
			require.Contains(t, e.Cause, tt.resource)
		})
	}
}

func TestNested(t *testing.T) {
	t.Parallel()
	tests := []struct {
		resource string
		want     bool
	}{
		{"arn:aws:states:::states:startExecution", true},
		{"arn:aws:states:::states:startExecution.sync", true},
		{"arn:aws:states:::states:startExecution.sync:2", true},
		{"arn:aws:states:::states:startExecution.waitForTaskToken", true},
		{"arn:aws:states:::aws-sdk:sfn:startExecution", true},
		{"arn:aws:states:::aws-sdk:sfn:describeExecution", false},
		{"arn:aws:states:::glue:startJobRun.sync", false},
		{lambdaARN + "f", false},
		{"stepwise:function:f", false},
		{"nonsense", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, Nested(tt.resource), tt.resource)
	}
}
