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
