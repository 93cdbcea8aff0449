package engine_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// TestServiceIntegrations runs Task states whose resources are service and
// AWS SDK integrations served by functions registered with
// RegisterIntegration, in each integration pattern.
func TestServiceIntegrations(t *testing.T) {
	t.Parallel()
	published := make(chan map[string]any, 4)
	queued := make(chan map[string]any, 4)
	h := newHarness(t, func(reg *activities.Registry) {
		activities.RegisterIntegration(reg, "events:putEvents", func(_ context.Context, in map[string]any) (map[string]any, error) {
			published <- in
			return map[string]any{"Entries": []any{map[string]any{"EventId": "e-1"}}, "FailedEntryCount": 0}, nil
		})
		activities.RegisterIntegration(reg, "aws-sdk:s3:*", func(ctx context.Context, in map[string]any) (map[string]any, error) {
			info, _ := activities.Info(ctx)
			return map[string]any{"Resource": info.Resource, "Key": in["Key"]}, nil
		})
		activities.RegisterIntegration(reg, "glue:startJobRun", func(ctx context.Context, in map[string]any) (map[string]any, error) {
			info, _ := activities.Info(ctx)
			if in["Wait"] == true {
				// Runs 4 s, past HeartbeatSeconds (3), heartbeating every
				// 500 ms: a margin that holds when CI is loaded.
				for i := 0; i < 8; i++ {
					if err := activities.Heartbeat(ctx); err != nil {
						return nil, err
					}
					time.Sleep(500 * time.Millisecond)
				}
			}
			if in["Hang"] == true {
				<-ctx.Done()
				return nil, ctx.Err()
			}
			return map[string]any{"JobRunState": "SUCCEEDED", "Resource": info.Resource}, nil
		})
		activities.RegisterIntegration(reg, "sqs:sendMessage", func(_ context.Context, in map[string]any) (map[string]any, error) {
			queued <- in
			return map[string]any{"MessageId": "q-1"}, nil
		})
	})
	ctx := context.Background()

	t.Run("request-response", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("publish", single(`{"Type":"Task","Resource":"arn:aws:states:::events:putEvents",
			"Parameters":{"Entries":[{"Source":"shop","DetailType":"OrderPlaced","Detail.$":"$.detail"}]},
			"ResultSelector":{"id.$":"$.Entries[0].EventId"},"End":true}`))
		exec := h.run("publish", "p", `{"detail":{"orderId":"o-1"}}`)
		requireSucceeded(t, exec, `{"id":"e-1"}`)
		got := testkit.Receive(t, published, 10*time.Second, "putEvents request")
		require.Equal(t, decode(t, `{"Entries":[{"Source":"shop","DetailType":"OrderPlaced","Detail":{"orderId":"o-1"}}]}`), any(got),
			"the function gets the effective parameters")
		requireTaskDetails(t, h, exec, "arn:aws:states:::events:putEvents")
	})

	t.Run("aws-sdk", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("get-object", single(`{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:getObject","Parameters":{"Bucket":"b","Key.$":"$.key"},"End":true}`))
		requireSucceeded(t, h.run("get-object", "g", `{"key":"k.json"}`), `{"Resource":"arn:aws:states:::aws-sdk:s3:getObject","Key":"k.json"}`)
	})

	t.Run("sync", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("job", single(`{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync","HeartbeatSeconds":3,"TimeoutSeconds":30,
			"Parameters":{"JobName":"nightly","Wait":true},"End":true}`))
		exec := h.run("job", "j", `{}`)
		requireSucceeded(t, exec, `{"JobRunState":"SUCCEEDED","Resource":"arn:aws:states:::glue:startJobRun.sync"}`)
		require.Equal(t, []string{history.ExecutionStarted, history.TaskStateEntered, history.TaskScheduled, history.TaskStarted, history.TaskSucceeded,
			history.TaskStateExited, history.ExecutionSucceeded}, h.events(exec), "heartbeats kept the job alive past HeartbeatSeconds")
	})

	t.Run("sync timeout", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("hung-job", single(`{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync:2","TimeoutSeconds":1,
			"Parameters":{"Hang":true},"End":true}`))
		exec := h.run("hung-job", "h", `{}`)
		requireFailed(t, exec, "States.Timeout")
		require.Contains(t, h.events(exec), history.TaskTimedOut)
	})

	t.Run("waitForTaskToken", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("ask", single(`{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
			"Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/asks","MessageBody":{"token.$":"$$.Task.Token","orderId.$":"$.orderId"}},"End":true}`))
		exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "ask", Name: "w", Input: `{"orderId":"o-9"}`})
		require.NoError(t, err)
		msg := testkit.Receive(t, queued, 10*time.Second, "sendMessage request")
		body := msg["MessageBody"].(map[string]any)
		require.Equal(t, "o-9", body["orderId"])
		token := body["token"].(string)
		require.NotEmpty(t, token)
		require.NoError(t, h.e.SendTaskSuccess(ctx, token, `{"answer":42}`))
		done := h.wait(exec.ARN)
		requireSucceeded(t, done, `{"answer":42}`)
		requireTaskDetails(t, h, done, "arn:aws:states:::sqs:sendMessage.waitForTaskToken")
	})

	t.Run("unbound", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("unbound", `{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::dynamodb:deleteItem","Parameters":{"TableName":"t"},
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},"Caught":{"Type":"Succeed"}}}`)
		exec := h.run("unbound", "u", `{}`)
		requireFailed(t, exec, "States.Runtime") // States.ALL does not catch States.Runtime
		require.Equal(t, `no worker has registered a function for resource arn:aws:states:::dynamodb:deleteItem: `+
			`bind one with activities.RegisterIntegration(reg, "dynamodb:deleteItem", fn), or serve it with activity workers (--bind-activity dynamodb:deleteItem=ACTIVITY)`, *exec.Cause)
	})
}

// requireTaskDetails checks that the execution's TaskScheduled event
// records the resource as written.
func requireTaskDetails(t *testing.T, h *harness, exec *store.Execution, resource string) {
	t.Helper()
	evs, err := h.e.History(context.Background(), exec.ID, 0, 1000, false)
	require.NoError(t, err)
	for _, e := range evs {
		if e.Type == history.TaskScheduled {
			var d struct{ Resource string }
			require.NoError(t, json.Unmarshal([]byte(*e.Details), &d))
			require.Equal(t, resource, d.Resource)
			return
		}
	}
	t.Fatal("no TaskScheduled event")
}

// TestUnboundGrace: with Config.UnboundGrace a task whose resource no
// worker registered waits for one to start, and fails with States.Runtime
// once the grace has passed without one.
func TestUnboundGrace(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	e := testengine.Start(t, pool, &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval, UnboundGrace: 2 * time.Second})
	h := &harness{t: t, e: e}
	h.machine("late", single(`{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"Message":"hi"},"End":true}`))

	failed := h.run("late", "nobody", `{}`)
	requireFailed(t, failed, asl.ErrorRuntime)
	require.GreaterOrEqual(t, failed.StoppedAt.Sub(failed.StartedAt), 2*time.Second, "it waited for the grace")

	exec, _, err := e.StartExecution(context.Background(), engine.StartInput{StateMachine: "late", Name: "served"})
	require.NoError(t, err)
	require.Eventually(t, func() bool { // the task waits: entered, not scheduled
		return slices.Contains(h.events(exec), history.TaskStateEntered)
	}, 5*time.Second, 10*time.Millisecond)
	require.NotContains(t, h.events(exec), history.TaskScheduled)
	reg := activities.NewRegistry()
	activities.RegisterIntegration(reg, "sns:publish", func(_ context.Context, in map[string]any) (map[string]any, error) {
		return map[string]any{"MessageId": "m-1", "got": in["Message"]}, nil
	})
	testengine.Start(t, pool, &engine.Config{Functions: reg, FetchPollInterval: testengine.FetchPollInterval})
	requireSucceeded(t, h.wait(exec.ARN), `{"MessageId":"m-1","got":"hi"}`)
}
