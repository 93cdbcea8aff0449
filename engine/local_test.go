package engine_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// A local task outlives many leases while it runs, is not handed to
// another worker meanwhile, and is cancelled when another engine stops
// its execution (it learns that at its next lease renewal).
func TestLocalTaskLeases(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	calls := make(chan struct{}, 10)
	cancelled := make(chan struct{})
	reg := activities.NewRegistry()
	activities.Register(reg, "long", func(ctx context.Context, _ any) (any, error) {
		calls <- struct{}{}
		<-ctx.Done()
		close(cancelled)
		return nil, ctx.Err()
	})
	lease := 600 * time.Millisecond
	worker := testengine.Start(t, pool, &engine.Config{Functions: reg, Drive: true, LocalTaskLease: lease, FetchPollInterval: testengine.FetchPollInterval})
	api := testengine.Start(t, pool, &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval})
	ctx := context.Background()
	_, _, err := worker.CreateStateMachine(ctx, "m", engine.MachineSpec{Definition: single(`{"Type":"Task","Resource":"` + lambda("long") + `","End":true}`)})
	require.NoError(t, err)
	exec, _, err := worker.StartExecution(ctx, engine.StartInput{StateMachine: "m", Name: "x"})
	require.NoError(t, err)
	<-calls
	time.Sleep(5 * lease) // many renewals; without them River would deliver the task again
	require.Empty(t, calls, "the task was delivered again while it ran")
	stopped, err := api.StopExecution(ctx, exec.ARN, "User.Cancel", "")
	require.NoError(t, err)
	require.Equal(t, store.StatusAborted, stopped.Status)
	testkit.Receive(t, cancelled, 5*time.Second, "cancellation of the local task's context after another engine stopped its execution")
}

// Local tasks wait for a slot up to a backlog of 100 per slot; the tasks
// beyond it go to River, where any worker can take them, and all finish.
func TestLocalBacklogOverflowsToRiver(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	release := make(chan struct{})
	reg := activities.NewRegistry()
	activities.Register(reg, "slow", func(ctx context.Context, in any) (any, error) {
		<-release
		return in, nil
	})
	e := testengine.Start(t, pool, &engine.Config{Functions: reg, Drive: true, TaskWorkers: 1, FetchPollInterval: testengine.FetchPollInterval})
	ctx := context.Background()
	_, _, err := e.CreateStateMachine(ctx, "m", engine.MachineSpec{Definition: single(`{"Type":"Task","Resource":"` + lambda("slow") + `","End":true}`)})
	require.NoError(t, err)
	const n = 110
	var arns []string
	for i := 0; i < n; i++ {
		exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Input: `{"i":1}`})
		require.NoError(t, err)
		arns = append(arns, exec.ARN)
	}
	var queued int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE queue = 'fn_slow' AND state IN ('available', 'running')`).Scan(&queued))
	// 100 are local (one running, the rest waiting for its slot); the rest
	// are River's.
	require.GreaterOrEqual(t, queued, n-101)
	require.Less(t, queued, n/2, "most tasks should have stayed local")
	close(release)
	for _, arn := range arns {
		exec, err := e.Wait(ctx, arn)
		require.NoError(t, err)
		require.Equal(t, store.StatusSucceeded, exec.Status)
	}
}

// A lease that runs out while its task still runs (its process stalled or
// died) is taken over: any engine hands the task to River, a worker runs
// it again, and the execution finishes with that run's result.
func TestExpiredLeaseGoesToRiver(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	var calls atomic.Int32
	reg := activities.NewRegistry()
	activities.Register(reg, "stall", func(ctx context.Context, _ any) (any, error) {
		if calls.Add(1) == 1 {
			<-ctx.Done() // the first delivery stalls
			return nil, ctx.Err()
		}
		return map[string]any{"call": calls.Load()}, nil
	})
	// The worker renews its leases only every 20 minutes; the other
	// engine looks for leases that ran out every 200 ms.
	worker := testengine.Start(t, pool, &engine.Config{Functions: reg, Drive: true, LocalTaskLease: time.Hour, FetchPollInterval: testengine.FetchPollInterval})
	testengine.Start(t, pool, &engine.Config{Drive: true, LocalTaskLease: 600 * time.Millisecond, FetchPollInterval: testengine.FetchPollInterval})
	ctx := context.Background()
	_, _, err := worker.CreateStateMachine(ctx, "m", engine.MachineSpec{Definition: single(`{"Type":"Task","Resource":"` + lambda("stall") + `","End":true}`)})
	require.NoError(t, err)
	exec, _, err := worker.StartExecution(ctx, engine.StartInput{StateMachine: "m"})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return calls.Load() == 1 }, 5*time.Second, 10*time.Millisecond)
	var leases int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_task_leases`).Scan(&leases))
	require.Equal(t, 1, leases, "the local task runs under a lease")
	_, err = pool.Exec(ctx, `UPDATE stepwise_task_leases SET until = now() - interval '1 second'`)
	require.NoError(t, err)
	done, err := worker.Wait(ctx, exec.ARN)
	require.NoError(t, err)
	require.Equal(t, store.StatusSucceeded, done.Status)
	require.JSONEq(t, `{"call":2}`, *done.Output)
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_task_leases`).Scan(&leases))
	require.Zero(t, leases)
}

// The rows of leases whose tasks have all ended are deleted, by later
// commits or, when none comes, by the engine on its own; and a commit
// dispatching several local tasks writes one row for all of them.
func TestEndedLeasesDeleted(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	release := make(chan struct{})
	reg := activities.NewRegistry()
	activities.Register(reg, "gate", func(ctx context.Context, in any) (any, error) {
		<-release
		return in, nil
	})
	e := testengine.Start(t, pool, &engine.Config{Functions: reg, Drive: true, LocalTaskLease: 600 * time.Millisecond,
		FetchPollInterval: testengine.FetchPollInterval})
	ctx := context.Background()
	branch := func(name string) string {
		return `{"StartAt":"` + name + `","States":{"` + name + `":{"Type":"Task","Resource":"` + lambda("gate") + `","End":true}}}`
	}
	def := single(`{"Type":"Parallel","Branches":[` + branch("A") + `,` + branch("B") + `,` + branch("C") + `],"End":true}`)
	_, _, err := e.CreateStateMachine(ctx, "m", engine.MachineSpec{Definition: def})
	require.NoError(t, err)
	exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "m"})
	require.NoError(t, err)
	count := func(sql string) (n int) {
		require.NoError(t, pool.QueryRow(ctx, sql).Scan(&n))
		return n
	}
	require.Eventually(t, func() bool { return count(`SELECT count(*) FROM stepwise_task_leases`) == 1 }, 5*time.Second, 10*time.Millisecond)
	require.Equal(t, 3, count(`SELECT cardinality(run_ids) FROM stepwise_task_leases`), "one row for the three branches' tasks")
	close(release)
	done, err := e.Wait(ctx, exec.ARN)
	require.NoError(t, err)
	require.Equal(t, store.StatusSucceeded, done.Status)
	require.Eventually(t, func() bool { return count(`SELECT count(*) FROM stepwise_task_leases`) == 0 }, 5*time.Second, 20*time.Millisecond)
}
