package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// gated registers function "gate", which returns once release is closed.
func gated(release <-chan struct{}) func(*activities.Registry) {
	return func(reg *activities.Registry) {
		activities.Register(reg, "gate", func(ctx context.Context, in map[string]any) (map[string]any, error) {
			select {
			case <-release:
				return map[string]any{"released": true}, nil
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		})
	}
}

// TestWaitAcrossEngines waits in one engine for executions another engine
// ends: the waiter marks each execution waited, and the other engine's
// commit of the end wakes it through NOTIFY, also after the waiter's
// LISTEN connection was cut.
func TestWaitAcrossEngines(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	h := newHarness(t, gated(release))
	h.machine("gated", single(`{"Type":"Task","Resource":"`+lambda("gate")+`","End":true}`))
	waiter := testengine.Start(t, h.e.Pool(), &engine.Config{}) // drives nothing
	ctx := context.Background()

	type result struct {
		exec *store.Execution
		err  error
	}
	var arns []string
	done := make(chan result, 2)
	for _, name := range []string{"a", "b"} {
		exec, _, err := waiter.StartExecution(ctx, engine.StartInput{StateMachine: "gated", Name: name})
		require.NoError(t, err)
		arns = append(arns, exec.ARN)
		go func() {
			waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			exec, err := waiter.Wait(waitCtx, exec.ARN)
			done <- result{exec, err}
		}()
	}
	pool := h.e.Pool()
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_executions WHERE waited`).Scan(&n))
		return n == 2
	}, 10*time.Second, 5*time.Millisecond, "each waiter marks its execution")

	// Cut every LISTEN connection: the waiter reconnects and looks again.
	var cut int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN `+store.EndedChannel+`'`).Scan(&cut))
	require.Equal(t, 1, cut, "one LISTEN connection per engine that waits")

	close(release)
	for range arns {
		r := <-done
		require.NoError(t, r.err)
		require.Equal(t, store.StatusSucceeded, r.exec.Status)
	}
}

// TestWaitForEndedExecution returns at once for an execution that ended,
// and never marks it.
func TestWaitForEndedExecution(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("quick", single(`{"Type":"Pass","End":true}`))
	exec, _, err := h.e.StartExecution(context.Background(), engine.StartInput{StateMachine: "quick", Name: "q"})
	require.NoError(t, err)
	require.Equal(t, store.StatusSucceeded, exec.Status, "a Pass-only machine ends in its first transaction")
	done := h.wait(exec.ARN)
	require.Equal(t, store.StatusSucceeded, done.Status)
	require.False(t, done.Waited)
}
