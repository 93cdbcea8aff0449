package sfn

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/mockconfig"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// putItems records the calls of the real dynamodb:putItem function that
// the HybridPath test case leaves unmocked.
type putItems struct {
	mu    sync.Mutex
	items []map[string]any
}

func (p *putItems) put(_ context.Context, in map[string]any) (map[string]any, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.items = append(p.items, in)
	return map[string]any{}, nil
}

// serveMocked serves an engine with the mock configuration text and a
// real dynamodb:putItem function, and creates testdata's MockedOrders, a
// STANDARD machine.
func serveMocked(t *testing.T, config string) (*awsHarness, string, *putItems) {
	t.Helper()
	return serveMockedType(t, config, types.StateMachineTypeStandard)
}

// serveMockedType is serveMocked with a MockedOrders of type typ.
func serveMockedType(t *testing.T, config string, typ types.StateMachineType) (*awsHarness, string, *putItems) {
	t.Helper()
	cfg, err := mockconfig.Parse([]byte(config))
	require.NoError(t, err)
	puts := &putItems{}
	reg := activities.NewRegistry()
	activities.RegisterIntegration(reg, "dynamodb:putItem", puts.put)
	scale := 0.01 // Validate's retries wait 10 ms instead of 1 s
	eng := testengine.Start(t, testkit.NewPool(t), &engine.Config{Functions: reg, Drive: true, FetchPollInterval: testengine.FetchPollInterval,
		Mocks: mockconfig.Static(cfg), WaitTimeScale: &scale})
	h := serveAWS(t, eng, syncTimeout)
	return h, h.machineOfType("MockedOrders", testkit.Testdata(t, "mocks", "MockedOrders.asl.json"), typ), puts
}

// taskEvents renders an execution's task events in order, each as its
// type with the resource it names or the error it carries, up to the
// first event of type until (all when until is empty).
func taskEvents(events []types.HistoryEvent, until types.HistoryEventType) []string {
	var out []string
	for _, ev := range events {
		if ev.Type == until {
			break
		}
		switch d := ev; {
		case d.TaskScheduledEventDetails != nil:
			out = append(out, fmt.Sprintf("TaskScheduled %s:%s", *d.TaskScheduledEventDetails.ResourceType, *d.TaskScheduledEventDetails.Resource))
		case d.TaskStartedEventDetails != nil:
			out = append(out, fmt.Sprintf("TaskStarted %s:%s", *d.TaskStartedEventDetails.ResourceType, *d.TaskStartedEventDetails.Resource))
		case d.TaskSucceededEventDetails != nil:
			out = append(out, fmt.Sprintf("TaskSucceeded %s", aws.ToString(d.TaskSucceededEventDetails.Output)))
		case d.TaskFailedEventDetails != nil:
			out = append(out, fmt.Sprintf("TaskFailed %s: %s", aws.ToString(d.TaskFailedEventDetails.Error), aws.ToString(d.TaskFailedEventDetails.Cause)))
		}
	}
	return out
}

func countTasks(events []types.HistoryEvent, resource string) (scheduled, succeeded, failed int) {
	last := ""
	for _, ev := range events {
		switch {
		case ev.TaskScheduledEventDetails != nil:
			last = *ev.TaskScheduledEventDetails.Resource
			if last == resource {
				scheduled++
			}
		case ev.TaskSucceededEventDetails != nil && *ev.TaskSucceededEventDetails.Resource == resource:
			succeeded++
		case ev.TaskFailedEventDetails != nil && *ev.TaskFailedEventDetails.Resource == resource:
			failed++
		}
	}
	return scheduled, succeeded, failed
}

func TestMockConfigTestCases(t *testing.T) {
	t.Parallel()
	h, machine, puts := serveMocked(t, testkit.Testdata(t, "mocks", "MockConfigFile.json"))
	const input = `{"order": "o-1", "items": ["a", "b", "c"]}`
	run := func(testCase string) (*sfn.DescribeExecutionOutput, []types.HistoryEvent) {
		arn := h.start(machine+"#"+testCase, strings.ToLower(testCase), input)
		return h.wait(arn), h.history(arn)
	}
	validated := `{"Payload":{"valid":true},"StatusCode":200}`

	t.Run("HappyPath", func(t *testing.T) {
		out, events := run("HappyPath")
		require.Equal(t, types.ExecutionStatusSucceeded, out.Status)
		require.JSONEq(t, `{"order": "o-1", "items": ["a", "b", "c"], "validation": {"valid": true},
			"fulfilment": [{}, {"MessageId": "7c5e0f0a-0000-4000-8000-000000000001"}],
			"shipped": [{"shipped": true}, {"shipped": true}, {"shipped": true}]}`, *out.Output)
		require.Equal(t, []string{"TaskScheduled lambda:invoke", "TaskStarted lambda:invoke", "TaskSucceeded " + validated},
			taskEvents(events, types.HistoryEventTypeParallelStateEntered))
		scheduled, succeeded, _ := countTasks(events, "invoke")
		require.Equal(t, 4, scheduled) // Validate and three ShipItem
		require.Equal(t, 4, succeeded)
		scheduled, _, _ = countTasks(events, "publish")
		require.Equal(t, 1, scheduled)
	})
	t.Run("RetryPath", func(t *testing.T) {
		out, events := run("RetryPath")
		require.Equal(t, types.ExecutionStatusSucceeded, out.Status)
		throttled := "TaskFailed Lambda.TooManyRequestsException: Rate exceeded"
		require.Equal(t, []string{
			"TaskScheduled lambda:invoke", "TaskStarted lambda:invoke", throttled,
			"TaskScheduled lambda:invoke", "TaskStarted lambda:invoke", throttled,
			"TaskScheduled lambda:invoke", "TaskStarted lambda:invoke", "TaskSucceeded " + validated,
		}, taskEvents(events, types.HistoryEventTypeParallelStateEntered), "invocations 0-1 throw, 2 returns: retries count")
	})
	t.Run("CatchPath", func(t *testing.T) {
		out, events := run("CatchPath")
		require.Equal(t, types.ExecutionStatusFailed, out.Status)
		require.Equal(t, "OrderRejected", aws.ToString(out.Error))
		require.Equal(t, []string{"TaskScheduled lambda:invoke", "TaskStarted lambda:invoke", "TaskFailed ValidationError: the order has no items"},
			taskEvents(events, ""))
		require.Equal(t, types.HistoryEventTypeFailStateEntered, events[len(events)-2].Type, "caught into Rejected")
	})
	t.Run("ShipFails", func(t *testing.T) {
		out, events := run("ShipFails")
		require.Equal(t, types.ExecutionStatusFailed, out.Status)
		require.Equal(t, "Carrier.Unavailable", aws.ToString(out.Error))
		require.Equal(t, "no carrier for item 3", aws.ToString(out.Cause))
		_, succeeded, failed := countTasks(events, "invoke")
		require.Equal(t, 3, succeeded) // Validate and the first two items
		require.Equal(t, 1, failed)
	})
	t.Run("HybridPath", func(t *testing.T) {
		out, _ := run("HybridPath")
		require.Equal(t, types.ExecutionStatusSucceeded, out.Status)
		puts.mu.Lock()
		defer puts.mu.Unlock()
		require.Len(t, puts.items, 1, "the state the case does not mock runs for real")
		require.Equal(t, "stock", puts.items[0]["TableName"])
	})
	t.Run("StartSyncExecution", func(t *testing.T) {
		out, err := h.client.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{
			StateMachineArn: aws.String(machine + "#ShipFails"), Input: aws.String(input)})
		require.NoError(t, err)
		require.Equal(t, types.SyncExecutionStatusFailed, out.Status)
		require.Equal(t, "Carrier.Unavailable", aws.ToString(out.Error))
	})
	t.Run("without a test case every task runs for real", func(t *testing.T) {
		arn := h.start(machine, "real", input)
		out := h.wait(arn)
		require.Equal(t, types.ExecutionStatusFailed, out.Status, "no function serves validate-order's lambda:invoke")
	})
}

// TestMockConfigExpress runs test cases of an EXPRESS MockedOrders, as
// Step Functions Local does: synchronously, and asynchronously (where
// the unmocked state's real call shows it ran).
func TestMockConfigExpress(t *testing.T) {
	t.Parallel()
	h, machine, puts := serveMockedType(t, testkit.Testdata(t, "mocks", "MockConfigFile.json"), types.StateMachineTypeExpress)
	ctx := context.Background()
	const input = `{"order": "o-1", "items": ["a", "b", "c"]}`
	out, err := h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machine + "#ShipFails"), Input: aws.String(input)})
	require.NoError(t, err)
	require.Equal(t, types.SyncExecutionStatusFailed, out.Status)
	require.Equal(t, "Carrier.Unavailable", aws.ToString(out.Error))
	require.Contains(t, aws.ToString(out.ExecutionArn), ":express:MockedOrders:")

	out, err = h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machine + "#HappyPath"), Input: aws.String(input)})
	require.NoError(t, err)
	require.Equal(t, types.SyncExecutionStatusSucceeded, out.Status, aws.ToString(out.Cause))

	started, err := h.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine + "#HybridPath"), Input: aws.String(input)})
	require.NoError(t, err)
	require.Contains(t, aws.ToString(started.ExecutionArn), ":express:MockedOrders:")
	require.Eventually(t, func() bool {
		puts.mu.Lock()
		defer puts.mu.Unlock()
		return len(puts.items) == 1
	}, 10*time.Second, 10*time.Millisecond, "the unmocked state ran for real")
}

func TestMockConfigUnknownTestCase(t *testing.T) {
	t.Parallel()
	h, machine, _ := serveMocked(t, testkit.Testdata(t, "mocks", "MockConfigFile.json"))
	_, err := h.client.StartExecution(context.Background(), &sfn.StartExecutionInput{StateMachineArn: aws.String(machine + "#NoSuchCase")})
	var apiErr smithy.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "ValidationException", apiErr.ErrorCode())
	require.Contains(t, apiErr.ErrorMessage(), `no test case "NoSuchCase" for state machine MockedOrders`)
	require.Contains(t, apiErr.ErrorMessage(), "HappyPath")

	_, err = h.client.StartSyncExecution(context.Background(), &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machine + "#Nope")})
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "ValidationException", apiErr.ErrorCode())
}

// beyondLocal mocks what Step Functions Local cannot: an activity, a
// callback task, a nested execution and an HTTP Task, none of which has a
// worker, a callback, a child machine or a server here.
const beyondLocal = `{
  "StartAt": "Activity",
  "States": {
    "Activity": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:nobody-polls", "ResultPath": "$.activity", "Next": "Callback"},
    "Callback": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "Parameters": {"QueueUrl": "https://sqs.example/q", "MessageBody": {"token.$": "$$.Task.Token"}}, "ResultPath": "$.callback", "Next": "Child"},
    "Child": {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
      "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:absent"}, "ResultSelector": {"out.$": "$.Output"}, "ResultPath": "$.child", "Next": "Http"},
    "Http": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
      "Parameters": {"ApiEndpoint": "https://api.example/never", "Method": "GET"}, "ResultSelector": {"status.$": "$.StatusCode"}, "ResultPath": "$.http", "End": true}
  }
}`

func TestMockConfigBeyondStepFunctionsLocal(t *testing.T) {
	t.Parallel()
	h, _, _ := serveMocked(t, `{
	  "StateMachines": {"Beyond": {"TestCases": {"All": {"Activity": "A", "Callback": "C", "Child": "N", "Http": "H"}}}},
	  "MockedResponses": {
	    "A": {"0": {"Return": {"done": true}}},
	    "C": {"0": {"Return": {"approved": true}}},
	    "N": {"0": {"Return": {"Status": "SUCCEEDED", "Output": {"child": 1}}}},
	    "H": {"0": {"Return": {"StatusCode": 204, "ResponseBody": ""}}}
	  }
	}`)
	machine := h.machineOf("Beyond", beyondLocal)
	arn := h.start(machine+"#All", "beyond", `{}`)
	out := h.wait(arn)
	require.Equal(t, types.ExecutionStatusSucceeded, out.Status, "%s %s", aws.ToString(out.Error), aws.ToString(out.Cause))
	require.JSONEq(t, `{"activity": {"done": true}, "callback": {"approved": true}, "child": {"out": {"child": 1}}, "http": {"status": 204}}`, *out.Output)
	events := h.history(arn)
	require.Equal(t, []types.HistoryEventType{"ActivityScheduled", "ActivityStarted", "ActivitySucceeded"},
		[]types.HistoryEventType{events[2].Type, events[3].Type, events[4].Type}, "an activity's events are activity events")
}

// TestWaitTimeScale runs a Wait of an hour and a retry interval of ten
// minutes with WAIT_TIME_SCALE 0: they end at once, and the history keeps
// the Wait the definition asked for.
func TestWaitTimeScale(t *testing.T) {
	t.Parallel()
	zero := 0.0
	cfg, err := mockconfig.Parse([]byte(`{"StateMachines": {"Slow": {"TestCases": {"T": {"Flaky": "F"}}}},
	  "MockedResponses": {"F": {"0": {"Throw": {"Error": "Flaky"}}, "1": {"Return": "ok"}}}}`))
	require.NoError(t, err)
	eng := testengine.Start(t, testkit.NewPool(t), &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval,
		Mocks: mockconfig.Static(cfg), WaitTimeScale: &zero})
	h := serveAWS(t, eng, syncTimeout)
	machine := h.machineOf("Slow", `{"StartAt": "Hour", "States": {
	  "Hour": {"Type": "Wait", "Seconds": 3600, "Next": "Flaky"},
	  "Flaky": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:flaky",
	    "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 600}], "End": true}}}`)
	arn := h.start(machine+"#T", "slow", `{}`)
	out := h.wait(arn)
	require.Equal(t, types.ExecutionStatusSucceeded, out.Status)
	require.Equal(t, `"ok"`, *out.Output)
	var kinds []types.HistoryEventType
	for _, ev := range h.history(arn) {
		kinds = append(kinds, ev.Type)
	}
	require.Equal(t, []types.HistoryEventType{"ExecutionStarted", "WaitStateEntered", "WaitStateExited", "TaskStateEntered",
		"TaskScheduled", "TaskStarted", "TaskFailed", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}, kinds)
}
