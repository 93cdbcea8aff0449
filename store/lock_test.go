package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/store"
)

// TestLockExecutionWithRunAfterWait checks that a transaction that had to
// wait for an execution's lock reads the run as the lock's holder left it.
// Read in the locking statement, the run was the one from before the wait,
// and the engine applied the same task result twice (found by the chaos
// suite, engine/chaos_test.go).
func TestLockExecutionWithRunAfterWait(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	exec, runID := newRun(t, pool)

	holder, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer holder.Rollback(ctx) //nolint:errcheck // a no-op after commit
	_, run, err := store.LockExecutionWithRun(ctx, holder, exec.ID, runID)
	require.NoError(t, err)
	require.Equal(t, int64(0), run.Seq)
	_, err = holder.Exec(ctx, `UPDATE stepwise_runs SET seq = seq + 1 WHERE id = $1`, runID)
	require.NoError(t, err)

	seen := make(chan *store.Run, 1)
	go func() {
		waiter, err := pool.Begin(ctx)
		if err != nil {
			seen <- nil
			return
		}
		defer waiter.Rollback(ctx) //nolint:errcheck // read only
		_, run, _ := store.LockExecutionWithRun(ctx, waiter, exec.ID, runID)
		seen <- run
	}()
	time.Sleep(300 * time.Millisecond) // the waiter blocks on the lock
	require.NoError(t, holder.Commit(ctx))
	got := <-seen
	require.NotNil(t, got)
	require.Equal(t, int64(1), got.Seq, "the run as the holder committed it")

	none, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer none.Rollback(ctx) //nolint:errcheck // read only
	e, r, err := store.LockExecutionWithRun(ctx, none, exec.ID, runID+1000)
	require.NoError(t, err)
	require.Equal(t, exec.ID, e.ID)
	require.Nil(t, r, "no such run")
}

// newRun creates a machine "m" with one version, an execution "e" of it
// and the execution's RUNNING top-level run.
func newRun(t testing.TB, pool *pgxpool.Pool) (*store.Execution, int64) {
	ctx := context.Background()
	sm, err := store.InsertStateMachine(ctx, pool, "m", "arn:m", "")
	require.NoError(t, err)
	_, err = store.InsertVersion(ctx, pool, sm.ID, `{"StartAt":"A"}`, nil, store.Config{})
	require.NoError(t, err)
	exec, err := store.InsertExecution(ctx, pool, &store.Execution{ARN: "arn:e", StateMachineID: sm.ID, Version: 1, Name: "e", Input: `{}`, StartedAt: time.Now()})
	require.NoError(t, err)
	in := `{"a":1}`
	runID, err := store.InsertRun(ctx, pool, &store.Run{ExecutionID: exec.ID, MachinePath: "[]", Status: store.RunRunning, State: "A", StateInput: &in})
	require.NoError(t, err)
	return exec, runID
}
