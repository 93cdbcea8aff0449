package engine_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// resourceCase is one Task resource form run through a one-state machine.
type resourceCase struct {
	name     string
	resource string
	// fields are more members of the Task state (Parameters,
	// ResultSelector), with a trailing comma; empty for none.
	fields string
	// output is what the execution must end with.
	output string
	// resourceType and historyName are what activities.HistoryResource
	// makes of the resource in TaskScheduled (ActivityScheduled).
	resourceType, historyName string
	// activity is set when the task's events are Activity* events.
	activity bool
}

// ask is what a .waitForTaskToken function received: its token and
// resource.
type ask struct{ token, resource string }

// TestResourceForms runs every Task resource form Stepwise runs on the
// durable engine, each served the way a deployment serves it (registered
// functions, a polling activity worker, a token sent back with
// SendTaskSuccess, a local HTTP server), and checks the status, the
// output and how history names the resource.
func TestResourceForms(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"path":"` + r.URL.Path + `"}`))
	}))
	t.Cleanup(srv.Close)

	asks := make(chan ask, 16)
	echo := func(ctx context.Context, in map[string]any) (map[string]any, error) {
		info, _ := activities.Info(ctx)
		return map[string]any{"resource": info.Resource, "in": in}, nil
	}
	asker := func(ctx context.Context, _ map[string]any) (map[string]any, error) {
		info, _ := activities.Info(ctx)
		asks <- ask{token: info.TaskToken, resource: info.Resource}
		return map[string]any{}, nil
	}
	reg := activities.NewRegistry() // not newHarness: the order examples serve sns:publish
	activities.Register(reg, "echo", echo)
	activities.Register(reg, "ask", asker)
	activities.RegisterIntegration(reg, "sns:publish", echo)
	activities.RegisterIntegration(reg, "glue:startJobRun", func(ctx context.Context, in map[string]any) (map[string]any, error) {
		if err := activities.Heartbeat(ctx); err != nil {
			return nil, err
		}
		return echo(ctx, in)
	})
	activities.RegisterIntegration(reg, "sqs:sendMessage", asker)
	activities.Register(reg, "relay", func(_ context.Context, in struct{ Token string }) (map[string]any, error) {
		asks <- ask{token: in.Token, resource: nestedToken} // the parent's token, sent on by its child
		return map[string]any{}, nil
	})
	activities.RegisterIntegration(reg, "aws-sdk:s3:getObject", echo)
	activities.RegisterIntegration(reg, "aws-sdk:sqs:sendMessage", asker)
	activities.RegisterIntegration(reg, "aws-sdk:dynamodb:*", echo)
	activities.RegisterHTTP(reg, &activities.HTTPConfig{Egress: activities.EgressPolicy{Allow: []string{"127.0.0.1"}}})
	h := &harness{t: t, e: testengine.New(t, reg, nil), reg: reg}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go answerAsks(ctx, h.e, asks)
	_, err := h.e.CreateActivity(ctx, "approve")
	require.NoError(t, err)
	go workActivity(ctx, h.e, "approve")
	h.machine("nested-child", `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"got.$":"$"},"End":true}}}`)
	h.machine("relay-child", `{"StartAt":"R","States":{"R":{"Type":"Task","Resource":"stepwise:function:relay","End":true}}}`)
	const executions = "arn:aws:states:us-east-1:000000000000:execution:"

	const lambda = "arn:aws:lambda:us-east-1:123456789012:function:echo"
	in := `"in":{"a":1}`
	cases := []resourceCase{
		{name: "lambda function", resource: lambda,
			output: `{"resource":"` + lambda + `",` + in + `}`, resourceType: "lambda", historyName: "invoke"},
		{name: "lambda function qualified", resource: lambda + ":prod",
			output: `{"resource":"` + lambda + `:prod",` + in + `}`, resourceType: "lambda", historyName: "invoke"},
		{name: "lambda:invoke", resource: "arn:aws:states:::lambda:invoke",
			fields:       `"Parameters":{"FunctionName":"echo:7","Payload.$":"$"},"ResultSelector":{"payload.$":"$.Payload","status.$":"$.StatusCode","version.$":"$.ExecutedVersion"},`,
			output:       `{"payload":{"resource":"arn:aws:states:::lambda:invoke",` + in + `},"status":200,"version":"7"}`,
			resourceType: "lambda", historyName: "invoke"},
		{name: "lambda:invoke.waitForTaskToken", resource: "arn:aws:states:::lambda:invoke.waitForTaskToken",
			fields: `"Parameters":{"FunctionName":"ask","Payload":{"token.$":"$$.Task.Token"}},`,
			output: answer("arn:aws:states:::lambda:invoke.waitForTaskToken"), resourceType: "lambda", historyName: "invoke.waitForTaskToken"},
		{name: "activity", resource: "arn:aws:states:us-east-1:000000000000:activity:approve",
			output:       `{"approved":{"a":1}}`,
			resourceType: "states", historyName: "arn:aws:states:us-east-1:000000000000:activity:approve", activity: true},
		{name: "activity short", resource: "arn:aws:states:::activity:approve",
			output: `{"approved":{"a":1}}`, resourceType: "activity", historyName: "approve", activity: true},
		{name: "stepwise function", resource: "stepwise:function:echo",
			output: `{"resource":"stepwise:function:echo",` + in + `}`, resourceType: "unknown", historyName: "stepwise:function:echo"},
		{name: "stepwise function waitForTaskToken", resource: "stepwise:function:ask.waitForTaskToken",
			output:       answer("stepwise:function:ask.waitForTaskToken"),
			resourceType: "unknown", historyName: "stepwise:function:ask.waitForTaskToken"},
		{name: "service", resource: "arn:aws:states:::sns:publish", fields: `"Parameters":{"Message.$":"$.a"},`,
			output:       `{"resource":"arn:aws:states:::sns:publish","in":{"Message":1}}`,
			resourceType: "sns", historyName: "publish"},
		{name: "service sync", resource: "arn:aws:states:::glue:startJobRun.sync",
			output:       `{"resource":"arn:aws:states:::glue:startJobRun.sync",` + in + `}`,
			resourceType: "glue", historyName: "startJobRun.sync"},
		{name: "service sync:2", resource: "arn:aws:states:::glue:startJobRun.sync:2",
			output:       `{"resource":"arn:aws:states:::glue:startJobRun.sync:2",` + in + `}`,
			resourceType: "glue", historyName: "startJobRun.sync:2"},
		{name: "service waitForTaskToken", resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
			fields: `"Parameters":{"QueueUrl":"q","MessageBody":{"token.$":"$$.Task.Token"}},`,
			output: answer("arn:aws:states:::sqs:sendMessage.waitForTaskToken"), resourceType: "sqs", historyName: "sendMessage.waitForTaskToken"},
		{name: "aws-sdk", resource: "arn:aws:states:::aws-sdk:s3:getObject",
			output:       `{"resource":"arn:aws:states:::aws-sdk:s3:getObject",` + in + `}`,
			resourceType: "aws-sdk:s3", historyName: "getObject"},
		{name: "aws-sdk waitForTaskToken", resource: "arn:aws:states:::aws-sdk:sqs:sendMessage.waitForTaskToken",
			fields:       `"Parameters":{"QueueUrl":"q","MessageBody.$":"$$.Task.Token"},`,
			output:       answer("arn:aws:states:::aws-sdk:sqs:sendMessage.waitForTaskToken"),
			resourceType: "aws-sdk:sqs", historyName: "sendMessage.waitForTaskToken"},
		{name: "aws-sdk wildcard", resource: "arn:aws:states:::aws-sdk:dynamodb:putItem",
			output:       `{"resource":"arn:aws:states:::aws-sdk:dynamodb:putItem",` + in + `}`,
			resourceType: "aws-sdk:dynamodb", historyName: "putItem"},
		{name: "http:invoke", resource: "arn:aws:states:::http:invoke",
			fields: `"Parameters":{"ApiEndpoint":"` + srv.URL + `/orders","Method":"GET"},"ResultSelector":{"status.$":"$.StatusCode","body.$":"$.ResponseBody"},`,
			output: `{"status":200,"body":{"path":"/orders"}}`, resourceType: "http", historyName: "invoke"},

		{name: "nested request-response", resource: "arn:aws:states:::states:startExecution",
			fields: `"Parameters":{"StateMachineArn":"nested-child","Name":"rr","Input.$":"$"},"ResultSelector":{"arn.$":"$.ExecutionArn"},`,
			output: `{"arn":"` + executions + `nested-child:rr"}`, resourceType: "states", historyName: "startExecution"},
		{name: "nested sync", resource: "arn:aws:states:::states:startExecution.sync",
			fields:       `"Parameters":{"StateMachineArn":"nested-child","Input.$":"$"},"ResultSelector":{"status.$":"$.Status","out.$":"States.StringToJson($.Output)"},`,
			output:       `{"status":"SUCCEEDED","out":{"got":{"a":1}}}`,
			resourceType: "states", historyName: "startExecution.sync"},
		{name: "nested sync:2", resource: "arn:aws:states:::states:startExecution.sync:2",
			fields:       `"Parameters":{"StateMachineArn":"nested-child","Input.$":"$"},"ResultSelector":{"status.$":"$.Status","out.$":"$.Output"},`,
			output:       `{"status":"SUCCEEDED","out":{"got":{"a":1}}}`,
			resourceType: "states", historyName: "startExecution.sync:2"},
		{name: "nested waitForTaskToken", resource: nestedToken,
			fields: `"Parameters":{"StateMachineArn":"relay-child","Input":{"Token.$":"$$.Task.Token"}},`,
			output: answer(nestedToken), resourceType: "states", historyName: "startExecution.waitForTaskToken"},
		{name: "nested aws-sdk", resource: "arn:aws:states:::aws-sdk:sfn:startExecution",
			fields: `"Parameters":{"StateMachineArn":"nested-child","Name":"sdk"},"ResultSelector":{"arn.$":"$.ExecutionArn"},`,
			output: `{"arn":"` + executions + `nested-child:sdk"}`, resourceType: "aws-sdk:sfn", historyName: "startExecution"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := h.with(t)
			h.machine(machineName(tc.name), single(`{"Type":"Task","Resource":"`+tc.resource+`",`+tc.fields+`"End":true}`))
			exec := h.run(machineName(tc.name), "run", `{"a":1}`)
			requireSucceeded(t, exec, tc.output)
			scheduled, succeeded := history.TaskScheduled, history.TaskSucceeded
			if tc.activity {
				scheduled, succeeded = history.ActivityScheduled, history.ActivitySucceeded
			}
			evs, err := h.e.History(context.Background(), exec.ID, 0, 1000, false)
			require.NoError(t, err)
			counts := map[string]int{}
			for _, e := range evs {
				counts[e.Type]++
				if e.Type != scheduled {
					continue
				}
				var d struct{ Resource string }
				require.NoError(t, json.Unmarshal([]byte(*e.Details), &d))
				require.Equal(t, tc.resource, d.Resource)
				typ, name := activities.HistoryResource(d.Resource)
				require.Equal(t, [2]string{tc.resourceType, tc.historyName}, [2]string{typ, name})
			}
			require.Equal(t, 1, counts[scheduled], "one task scheduled: %v", counts)
			require.Equal(t, 1, counts[succeeded], "one task result: %v", counts)
			require.Equal(t, history.ExecutionSucceeded, evs[len(evs)-1].Type)
		})
	}
}

// nestedToken is the resource of a nested execution that calls back.
const nestedToken = "arn:aws:states:::states:startExecution.waitForTaskToken"

// answer is the result answerAsks sends for a task of resource.
func answer(resource string) string {
	return `{"answeredFor":"` + resource + `"}`
}

// answerAsks completes every .waitForTaskToken task it hears of with
// SendTaskSuccess, until ctx ends.
func answerAsks(ctx context.Context, e *engine.Engine, asks <-chan ask) {
	for {
		select {
		case <-ctx.Done():
			return
		case a := <-asks:
			_ = e.SendTaskSuccess(ctx, a.token, answer(a.resource))
		}
	}
}

// workActivity is an activity worker: it polls activity for tasks and
// answers each with {"approved": input}, until ctx ends.
func workActivity(ctx context.Context, e *engine.Engine, activity string) {
	for ctx.Err() == nil {
		task, err := e.GetActivityTask(ctx, activity, "worker", time.Second)
		if err != nil || task == nil {
			continue
		}
		_ = e.SendTaskSuccess(ctx, task.Token, `{"approved":`+task.Input+`}`)
	}
}

// machineName makes a state machine name of a case name.
func machineName(name string) string {
	out := []byte(name)
	for i, c := range out {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			out[i] = '-'
		}
	}
	return string(out)
}
