package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
)

// TestActivityBindingsRefused: New refuses a binding whose name is not a
// service integration an activity may serve, or whose activity is not an
// activity name or ARN, naming the binding.
func TestActivityBindingsRefused(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, activity, want string }{
		{"http:invoke", "web", "served by the engine itself"},
		{"lambda:invoke", "fns", "not a service integration name"},
		{"arn:aws:states:::sqs:sendMessage", "q", "without arn:PARTITION:states:::"},
		{"aws-sdk:s3:getObject.sync", "s3", "do not support .sync"},
		{"sqs:sendMessage", "a/b", "activity name"},
		{"sqs:sendMessage", "arn:aws:lambda:us-east-1:123456789012:function:f", "is not an activity ARN"},
	}
	for _, tt := range tests {
		_, err := engine.New(nil, &engine.Config{ActivityBindings: map[string]string{tt.name: tt.activity}})
		require.ErrorContains(t, err, "activity binding "+tt.name+"="+tt.activity+": ")
		require.ErrorContains(t, err, tt.want)
		require.Error(t, engine.CheckActivityBinding(tt.name, tt.activity))
	}
	require.NoError(t, engine.CheckActivityBinding("aws-sdk:s3:*", "arn:aws:states:us-east-1:000000000000:activity:s3"))
}

// TestActivityBindings routes service integrations to activities and
// functions: the most specific name first, a registered function before
// an activity at the same name. History names the service, not the
// activity.
func TestActivityBindings(t *testing.T) {
	t.Parallel()
	byFunction := func(ctx context.Context, _ map[string]any) (map[string]any, error) {
		info, _ := activities.Info(ctx)
		return map[string]any{"By": "function", "Resource": info.Resource}, nil
	}
	h := newBoundHarness(t, map[string]string{
		"sqs:sendMessage":       "sqs-workers",
		"sqs:*":                 "never",
		"glue:startJobRun.sync": "arn:aws:states:us-east-1:000000000000:activity:glue-jobs",
		"events:putEvents":      "missing",
	}, func(reg *activities.Registry) {
		activities.RegisterIntegration(reg, "sqs:*", byFunction)
		activities.RegisterIntegration(reg, "glue:startJobRun", byFunction)
	})
	ctx := context.Background()
	for _, name := range []string{"sqs-workers", "glue-jobs"} {
		_, err := h.e.CreateActivity(ctx, name)
		require.NoError(t, err)
	}

	t.Run("bound", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("send", single(`{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","HeartbeatSeconds":30,
			"Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/q","MessageBody.$":"$.body"},"End":true}`))
		exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "send", Name: "s", Input: `{"body":{"n":1}}`})
		require.NoError(t, err)
		task, err := h.e.GetActivityTask(ctx, "sqs-workers", "w1", 10*time.Second)
		require.NoError(t, err)
		require.NotNil(t, task)
		require.JSONEq(t, `{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/q","MessageBody":{"n":1}}`, task.Input,
			"the worker gets the effective parameters, as a function would")
		require.NoError(t, h.e.SendTaskHeartbeat(ctx, task.Token))
		require.NoError(t, h.e.SendTaskSuccess(ctx, task.Token, `{"MessageId":"m-1"}`))
		done := h.wait(exec.ARN)
		requireSucceeded(t, done, `{"MessageId":"m-1"}`)
		require.Equal(t, []string{history.ExecutionStarted, history.TaskStateEntered, history.TaskScheduled, history.TaskStarted, history.TaskSucceeded,
			history.TaskStateExited, history.ExecutionSucceeded}, h.events(done))
		requireTaskDetails(t, h, done, "arn:aws:states:::sqs:sendMessage")
	})

	t.Run("function at the same name", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("delete", single(`{"Type":"Task","Resource":"arn:aws:states:::sqs:deleteMessage","End":true}`))
		requireSucceeded(t, h.run("delete", "d", `{}`), `{"By":"function","Resource":"arn:aws:states:::sqs:deleteMessage"}`)
	})

	t.Run("more specific binding", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("glue", single(`{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync","End":true}`))
		exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "glue", Name: "g", Input: `{}`})
		require.NoError(t, err)
		task, err := h.e.GetActivityTask(ctx, "glue-jobs", "w1", 10*time.Second)
		require.NoError(t, err)
		require.NotNil(t, task, "glue:startJobRun.sync is bound, more specific than the function glue:startJobRun")
		require.NoError(t, h.e.SendTaskSuccess(ctx, task.Token, `{"JobRunState":"SUCCEEDED"}`))
		requireSucceeded(t, h.wait(exec.ARN), `{"JobRunState":"SUCCEEDED"}`)

		h.machine("glue-start", single(`{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun","End":true}`))
		requireSucceeded(t, h.run("glue-start", "g", `{}`), `{"By":"function","Resource":"arn:aws:states:::glue:startJobRun"}`)
	})

	t.Run("missing activity", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("notify", `{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents",
			"Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Caught"}],"End":true},"Caught":{"Type":"Succeed"}}}`)
		exec := h.run("notify", "n", `{}`)
		requireSucceeded(t, exec, "")
		require.Contains(t, *exec.Output, "activity missing does not exist")
		events := h.events(exec)
		require.Contains(t, events, history.TaskFailed)
		require.NotContains(t, events, history.ActivityFailed)
	})
}
