package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/store/storetest"
)

// A local task outlives many leases while it runs, is not handed to
// another worker meanwhile, and is cancelled when another engine stops
// its execution (it learns that at its next lease renewal).
func TestLocalTaskLeases(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
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
	worker := startEngine(t, pool, &engine.Config{Functions: reg, Drive: true, LocalTaskLease: lease, FetchPollInterval: 50 * time.Millisecond})
	api := startEngine(t, pool, &engine.Config{Drive: true, FetchPollInterval: 50 * time.Millisecond})
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
	select {
	case <-cancelled:
	case <-time.After(5 * time.Second):
		t.Fatal("the local task's context was not cancelled after another engine stopped its execution")
	}
}

// Local tasks wait for a slot up to a backlog of 100 per slot; the tasks
// beyond it go to River, where any worker can take them, and all finish.
func TestLocalBacklogOverflowsToRiver(t *testing.T) {
	t.Parallel()
	pool := storetest.NewPool(t)
	release := make(chan struct{})
	reg := activities.NewRegistry()
	activities.Register(reg, "slow", func(ctx context.Context, in any) (any, error) {
		<-release
		return in, nil
	})
	e := startEngine(t, pool, &engine.Config{Functions: reg, Drive: true, TaskWorkers: 1, FetchPollInterval: 50 * time.Millisecond})
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
	// One runs locally and 100 wait for its slot; the rest are River's.
	require.GreaterOrEqual(t, queued, n-101)
	require.Less(t, queued, n/2, "most tasks should have stayed local")
	close(release)
	for _, arn := range arns {
		exec, err := e.Wait(ctx, arn)
		require.NoError(t, err)
		require.Equal(t, store.StatusSucceeded, exec.Status)
	}
}
