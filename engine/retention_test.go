package engine_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/examples/orders"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

const day = 24 * time.Hour

// passOnly is a machine of one Pass state.
const passOnly = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`

// distributedPass is a Distributed Map whose children pass their items on.
const distributedPass = `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P",
		"States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`

// age moves an execution's start and stop, and those of its Map runs'
// children, d into the past, as if it had closed d earlier.
func age(t *testing.T, pool *pgxpool.Pool, id int64, d time.Duration) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `UPDATE stepwise_executions
		SET started_at = started_at - make_interval(secs => $2), stopped_at = stopped_at - make_interval(secs => $2)
		WHERE id = $1 OR map_run_id IN (SELECT id FROM stepwise_map_runs WHERE execution_id = $1)`, id, d.Seconds())
	require.NoError(t, err)
}

// owned counts, per table, the rows that belong to executions ids: their
// own rows, their Map runs' child executions, and the runs, history
// events, task tokens, activity tasks and task leases of both.
func owned(t *testing.T, pool *pgxpool.Pool, ids ...int64) map[string]int {
	t.Helper()
	const all = `WITH RECURSIVE execs(id) AS (
		SELECT unnest($1::bigint[])
		UNION SELECT c.id FROM stepwise_executions c JOIN stepwise_map_runs r ON r.id = c.map_run_id JOIN execs ON r.execution_id = execs.id)`
	counts := map[string]int{}
	for table, where := range map[string]string{
		"stepwise_executions":     "id IN (SELECT id FROM execs)",
		"stepwise_runs":           "execution_id IN (SELECT id FROM execs)",
		"stepwise_events":         "execution_id IN (SELECT id FROM execs)",
		"stepwise_event_batches":  "execution_id IN (SELECT id FROM execs)",
		"stepwise_task_tokens":    "execution_id IN (SELECT id FROM execs)",
		"stepwise_activity_tasks": "execution_id IN (SELECT id FROM execs)",
		"stepwise_map_runs":       "execution_id IN (SELECT id FROM execs)",
		"stepwise_task_leases":    "run_ids && ARRAY(SELECT id FROM stepwise_runs WHERE execution_id IN (SELECT id FROM execs))",
	} {
		var n int
		require.NoError(t, pool.QueryRow(context.Background(), all+` SELECT count(*) FROM `+table+` WHERE `+where, ids).Scan(&n))
		counts[table] = n
	}
	return counts
}

// TestExecutionTablesCounted checks that owned counts every table that
// refers to an execution, so that a new one is not left out of the
// retention tests.
func TestExecutionTablesCounted(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	rows, err := pool.Query(context.Background(), `SELECT DISTINCT table_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND column_name IN ('execution_id', 'map_run_id', 'run_id') AND table_name LIKE 'stepwise%'`)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Err())
	counted := owned(t, pool)
	for _, table := range tables {
		require.Contains(t, counted, table, "a table refers to executions; count it in owned")
	}
}

// TestRetentionSweep deletes the executions closed for longer than
// their machine's retention, with every row that belongs to them (a Map
// run's children with their parent), and keeps running ones, recent
// ones, Map children of a recent parent however old, and those of a
// machine that keeps them for ever.
func TestRetentionSweep(t *testing.T) {
	t.Parallel()
	requests := make(chan orders.ApprovalRequest, 8)
	h := newHarness(t)
	h.orders.OnApprovalRequest = func(r orders.ApprovalRequest) { requests <- r }
	ctx := context.Background()
	pool := h.e.Pool()
	forever, short := -time.Second, day
	h.machine("approvals", twoApprovals)
	h.machine("dist", distributedPass)
	_, _, err := h.e.CreateStateMachine(ctx, "forever", engine.MachineSpec{Definition: passOnly, Retention: &forever})
	require.NoError(t, err)
	sm, _, err := h.e.CreateStateMachine(ctx, "short", engine.MachineSpec{Definition: passOnly, Retention: &short})
	require.NoError(t, err)
	require.Equal(t, day, h.e.RetentionOf(sm))
	sm, err = h.e.StateMachine(ctx, "short")
	require.NoError(t, err)
	require.Equal(t, int64(86400), *sm.RetentionSeconds, "stored")
	sm, err = h.e.StateMachine(ctx, "dist")
	require.NoError(t, err)
	require.Equal(t, engine.DefaultRetentionPeriod, h.e.RetentionOf(sm))

	answer := func() {
		require.NoError(t, h.e.SendTaskSuccess(ctx, testkit.Receive(t, requests, 10*time.Second, "approval request").TaskToken, `{}`))
	}
	callback, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "approvals", Name: "old-callback"})
	require.NoError(t, err)
	answer()
	answer()
	callback = h.wait(callback.ARN)
	require.Equal(t, store.StatusSucceeded, callback.Status)
	running, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "approvals", Name: "running"})
	require.NoError(t, err)
	testkit.Receive(t, requests, 10*time.Second, "approval request")
	oldMap := h.run("dist", "old-map", `{"items":[1,2,3,4,5]}`)
	recentMap := h.run("dist", "recent-map", `{"items":[1,2,3]}`)
	keptForever := h.run("forever", "", `{}`)
	shortOld := h.run("short", "old", `{}`)
	shortRecent := h.run("short", "recent", `{}`)
	for _, exec := range []*store.Execution{callback, oldMap, recentMap, keptForever, shortOld, shortRecent} {
		require.NotEqual(t, store.StatusRunning, exec.Status)
	}

	age(t, pool, callback.ID, 91*day)
	age(t, pool, oldMap.ID, 91*day)
	age(t, pool, running.ID, 200*day)
	age(t, pool, keptForever.ID, 1000*day)
	age(t, pool, shortOld.ID, 2*day)
	age(t, pool, shortRecent.ID, time.Hour)
	// A child of a recent Map run closed long ago: it stays with its parent.
	_, err = pool.Exec(ctx, `UPDATE stepwise_executions SET started_at = started_at - interval '100 days', stopped_at = stopped_at - interval '100 days'
		WHERE id = (SELECT min(c.id) FROM stepwise_executions c JOIN stepwise_map_runs r ON r.id = c.map_run_id WHERE r.execution_id = $1)`, recentMap.ID)
	require.NoError(t, err)

	doomed := []int64{callback.ID, oldMap.ID, shortOld.ID}
	kept := []int64{running.ID, recentMap.ID, keptForever.ID, shortRecent.ID}
	before, keptBefore := owned(t, pool, doomed...), owned(t, pool, kept...)
	for _, table := range []string{"stepwise_executions", "stepwise_runs", "stepwise_events", "stepwise_task_tokens", "stepwise_map_runs"} {
		require.Positive(t, before[table], table)
	}
	require.Equal(t, 3+5, before["stepwise_executions"], "three executions and the old Map run's five children")

	deleted, err := h.e.SweepExecutions(ctx)
	require.NoError(t, err)
	require.Equal(t, int64(3+5), deleted)
	for table, n := range owned(t, pool, doomed...) {
		require.Zero(t, n, "%s rows of deleted executions are left", table)
	}
	require.Equal(t, keptBefore, owned(t, pool, kept...))
	_, err = h.e.Execution(ctx, callback.ARN)
	require.ErrorIs(t, err, engine.ErrExecutionDoesNotExist)

	deleted, err = h.e.SweepExecutions(ctx)
	require.NoError(t, err)
	require.Zero(t, deleted, "nothing left to delete")

	// Setting a machine's retention back to the installation's (0) keeps
	// its two-day-old execution; for ever keeps it too.
	zero := time.Duration(0)
	_, err = h.e.UpdateStateMachine(ctx, "short", engine.MachineSpec{Definition: passOnly, Retention: &zero})
	require.NoError(t, err)
	sm, err = h.e.StateMachine(ctx, "short")
	require.NoError(t, err)
	require.Nil(t, sm.RetentionSeconds)
	age(t, pool, shortRecent.ID, 2*day)
	deleted, err = h.e.SweepExecutions(ctx)
	require.NoError(t, err)
	require.Zero(t, deleted)
}

// TestRetentionOff keeps every execution when the installation keeps
// them for ever and no machine sets a retention of its own.
func TestRetentionOff(t *testing.T) {
	t.Parallel()
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval, RetentionPeriod: -1})
	exec := finishOne(t, e, passOnly)
	age(t, e.Pool(), exec.ID, 3650*day)
	deleted, err := e.SweepExecutions(context.Background())
	require.NoError(t, err)
	require.Zero(t, deleted)
}

// TestRetentionSweepAcrossEngines has two engines sweep at once: one
// deletes at a time, none fails, every expired execution is deleted
// exactly once, and a Map run with more children than a transaction
// deletes goes in several, its parent last.
func TestRetentionSweepAcrossEngines(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	pool := h.e.Pool()
	other := testengine.Start(t, pool, &engine.Config{})
	h.machine("dist", distributedPass)
	h.machine("pass", passOnly)
	items := make([]string, 1100)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	big := h.run("dist", "big", `{"items":[`+strings.Join(items, ",")+`]}`)
	require.Equal(t, store.StatusSucceeded, big.Status, "%v %v", big.Error, big.Cause)
	age(t, pool, big.ID, 100*day)
	ids := []int64{big.ID}
	for i := range 30 {
		exec := h.run("pass", fmt.Sprint("p", i), `{}`)
		age(t, pool, exec.ID, 100*day)
		ids = append(ids, exec.ID)
	}
	require.Equal(t, 1100+31, owned(t, pool, ids...)["stepwise_executions"])

	var wg sync.WaitGroup
	counts := make([]int64, 2)
	errs := make([]error, 2)
	for i, e := range []*engine.Engine{h.e, other} {
		wg.Go(func() { counts[i], errs[i] = e.SweepExecutions(ctx) })
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	require.Equal(t, int64(1100+31), counts[0]+counts[1])
	for table, n := range owned(t, pool, ids...) {
		require.Zero(t, n, "%s rows of deleted executions are left", table)
	}
}

// TestRedriveWindow refuses to redrive an execution that closed more
// than 14 days ago, as AWS does, and redrives one that closed 13 days ago.
func TestRedriveWindow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	h.machine("fail", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom"}}}`)
	old := h.run("fail", "old", `{}`)
	recent := h.run("fail", "recent", `{}`)
	age(t, h.e.Pool(), old.ID, 15*day)
	age(t, h.e.Pool(), recent.ID, 13*day)

	old, err := h.e.Execution(ctx, old.ARN)
	require.NoError(t, err)
	require.True(t, h.e.RedriveExpired(old))
	_, err = h.e.RedriveExecution(ctx, old.ARN)
	require.ErrorIs(t, err, engine.ErrExecutionNotRedrivable)
	require.Contains(t, err.Error(), engine.RedrivePeriodExceeded)

	recent, err = h.e.Execution(ctx, recent.ARN)
	require.NoError(t, err)
	require.False(t, h.e.RedriveExpired(recent))
	_, err = h.e.RedriveExecution(ctx, recent.ARN)
	require.NoError(t, err)
	requireFailed(t, h.wait(recent.ARN), "Boom")
}

// sweeps records what an engine's retention sweeps told its Observer.
type sweeps struct {
	mu      sync.Mutex
	deleted int64
	runs    int
}

func (s *sweeps) ExecutionStarted(string)                  {}
func (s *sweeps) ExecutionFinished(string, string)         {}
func (s *sweeps) Transitions(int)                          {}
func (s *sweeps) TaskFinished(string, time.Duration, bool) {}
func (s *sweeps) RetentionSwept(deleted int64, _ time.Duration) {
	s.mu.Lock()
	s.deleted += deleted
	s.runs++
	s.mu.Unlock()
}

func (s *sweeps) total() int64 { s.mu.Lock(); defer s.mu.Unlock(); return s.deleted }

// TestRetentionJob has the periodic River job delete an expired
// execution, and tells the Observer how many it deleted.
func TestRetentionJob(t *testing.T) {
	t.Parallel()
	obs := &sweeps{}
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval,
		RetentionPeriod: time.Hour, RetentionSweepInterval: 50 * time.Millisecond, Observer: obs})
	exec := finishOne(t, e, passOnly)
	age(t, e.Pool(), exec.ID, 2*time.Hour)
	require.Eventually(t, func() bool { return obs.total() == 1 }, 30*time.Second, 20*time.Millisecond, "the periodic sweep deleted the execution")
	_, err := e.Execution(context.Background(), exec.ARN)
	require.ErrorIs(t, err, engine.ErrExecutionDoesNotExist)
}

// TestCompletedJobsDeleted checks that River deletes the jobs it has
// completed after Config.CompletedJobRetention (here 5 s): Tasks
// run as River jobs leave none behind.
func TestCompletedJobsDeleted(t *testing.T) {
	t.Parallel()
	reg := activities.NewRegistry()
	activities.Register(reg, "noop", func(context.Context, any) (any, error) { return "ok", nil })
	pool := testkit.NewPool(t)
	e := testengine.Start(t, pool, &engine.Config{Functions: reg, Drive: true, FetchPollInterval: testengine.FetchPollInterval,
		DisableLocalTasks: true, CompletedJobRetention: 5 * time.Second})
	ctx := context.Background()
	done := finishOne(t, e, `{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:000000000000:function:noop","End":true}}}`)
	require.Equal(t, store.StatusSucceeded, done.Status)
	completed := func() int {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE state = 'completed'`).Scan(&n))
		return n
	}
	require.NotZero(t, completed(), "the Task's job is completed, and kept for a while")
	require.Eventually(t, func() bool { return completed() == 0 }, 2*time.Minute, 500*time.Millisecond,
		"River's cleaner deletes completed jobs older than CompletedJobRetention")
}

// finishOne creates a machine of definition on e, runs one execution of
// it and returns it once it has ended.
func finishOne(t *testing.T, e *engine.Engine, definition string) *store.Execution {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, _, err := e.CreateStateMachine(ctx, "m", engine.MachineSpec{Definition: definition})
	require.NoError(t, err)
	exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "m"})
	require.NoError(t, err)
	exec, err = e.Wait(ctx, exec.ARN)
	require.NoError(t, err)
	return exec
}
