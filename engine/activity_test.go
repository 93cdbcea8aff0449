package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
)

func TestActivityWorkers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	act, err := h.e.CreateActivity(ctx, "review")
	require.NoError(t, err)
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:activity:review", act.ARN)
	again, err := h.e.CreateActivity(ctx, "review")
	require.NoError(t, err)
	require.Equal(t, act.ID, again.ID, "creating an activity twice returns it")

	h.machine("reviewed", `{"StartAt":"Review","States":{"Review":{"Type":"Task","Resource":"`+act.ARN+`",
		"Parameters":{"doc.$":"$.doc"},"HeartbeatSeconds":30,"Next":"Done"},"Done":{"Type":"Pass","End":true}}}`)
	none, err := h.e.GetActivityTask(ctx, act.ARN, "w1", 200*time.Millisecond)
	require.NoError(t, err)
	require.Nil(t, none, "no task waiting: an empty answer after the wait")

	exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "reviewed", Name: "r1", Input: `{"doc":"d-1"}`})
	require.NoError(t, err)
	task, err := h.e.GetActivityTask(ctx, "review", "w1", 10*time.Second)
	require.NoError(t, err)
	require.NotNil(t, task)
	require.JSONEq(t, `{"doc":"d-1"}`, task.Input)
	other, err := h.e.GetActivityTask(ctx, "review", "w2", 100*time.Millisecond)
	require.NoError(t, err)
	require.Nil(t, other, "a task goes to one worker")
	require.NoError(t, h.e.SendTaskHeartbeat(ctx, task.Token))
	require.NoError(t, h.e.SendTaskSuccess(ctx, task.Token, `{"approved":true}`))
	done := h.wait(exec.ARN)
	requireSucceeded(t, done, `{"approved":true}`)
	events := h.events(done)
	require.Equal(t, []string{history.ExecutionStarted, history.TaskStateEntered, history.ActivityScheduled, history.ActivityStarted, history.ActivitySucceeded,
		history.TaskStateExited, history.PassStateEntered, history.PassStateExited, history.ExecutionSucceeded}, events)

	_, err = h.e.GetActivityTask(ctx, "nope", "w", time.Millisecond)
	require.ErrorIs(t, err, engine.ErrActivityDoesNotExist)
	h.machine("missing", single(`{"Type":"Task","Resource":"arn:aws:states:us-east-1:000000000000:activity:missing","End":true}`))
	requireFailed(t, h.run("missing", "m", `{}`), "States.TaskFailed")
}

func TestActivityHeartbeatTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	act, err := h.e.CreateActivity(ctx, "slow")
	require.NoError(t, err)
	h.machine("slow", single(`{"Type":"Task","Resource":"`+act.ARN+`","HeartbeatSeconds":1,"End":true}`))
	exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "slow", Name: "s"})
	require.NoError(t, err)
	task, err := h.e.GetActivityTask(ctx, act.ARN, "w", 10*time.Second)
	require.NoError(t, err)
	require.NotNil(t, task)
	done := h.wait(exec.ARN)
	requireFailed(t, done, "States.HeartbeatTimeout")
	require.Contains(t, h.events(done), history.ActivityTimedOut)
	require.ErrorIs(t, h.e.SendTaskSuccess(ctx, task.Token, `{}`), engine.ErrTaskTimedOut)
}
