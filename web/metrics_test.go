package web_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/web"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// checkMachine passes, runs the check function and succeeds: three
// transitions, or two when check fails (which fails the execution).
const checkMachine = `{"StartAt":"Prep","States":{
	"Prep":{"Type":"Pass","Next":"Check"},
	"Check":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:check","Next":"Done"},
	"Done":{"Type":"Succeed"}}}`

// TestObserverMetrics runs executions that succeed, fail and are stopped
// on an engine with a web.Observer and checks that /metrics counts each
// exactly.
func TestObserverMetrics(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := activities.NewRegistry()
	activities.Register(reg, "check", func(_ context.Context, in struct {
		OK bool `json:"ok"`
	}) (map[string]any, error) {
		if !in.OK {
			return nil, errors.New("not ok")
		}
		return map[string]any{"checked": true}, nil
	})
	e := testengine.New(t, reg, web.NewObserver())
	srv := httptest.NewServer(web.New(e, nil).Handler())
	t.Cleanup(srv.Close)

	_, _, err := e.CreateStateMachine(ctx, "check", engine.MachineSpec{Definition: checkMachine})
	require.NoError(t, err)
	_, _, err = e.CreateStateMachine(ctx, "waits", engine.MachineSpec{Definition: webtest.WaitMachine})
	require.NoError(t, err)
	run := func(name, input, want string) {
		exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "check", Name: name, Input: input})
		require.NoError(t, err)
		waitCtx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		exec, err = e.Wait(waitCtx, exec.ARN)
		require.NoError(t, err)
		require.Equal(t, want, exec.Status)
	}
	for _, name := range []string{"ok-1", "ok-2", "ok-3"} {
		run(name, `{"ok":true}`, "SUCCEEDED")
	}
	for _, name := range []string{"bad-1", "bad-2"} {
		run(name, `{"ok":false}`, "FAILED")
	}
	_, created, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "check", Name: "ok-1", Input: `{"ok":true}`})
	require.NoError(t, err)
	require.False(t, created, "an idempotent repeat, not counted")

	stopped, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "waits", Name: "stopped"})
	require.NoError(t, err)
	_, err = e.StopExecution(ctx, stopped.ARN, "Cancelled", "by the test")
	require.NoError(t, err)
	_, _, err = e.StartExecution(ctx, engine.StartInput{StateMachine: "waits", Name: "parked"})
	require.NoError(t, err)

	want := []string{
		`stepwise_engine_executions_started_total{state_machine="check"} 5`,
		`stepwise_engine_executions_started_total{state_machine="waits"} 2`,
		`stepwise_engine_executions_finished_total{state_machine="check",status="SUCCEEDED"} 3`,
		`stepwise_engine_executions_finished_total{state_machine="check",status="FAILED"} 2`,
		`stepwise_engine_executions_finished_total{state_machine="waits",status="ABORTED"} 1`,
		`stepwise_engine_transitions_total 15`, // 3×3 + 2×2 + the two Wait states
		`stepwise_engine_task_duration_seconds_count{function="check",outcome="succeeded"} 3`,
		`stepwise_engine_task_duration_seconds_count{function="check",outcome="failed"} 2`,
	}
	text := scrape(t, srv.URL)
	for deadline := time.Now().Add(10 * time.Second); len(missingLines(text, want)) > 0 && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond) // the Observer is told just after the commit that Wait sees
		text = scrape(t, srv.URL)
	}
	require.Empty(t, missingLines(text, want), "in:\n%s", text)
	// The queue depth, read at scrape time, shows the parked execution's
	// Wait (and the stopped one's, unless the engine cancelled it).
	require.Regexp(t, `(?m)^stepwise_river_jobs\{queue="stepwise",state="scheduled"\} [12]$`, text)
	require.Equal(t, 3, strings.Count(text, "\nstepwise_engine_executions_finished_total{"), "only the three ends above (the parked execution runs)")
	require.Contains(t, text, "\nstepwise_engine_retention_sweep_timestamp_seconds 0\n", "no sweep yet")
	require.Regexp(t, `(?m)^stepwise_jsonata_fallbacks_total \d+$`, text)

	// A retention sweep that deletes the two failed executions.
	_, err = e.Pool().Exec(ctx, `UPDATE stepwise_executions SET started_at = started_at - interval '100 days', stopped_at = stopped_at - interval '100 days' WHERE name LIKE 'bad-%'`)
	require.NoError(t, err)
	deleted, err := e.SweepExecutions(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(2), deleted)
	text = scrape(t, srv.URL)
	require.Contains(t, text, "\nstepwise_engine_retention_deleted_executions_total 2\n")
	require.Regexp(t, `(?m)^stepwise_engine_retention_sweep_duration_seconds \S+$`, text)
	require.NotContains(t, text, "\nstepwise_engine_retention_sweep_timestamp_seconds 0\n")
}

// scrape reads /metrics.
func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url + "/metrics")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(body)
}

// missingLines returns the lines of want that are not lines of text.
func missingLines(text string, want []string) []string {
	lines := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		lines[line] = true
	}
	var missing []string
	for _, w := range want {
		if !lines[w] {
			missing = append(missing, w)
		}
	}
	return missing
}
