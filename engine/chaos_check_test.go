//go:build chaos

package engine_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// chaosChecks checks a finished chaos run from the engine API and the
// database, counting the checks that pass and fail by kind.
type chaosChecks struct {
	t      *testing.T
	api    *engine.Engine
	pool   *pgxpool.Pool
	counts map[string]*[2]int
	kinds  []string
	shown  int
	stats  chaosStats
	// roles names the role of the chaos processes, by pid.
	roles map[int]string
}

// chaosStats describes the task calls of a run.
type chaosStats struct {
	invocations, keys, redelivered, interrupted, compensations int
	// afterFinish counts attempts delivered again although a call had
	// finished (its result was lost with a process, or a lease ran out);
	// sameProcess those delivered twice to one process.
	afterFinish, sameProcess int
	// paths counts redeliveries by the roles of the first two processes.
	paths map[string]int
}

// The kinds of checks, in the order they are reported.
const (
	checkFinal        = "final status and output as the in-memory runner"
	checkEventIDs     = "history event ids 1..n, none duplicated or missing"
	checkHistory      = "history events as the in-memory runner's"
	checkTransitions  = "each state entered as often as in memory (no transition twice)"
	checkRuns         = "no run left open"
	checkKeys         = "one idempotency key per task attempt, same for redeliveries"
	checkAttempts     = "task attempts and outcomes as in memory (none lost)"
	checkEffects      = "effects once per attempt that succeeded"
	checkCompensation = "compensations exactly as the saga requires"
	checkStray        = "no call outside the run's executions"
	checkRideOut      = "the engine kept working through a PostgreSQL restart"
)

// check counts one check of kind, reporting the first failures.
func (c *chaosChecks) check(kind string, ok bool, format string, args ...any) {
	n, seen := c.counts[kind]
	if !seen {
		n = &[2]int{}
		c.counts[kind] = n
		c.kinds = append(c.kinds, kind)
	}
	if ok {
		n[0]++
		return
	}
	n[1]++
	c.shown++
	if c.shown <= 40 {
		c.t.Errorf("%s: "+format, append([]any{kind}, args...)...)
	}
}

// report prints the counts and fails the test if any check failed.
func (c *chaosChecks) report() {
	passed, failed := 0, 0
	for _, kind := range c.kinds {
		n := c.counts[kind]
		passed += n[0]
		failed += n[1]
		fmt.Printf("  %-66s %6d passed, %d failed\n", kind, n[0], n[1])
	}
	s := c.stats
	fmt.Printf("chaos: %d task calls for %d attempts: %d attempts delivered more than once with the same key (%d after a call had finished, %d twice to one process), %d calls cut off; %d compensations\n",
		s.invocations, s.keys, s.redelivered, s.afterFinish, s.sameProcess, s.interrupted, s.compensations)
	fmt.Printf("chaos: first two deliveries of those attempts: %v\n", s.paths)
	fmt.Printf("chaos checks: %d passed, %d failed\n", passed, failed)
	if failed > 0 {
		c.t.Errorf("%d chaos checks failed", failed)
	}
}

// invocation is one logged call of a chaos function.
type invocation struct {
	arn, state, function, key, outcome string
	attempt, pid                       int
	finished                           bool
}

// run checks every execution of load.
func (c *chaosChecks) run(load *chaosLoad) {
	ctx := context.Background()
	calls := map[string][]invocation{}
	rows, err := c.pool.Query(ctx, `SELECT execution_arn, state, function, idempotency_key, coalesce(outcome, ''), attempt, pid, finished_at IS NOT NULL FROM chaos_invocations ORDER BY id`)
	require.NoError(c.t, err)
	for rows.Next() {
		var v invocation
		require.NoError(c.t, rows.Scan(&v.arn, &v.state, &v.function, &v.key, &v.outcome, &v.attempt, &v.pid, &v.finished))
		calls[v.arn] = append(calls[v.arn], v)
		c.stats.invocations++
		if !v.finished {
			c.stats.interrupted++
		}
	}
	require.NoError(c.t, rows.Err())
	effects := map[string]map[string]int{}
	rows, err = c.pool.Query(ctx, `SELECT execution_arn, function, count(*) FROM chaos_effects GROUP BY 1, 2`)
	require.NoError(c.t, err)
	for rows.Next() {
		var arn, fn string
		var n int
		require.NoError(c.t, rows.Scan(&arn, &fn, &n))
		if effects[arn] == nil {
			effects[arn] = map[string]int{}
		}
		effects[arn][fn] = n
	}
	require.NoError(c.t, rows.Err())
	open := map[int64]int{}
	rows, err = c.pool.Query(ctx, `SELECT execution_id, count(*) FROM stepwise_runs WHERE status IN ('PENDING', 'RUNNING') GROUP BY 1`)
	require.NoError(c.t, err)
	for rows.Next() {
		var id int64
		var n int
		require.NoError(c.t, rows.Scan(&id, &n))
		open[id] = n
	}
	require.NoError(c.t, rows.Err())

	known := map[string]bool{}
	for _, x := range load.all() {
		known[x.arn] = true
		c.execution(load, x, calls[x.arn], effects[x.arn], open[x.id])
	}
	stray := 0
	for arn, cs := range calls {
		if !known[arn] {
			stray += len(cs)
		}
	}
	c.check(checkStray, stray == 0, "%d calls for executions the run did not start", stray)
}

// execution checks one execution.
func (c *chaosChecks) execution(load *chaosLoad, x *chaosExec, calls []invocation, effects map[string]int, openRuns int) {
	ctx := context.Background()
	exec, err := c.api.Execution(ctx, x.arn)
	require.NoError(c.t, err)
	w := x.want
	got := []string{exec.Status, deref(exec.Error), deref(exec.Cause), outputOf(exec.Output)}
	want := []string{w.Status, "<nil>", "<nil>", "<nil>"}
	if w.Error != nil {
		want[1], want[2] = w.Error.Name, w.Error.Cause
	} else {
		want[3] = asl.EncodeJSON(w.Output)
	}
	c.check(checkFinal, slices.Equal(got, want), "%s: got %q, want %q", x.name, got, want)

	events, err := c.api.History(ctx, exec.ID, 0, 100000, false)
	require.NoError(c.t, err)
	dense := int64(len(events)) == exec.LastEventID
	for j, e := range events {
		dense = dense && e.ID == int64(j+1) && e.PreviousID == int64(j)
	}
	c.check(checkEventIDs, dense, "%s: %d events, last event id %d: %v", x.name, len(events), exec.LastEventID, eventIDs(events))

	m := load.machines[x.machine]
	var gotTop, wantTop []string
	gotBy, wantBy := map[string][]string{}, map[string][]string{}
	for _, e := range events {
		state := ""
		if e.State != nil {
			state = *e.State
		}
		sortEvent(m, state, e.Type, &gotTop, gotBy)
	}
	for _, e := range w.Events {
		sortEvent(m, e.State, e.Type, &wantTop, wantBy)
	}
	same := slices.Equal(gotTop, wantTop) && len(gotBy) == len(wantBy)
	for state, types := range wantBy {
		same = same && slices.Equal(types, gotBy[state])
	}
	c.check(checkHistory, same, "%s:\n got %v %v\nwant %v %v", x.name, gotTop, gotBy, wantTop, wantBy)
	gotEntered, wantEntered := entries(events), map[string]int{}
	for _, e := range w.Events {
		if history.IsStateEntered(e.Type) {
			wantEntered[e.State]++
		}
	}
	c.check(checkTransitions, maps.Equal(gotEntered, wantEntered), "%s: entered %v, want %v", x.name, gotEntered, wantEntered)
	c.check(checkRuns, openRuns == 0, "%s: %d runs still open", x.name, openRuns)

	// Calls: one key per attempt, shared by its redeliveries, naming an
	// entry into the state recorded in the history.
	enteredAt := map[int64]string{}
	scheduled := 0
	for _, e := range events {
		if history.IsStateEntered(e.Type) {
			enteredAt[e.ID] = deref(e.State)
		}
		if e.Type == history.TaskScheduled {
			scheduled++
		}
	}
	byKey := map[string][]invocation{}
	var keys []string
	for _, v := range calls {
		if byKey[v.key] == nil {
			keys = append(keys, v.key)
		}
		byKey[v.key] = append(byKey[v.key], v)
	}
	c.stats.keys += len(keys)
	var attempts []string
	keysOK := len(keys) == scheduled
	problem := fmt.Sprintf("%d keys for %d scheduled tasks", len(keys), scheduled)
	for _, key := range keys {
		vs := byKey[key]
		if len(vs) > 1 {
			c.stats.redelivered++
			if vs[0].finished {
				c.stats.afterFinish++
			}
			if vs[0].pid == vs[1].pid {
				c.stats.sameProcess++
			}
			if c.stats.paths == nil {
				c.stats.paths = map[string]int{}
			}
			c.stats.paths[c.roles[vs[0].pid]+" then "+c.roles[vs[1].pid]]++
		}
		entered, attempt, ok := keyEntered(key, x.arn, vs[0].state)
		if !ok || enteredAt[entered] != vs[0].state || attempt != vs[0].attempt {
			keysOK = false
			problem = fmt.Sprintf("key %q names no entry into %s at attempt %d", key, vs[0].state, vs[0].attempt)
		}
		outcome := ""
		for _, v := range vs {
			if v.state != vs[0].state || v.attempt != vs[0].attempt || v.function != vs[0].function {
				keysOK = false
				problem = fmt.Sprintf("key %q shared by different attempts", key)
			}
			if v.finished && outcome != "" && v.outcome != outcome {
				keysOK = false
				problem = fmt.Sprintf("key %q finished as %q and as %q", key, outcome, v.outcome)
			}
			if v.finished {
				outcome = v.outcome
			}
		}
		attempts = append(attempts, fmt.Sprintf("%s %s #%d: %s", vs[0].function, vs[0].state, vs[0].attempt, outcome))
	}
	c.check(checkKeys, keysOK, "%s: %s", x.name, problem)
	var wantAttempts []string
	wantEffects := map[string]int{}
	for _, cl := range x.calls {
		wantAttempts = append(wantAttempts, fmt.Sprintf("%s %s #%d: %s", cl.Function, cl.State, cl.Attempt, cl.Outcome))
		if cl.Outcome == "ok" {
			wantEffects[cl.Function]++
		}
	}
	slices.Sort(attempts)
	slices.Sort(wantAttempts)
	c.check(checkAttempts, slices.Equal(attempts, wantAttempts), "%s:\n got %q\nwant %q", x.name, attempts, wantAttempts)
	if effects == nil {
		effects = map[string]int{}
	}
	c.check(checkEffects, maps.Equal(effects, wantEffects), "%s: effects %v, want %v", x.name, effects, wantEffects)
	if x.machine == "order-saga" {
		got, want := map[string]int{}, map[string]int{}
		for _, fn := range compensations {
			got[fn], want[fn] = effects[fn], wantEffects[fn]
			c.stats.compensations += effects[fn]
		}
		c.check(checkCompensation, maps.Equal(got, want), "%s: compensations %v, want %v", x.name, got, want)
	}
}

// sortEvent files an event under the top-level sequence when it belongs
// to no state or to one of m's own states, else under its (branch)
// state: branches run concurrently, so only their own order is fixed.
func sortEvent(m *asl.StateMachine, state, typ string, top *[]string, by map[string][]string) {
	if _, ok := m.States[state]; ok || state == "" {
		*top = append(*top, typ+" "+state)
		return
	}
	by[state] = append(by[state], typ)
}

// entries counts the StateEntered events of each state.
func entries(events []*store.Event) map[string]int {
	out := map[string]int{}
	for _, e := range events {
		if history.IsStateEntered(e.Type) {
			out[deref(e.State)]++
		}
	}
	return out
}

func eventIDs(events []*store.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = fmt.Sprintf("%d<-%d", e.ID, e.PreviousID)
	}
	return out
}

// outputOf normalises a stored output for comparison.
func outputOf(s *string) string {
	if s == nil {
		return "<nil>"
	}
	v, err := asl.DecodeJSON([]byte(*s))
	if err != nil {
		return *s
	}
	return asl.EncodeJSON(v)
}
