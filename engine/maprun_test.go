package engine_test

import (
	"testing"

	"github.com/stretchr/testify/require"

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
