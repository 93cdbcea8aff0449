package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/store/storetest"
)

// startEngine starts an engine on pool with cfg, stopped when the test
// ends.
func startEngine(t *testing.T, pool *pgxpool.Pool, cfg *engine.Config) *engine.Engine {
	t.Helper()
	e, err := engine.New(pool, cfg)
	require.NoError(t, err)
	require.NoError(t, e.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.Stop(ctx)
	})
	return e
}

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
