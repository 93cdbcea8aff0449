package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// TestDistributedMapChildren runs a Distributed Map's items as child
// executions of its item processor, each with its own history.
func TestDistributedMapChildren(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("dist", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,
		"ItemSelector":{"v.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P",
			"States":{"P":{"Type":"Pass","Parameters":{"twice.$":"States.MathAdd($.v, $.v)","i.$":"$.i"},"End":true}}},"End":true}}}`)
	exec := h.run("dist", "", `{"items":[1,2,3,4,5]}`)
	require.Equal(t, store.StatusSucceeded, exec.Status, "%v %v", exec.Error, exec.Cause)
	require.JSONEq(t, `[{"twice":2,"i":0},{"twice":4,"i":1},{"twice":6,"i":2},{"twice":8,"i":3},{"twice":10,"i":4}]`, *exec.Output)
}

func TestDistributedMapConformanceCase(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("tol", `{"Comment": "MAP_STATE_TOLERATED_FAILURE_COUNT_PATH", "StartAt": "MapState", "States": {"MapState": {"Type": "Map", "ItemsPath": "$.Items", "MaxConcurrency": 1, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "HandleItem", "States": {"HandleItem": {"Type": "Pass", "End": true}}}, "ToleratedFailureCountPath": "$.ToleratedFailureCount", "End": true}}}`)
	exec := h.run("tol", "", `{"Items": [0], "ToleratedFailureCount": 0}`)
	require.Equal(t, store.StatusSucceeded, exec.Status, "%v %v", exec.Error, exec.Cause)
	require.Equal(t, []string{"ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted", "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"}, h.events(exec))
}

// TestDistributedMapRedrive redrives a failed Map run: the children that
// failed run again and the ones that succeeded keep their results.
func TestDistributedMapRedrive(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{store.TypeStandard, store.TypeExpress} {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			testMapRedrive(t, typ)
		})
	}
}

func testMapRedrive(t *testing.T, executionType string) {
	var mu sync.Mutex
	calls := map[float64]int{}
	redriven := false
	h := newHarness(t, func(reg *activities.Registry) {
		activities.Register(reg, "flaky", func(ctx context.Context, in map[string]any) (any, error) {
			mu.Lock()
			defer mu.Unlock()
			n := in["n"].(float64)
			calls[n]++
			if int(n)%2 == 1 && !redriven {
				return nil, fmt.Errorf("item %v fails until the redrive", n)
			}
			return map[string]any{"n": n}, nil
		})
	})
	h.machine("redriven", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,
		"ItemSelector":{"n.$":"$$.Map.Item.Value"},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"`+executionType+`"},"StartAt":"T",
			"States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:flaky","End":true}}},"End":true}}}`)
	exec := h.run("redriven", "", `{"items":[0,1,2,3,4,5]}`)
	require.Equal(t, store.StatusFailed, exec.Status)
	ctx := context.Background()
	runs, _, err := h.e.ListMapRuns(ctx, exec.ARN, 0, 10)
	require.NoError(t, err)
	require.Len(t, runs, 1)
	before, _, err := h.e.ListExecutions(ctx, engine.ExecutionQuery{MapRun: runs[0].ARN, Status: store.StatusSucceeded})
	require.NoError(t, err)
	mu.Lock()
	redriven = true
	mu.Unlock()
	_, err = h.e.RedriveExecution(ctx, exec.ARN)
	require.NoError(t, err)
	exec = h.wait(exec.ARN)
	requireSucceeded(t, exec, `[{"n":0},{"n":1},{"n":2},{"n":3},{"n":4},{"n":5}]`)
	for _, c := range before {
		after, err := h.e.Execution(ctx, c.ARN)
		require.NoError(t, err)
		require.Equal(t, 0, after.RedriveCount, "a child that succeeded is not run again")
		require.Equal(t, c.StoppedAt, after.StoppedAt)
		var in map[string]float64
		require.NoError(t, json.Unmarshal([]byte(c.Input), &in))
		mu.Lock()
		require.Equal(t, 1, calls[in["n"]], "item %v ran once", in["n"])
		mu.Unlock()
	}
	mr, err := h.e.MapRun(ctx, runs[0].ARN)
	require.NoError(t, err)
	require.Equal(t, store.MapRunSucceeded, mr.Status)
	require.Equal(t, int32(1), mr.RedriveCount)
	require.Equal(t, int64(6), mr.Counts.Succeeded)
	require.Equal(t, int64(6), mr.Counts.Total)
	require.Contains(t, h.events(exec), history.MapRunRedriven)
	children, _, err := h.e.ListExecutions(ctx, engine.ExecutionQuery{MapRun: mr.ARN})
	require.NoError(t, err)
	again := 0
	for _, c := range children {
		again += c.RedriveCount
		if c.RedriveCount > 0 {
			_, err := h.e.RedriveExecution(ctx, c.ARN)
			require.ErrorIs(t, err, engine.ErrExecutionNotRedrivable)
		}
	}
	require.Positive(t, again)
}

// TestDistributedMapStop counts a running Map run's pending items and
// stops its children with the parent.
func TestDistributedMapStop(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("waits", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"W",
			"States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}},"End":true}}}`)
	ctx := context.Background()
	exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "waits", Input: `{"items":[1,2,3,4,5]}`})
	require.NoError(t, err)
	var mr *engine.MapRunInfo
	require.Eventually(t, func() bool {
		runs, _, err := h.e.ListMapRuns(ctx, exec.ARN, 0, 10)
		require.NoError(t, err)
		if len(runs) == 0 {
			return false
		}
		mr, err = h.e.MapRun(ctx, runs[0].ARN)
		require.NoError(t, err)
		return mr.Counts.Running == 2
	}, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, int64(3), mr.Counts.Pending)
	require.Equal(t, int64(5), mr.Counts.Total)
	_, err = h.e.StopExecution(ctx, exec.ARN, "Stop", "by the test")
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		mr, err = h.e.MapRun(ctx, mr.ARN)
		require.NoError(t, err)
		return mr.Counts.Aborted == 2
	}, 10*time.Second, 20*time.Millisecond, "the running children are aborted")
	require.Equal(t, store.MapRunAborted, mr.Status)
	require.Zero(t, mr.Counts.Running)
}

// TestDistributedMapExpressChildren runs a Distributed Map's children as
// Express executions: in memory, without history, counted and listed
// with the Map run, a failure tolerated.
func TestDistributedMapExpressChildren(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(reg *activities.Registry) {
		activities.Register(reg, "halve", func(ctx context.Context, in map[string]float64) (any, error) {
			if int(in["n"])%2 == 1 {
				return nil, activities.NewError("Odd", fmt.Sprintf("%v is odd", in["n"]))
			}
			return map[string]float64{"half": in["n"] / 2}, nil
		})
	})
	h.machine("express-children", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ToleratedFailureCount":1,
		"ItemSelector":{"n.$":"$$.Map.Item.Value"},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"EXPRESS"},"StartAt":"T",
			"States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:halve","End":true}}},"End":true}}}`)
	exec := h.run("express-children", "", `{"items":[2,4,5,8]}`)
	require.Equal(t, store.StatusSucceeded, exec.Status, "%s %s", deref(exec.Error), deref(exec.Cause))
	var out []map[string]any
	require.NoError(t, json.Unmarshal([]byte(*exec.Output), &out))
	require.Len(t, out, 4)
	require.Equal(t, map[string]any{"half": float64(1)}, out[0])
	require.Equal(t, map[string]any{"half": float64(4)}, out[3])
	require.Equal(t, "FAILED", out[2]["Status"], "the tolerated failure is reported")
	ctx := context.Background()
	runs, _, err := h.e.ListMapRuns(ctx, exec.ARN, 0, 10)
	require.NoError(t, err)
	mr, err := h.e.MapRun(ctx, runs[0].ARN)
	require.NoError(t, err)
	require.Equal(t, int64(3), mr.Counts.Succeeded)
	require.Equal(t, int64(1), mr.Counts.Failed)
	children, _, err := h.e.ListExecutions(ctx, engine.ExecutionQuery{MapRun: mr.ARN})
	require.NoError(t, err)
	require.Len(t, children, 4)
	for _, c := range children {
		require.Contains(t, c.ARN, ":express:express-children/M:")
		require.Empty(t, h.events(c), "an Express child keeps no history")
	}
}
