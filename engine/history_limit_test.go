package engine_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// newLimitedHarness is a harness whose engine caps histories at limit
// events and ends Wait states at once.
func newLimitedHarness(t *testing.T, limit int) *harness {
	t.Helper()
	zero := 0.0
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval,
		MaxHistoryEvents: limit, WaitTimeScale: &zero})
	return &harness{t: t, e: e}
}

// TestHistoryLimit runs executions into the history quota: one whose
// event at the quota is its end succeeds; any other fails there with
// ExecutionFailed as the quota's last event, whether it loops inside one
// transaction (Pass and Choice) or across many (a Wait in the loop).
func TestHistoryLimit(t *testing.T) {
	t.Parallel()
	const limit = 60
	h := newLimitedHarness(t, limit)
	loop := func(wait string) string {
		pause := ""
		if wait == "Pause" {
			pause = `"Pause":{"Type":"Wait","Seconds":1,"Next":"Count"},`
		}
		return `{"StartAt":"Count","States":{
			"Count":{"Type":"Pass","Parameters":{"n.$":"States.MathAdd($.n, 1)"},"Next":"More"},
			"More":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericLessThan":1000000,"Next":"` + wait + `"}],"Default":"Done"},
` + pause + `
			"Done":{"Type":"Succeed"}}}`
	}
	h.machine("tight", loop("Count"))
	h.machine("paused", loop("Pause"))
	// Started, then Entered and Exited for each of 29 Passes: 59 events,
	// so ExecutionSucceeded is event 60, the quota.
	passes := `{"StartAt":"P1","States":{`
	for i := 1; i <= 29; i++ {
		next := fmt.Sprintf(`"Next":"P%d"`, i+1)
		if i == 29 {
			next = `"End":true`
		}
		passes += fmt.Sprintf(`"P%d":{"Type":"Pass",%s}`, i, next)
		if i < 29 {
			passes += ","
		}
	}
	h.machine("exact", passes+`}}`)

	for _, machine := range []string{"tight", "paused"} {
		t.Run(machine, func(t *testing.T) {
			t.Parallel()
			h := h.with(t)
			exec := h.run(machine, "loop", `{"n":0}`)
			requireFailed(t, exec, "States.Runtime")
			require.Contains(t, *exec.Cause, "maximum number of events in its history (60)")
			events := h.events(exec)
			require.Len(t, events, limit)
			require.Equal(t, "ExecutionFailed", events[limit-1])
			// a redrive has no room left for its events
			_, err := h.e.RedriveExecution(context.Background(), exec.ARN)
			require.ErrorIs(t, err, engine.ErrExecutionNotRedrivable)
		})
	}
	t.Run("end at the quota", func(t *testing.T) {
		t.Parallel()
		h := h.with(t)
		exec := h.run("exact", "end", `{}`)
		requireSucceeded(t, exec, `{}`)
		events := h.events(exec)
		require.Len(t, events, limit)
		require.Equal(t, "ExecutionSucceeded", events[limit-1])
	})
	t.Run("one event short", func(t *testing.T) {
		t.Parallel()
		short := newLimitedHarness(t, limit-1)
		short.machine("exact", passes+`}}`)
		exec := short.run("exact", "short", `{}`)
		requireFailed(t, exec, "States.Runtime")
		require.Equal(t, store.StatusFailed, exec.Status)
		require.Equal(t, "ExecutionFailed", short.events(exec)[limit-2])
	})
}
