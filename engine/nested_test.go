package engine_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// nestedChildren are the machines the nested tests start: one that
// succeeds with its input, one that fails, one that waits an hour, one
// that calls back its parent with the token it was given.
const (
	childEcho = `{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"got.$":"$"},"End":true}}}`
	childFail = `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Child.Broke","Cause":"on purpose"}}}`
	childWait = `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`
)

// nestedTask is a parent machine of one Task on resource with params.
func nestedTask(resource, params string, extra string) string {
	return `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + resource + `","Parameters":` + params + extra + `,"End":true}}}`
}

func newNestedHarness(t *testing.T) *harness {
	h := newHarness(t)
	h.machine("child-echo", childEcho)
	h.machine("child-fail", childFail)
	h.machine("child-wait", childWait)
	return h
}

// outputObject decodes an execution's output.
func outputObject(t *testing.T, exec *store.Execution) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(*exec.Output), &out))
	return out
}

// TestNestedExecutions runs a child execution from a Task in each of the
// four forms of states:startExecution and through aws-sdk:sfn.
func TestNestedExecutions(t *testing.T) {
	t.Parallel()
	h := newNestedHarness(t)
	ctx := context.Background()
	const params = `{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:child-echo","Input":{"n.$":"$.n","AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$":"$$.Execution.Id"}}`

	t.Run("sync:2", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("p-sync2", nestedTask("arn:aws:states:::states:startExecution.sync:2", params, ""))
		exec := h.run("p-sync2", "", `{"n":7}`)
		requireSucceeded(t, exec, "")
		out := outputObject(t, exec)
		require.Equal(t, "SUCCEEDED", out["Status"])
		require.Equal(t, map[string]any{"got": map[string]any{"n": float64(7), "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": exec.ARN}}, out["Output"])
		require.True(t, strings.HasSuffix(out["StateMachineArn"].(string), ":stateMachine:child-echo"))
		require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
			"TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}, h.events(exec))
		child, err := h.e.Execution(ctx, out["ExecutionArn"].(string))
		require.NoError(t, err)
		require.Equal(t, exec.ID, *child.ParentID, "the child records its parent")
		require.IsType(t, float64(0), out["StartDate"])
		require.IsType(t, float64(0), out["StopDate"])
	})

	t.Run("sync", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("p-sync", nestedTask("arn:aws:states:::states:startExecution.sync", params, ""))
		exec := h.run("p-sync", "", `{"n":8}`)
		requireSucceeded(t, exec, "")
		out := outputObject(t, exec)
		require.IsType(t, "", out["Output"], ".sync reports Output as JSON text")
		require.IsType(t, "", out["Input"])
		require.JSONEq(t, `{"got":{"n":8,"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID":"`+exec.ARN+`"}}`, out["Output"].(string))
	})

	t.Run("request-response", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("p-rr", nestedTask("arn:aws:states:::states:startExecution", `{"StateMachineArn":"child-echo","Name.$":"$.name"}`, ""))
		exec := h.run("p-rr", "", `{"name":"rr-child"}`)
		requireSucceeded(t, exec, "")
		out := outputObject(t, exec)
		require.Len(t, out, 2)
		require.True(t, strings.HasSuffix(out["ExecutionArn"].(string), ":execution:child-echo:rr-child"))
		child := h.wait(out["ExecutionArn"].(string))
		requireSucceeded(t, child, `{"got":{}}`)
		require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
			"TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}, h.events(exec))
	})

	t.Run("aws-sdk", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("p-sdk", nestedTask("arn:aws:states:::aws-sdk:sfn:startExecution", `{"StateMachineArn":"child-echo","Input":"{\"s\":1}"}`, ""))
		exec := h.run("p-sdk", "", `{}`)
		requireSucceeded(t, exec, "")
		child := h.wait(outputObject(t, exec)["ExecutionArn"].(string))
		requireSucceeded(t, child, `{"got":{"s":1}}`)
	})

	t.Run("waitForTaskToken", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("p-token", nestedTask("arn:aws:states:::states:startExecution.waitForTaskToken",
			`{"StateMachineArn":"child-wait","Input":{"token.$":"$$.Task.Token"}}`, ""))
		exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "p-token"})
		require.NoError(t, err)
		token := childToken(t, h, exec)
		require.NoError(t, h.e.SendTaskSuccess(ctx, token, `{"answer":42}`))
		requireSucceeded(t, h.wait(exec.ARN), `{"answer":42}`)
	})
}

// childToken waits for the nested child of exec to start and returns the
// task token in its input.
func childToken(t *testing.T, h *harness, exec *store.Execution) string {
	t.Helper()
	arn := submittedChild(t, h, exec)
	child, err := h.e.Execution(context.Background(), arn)
	require.NoError(t, err)
	var in struct{ Token string }
	require.NoError(t, json.Unmarshal([]byte(child.Input), &in))
	require.NotEmpty(t, in.Token)
	return in.Token
}

// submittedChild waits for exec's TaskSubmitted event and returns the
// child ARN it carries.
func submittedChild(t *testing.T, h *harness, exec *store.Execution) string {
	t.Helper()
	var arn string
	require.Eventually(t, func() bool {
		evs, err := h.e.History(context.Background(), exec.ID, 0, 1000, false)
		require.NoError(t, err)
		for _, ev := range evs {
			if ev.Type == history.TaskSubmitted {
				var d struct{ Output struct{ ExecutionArn string } }
				require.NoError(t, json.Unmarshal([]byte(*ev.Details), &d))
				arn = d.Output.ExecutionArn
				return true
			}
		}
		return false
	}, 20*time.Second, 20*time.Millisecond)
	return arn
}

// TestNestedFailures: a failed child fails the parent's .sync task with
// States.TaskFailed and DescribeExecution's answer as cause; a start that
// cannot happen fails with AWS's error name; stopping the parent stops
// its .sync child.
func TestNestedFailures(t *testing.T) {
	t.Parallel()
	h := newNestedHarness(t)
	ctx := context.Background()

	t.Run("child fails", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("p-fail", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
			"Parameters":{"StateMachineArn":"child-fail"},"End":true,
			"Catch":[{"ErrorEquals":["States.TaskFailed"],"ResultPath":"$.caught","Next":"Done"}]},"Done":{"Type":"Succeed"}}}`)
		exec := h.run("p-fail", "", `{}`)
		requireSucceeded(t, exec, "")
		var caught struct{ Caught struct{ Error, Cause string } }
		require.NoError(t, json.Unmarshal([]byte(*exec.Output), &caught))
		require.Equal(t, asl.ErrorTaskFailed, caught.Caught.Error)
		var cause map[string]any
		require.NoError(t, json.Unmarshal([]byte(caught.Caught.Cause), &cause))
		require.Equal(t, "FAILED", cause["Status"])
		require.Equal(t, "Child.Broke", cause["Error"])
		require.Equal(t, "on purpose", cause["Cause"])
	})

	t.Run("no such machine", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("p-missing", nestedTask("arn:aws:states:::states:startExecution.sync", `{"StateMachineArn":"no-such-child"}`, ""))
		requireFailed(t, h.run("p-missing", "", `{}`), "StepFunctions.StateMachineDoesNotExistException")
		h.machine("p-missing-sdk", nestedTask("arn:aws:states:::aws-sdk:sfn:startExecution", `{"StateMachineArn":"no-such-child"}`, ""))
		requireFailed(t, h.run("p-missing-sdk", "", `{}`), "Sfn.StateMachineDoesNotExistException")
	})

	t.Run("name taken", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("p-taken", nestedTask("arn:aws:states:::states:startExecution", `{"StateMachineArn":"child-echo","Name":"taken"}`, ""))
		requireSucceeded(t, h.run("p-taken", "", `{}`), "")
		requireFailed(t, h.run("p-taken", "", `{}`), "StepFunctions.ExecutionAlreadyExistsException")
	})

	t.Run("bad parameter", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("p-bad", nestedTask("arn:aws:states:::states:startExecution", `{"StateMachineArn":"child-echo","Inptu":{}}`, ""))
		exec := h.run("p-bad", "", `{}`)
		requireFailed(t, exec, asl.ErrorRuntime)
		require.Contains(t, *exec.Cause, `"Inptu"`)
	})

	t.Run("stop parent", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("p-stop", nestedTask("arn:aws:states:::states:startExecution.sync:2", `{"StateMachineArn":"child-wait"}`, ""))
		exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "p-stop"})
		require.NoError(t, err)
		arn := submittedChild(t, h, exec)
		_, err = h.e.StopExecution(ctx, exec.ARN, "Stopped", "by the test")
		require.NoError(t, err)
		child := h.wait(arn)
		require.Equal(t, store.StatusAborted, child.Status)
		require.Contains(t, *child.Cause, exec.ARN)
	})

	t.Run("task timeout stops child", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		h.machine("p-timeout", nestedTask("arn:aws:states:::states:startExecution.sync", `{"StateMachineArn":"child-wait"}`, `,"TimeoutSeconds":1`))
		exec := h.run("p-timeout", "", `{}`)
		requireFailed(t, exec, asl.ErrorTimeout)
		child, _, err := h.e.ListExecutions(ctx, engine.ExecutionQuery{StateMachine: "child-wait"})
		require.NoError(t, err)
		for _, c := range child {
			if c.ParentID != nil && *c.ParentID == exec.ID {
				require.Equal(t, store.StatusAborted, h.wait(c.ARN).Status)
				return
			}
		}
		t.Fatal("no child of the timed-out task")
	})
}

// TestExpressNested starts nested executions from EXPRESS executions:
// request-response, through the optimized integration and aws-sdk:sfn,
// of STANDARD and EXPRESS children, and the errors of a bad start.
func TestExpressNested(t *testing.T) {
	t.Parallel()
	h := newNestedHarness(t)
	ctx := context.Background()
	_, _, err := h.e.CreateStateMachine(ctx, "child-fast", engine.MachineSpec{Definition: childEcho, Type: store.TypeExpress})
	require.NoError(t, err)
	tests := []struct {
		name, resource, child, childName string
		arnHas, errName                  string
	}{
		{name: "standard child", resource: "arn:aws:states:::states:startExecution", child: "child-echo", childName: "kid-1",
			arnHas: ":execution:child-echo:kid-1"},
		{name: "through aws-sdk", resource: "arn:aws:states:::aws-sdk:sfn:startExecution", child: "child-echo", childName: "kid-2",
			arnHas: ":execution:child-echo:kid-2"},
		{name: "express child", resource: "arn:aws:states:::states:startExecution", child: "child-fast", childName: "kid-3",
			arnHas: ":express:child-fast:kid-3:"},
		{name: "missing machine", resource: "arn:aws:states:::states:startExecution", child: "no-such", childName: "kid-4",
			errName: "StepFunctions.StateMachineDoesNotExistException"},
		{name: "missing machine through aws-sdk", resource: "arn:aws:states:::aws-sdk:sfn:startExecution", child: "no-such", childName: "kid-5",
			errName: "Sfn.StateMachineDoesNotExistException"},
		{name: "bad name", resource: "arn:aws:states:::states:startExecution", child: "child-echo", childName: "a b",
			errName: "StepFunctions.InvalidNameException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			params := `{"StateMachineArn":"arn:aws:states:us-east-1:123456789012:stateMachine:` + tt.child + `","Name":"` + tt.childName + `","Input":{"n.$":"$.n"}}`
			parent := "xp-" + slug(tt.name)
			_, _, err := h.e.CreateStateMachine(ctx, parent, engine.MachineSpec{Definition: nestedTask(tt.resource, params, ""), Type: store.TypeExpress})
			require.NoError(t, err)
			res, err := h.e.StartSyncExpress(ctx, engine.StartInput{StateMachine: parent, Input: `{"n":7}`})
			require.NoError(t, err)
			if tt.errName != "" {
				require.Equal(t, "FAILED", res.Status)
				require.Equal(t, tt.errName, res.Error, res.Cause)
				return
			}
			require.Equal(t, "SUCCEEDED", res.Status, "%s: %s", res.Error, res.Cause)
			var out map[string]any
			require.NoError(t, json.Unmarshal([]byte(*res.Output), &out))
			require.Len(t, out, 2, "request-response answers ExecutionArn and StartDate: %v", out)
			require.Contains(t, out["ExecutionArn"], tt.arnHas)
			require.IsType(t, float64(0), out["StartDate"])
			if strings.Contains(tt.arnHas, ":express:") {
				return // an asynchronous EXPRESS child is not stored
			}
			child := h.wait(out["ExecutionArn"].(string))
			requireSucceeded(t, child, `{"got":{"n":7}}`)
			require.Nil(t, child.ParentID, "an Express parent is not stored, so not linked")
		})
	}
}
