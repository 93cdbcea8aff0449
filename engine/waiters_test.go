package engine_test

import (
	"context"
	"errors"
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
	done := make(chan result, 3)
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
	go func() { // created marked waited, with its waiter registered before its commit
		syncCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		exec, created, err := waiter.StartSync(syncCtx, engine.StartInput{StateMachine: "gated", Name: "c"})
		if err == nil && !created {
			err = errors.New("StartSync did not create c")
		}
		done <- result{exec, err}
	}()
	arns = append(arns, "c")
	pool := h.e.Pool()
	require.Eventually(t, func() bool {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_executions WHERE waited`).Scan(&n))
		return n == 3
	}, 10*time.Second, 5*time.Millisecond, "each waiter marks its execution")

	// Cut every LISTEN connection: the waiter reconnects and looks again.
	var cut int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN "stepwise_%'`).Scan(&cut))
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

// TestStartSync starts and awaits executions in the engine that runs them:
// woken with the ended execution by its own commit; a name already taken
// with the same input waits for that execution.
func TestStartSync(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("echo", single(`{"Type":"Task","Resource":"`+lambda("reserve-inventory")+`","End":true}`))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	in := engine.StartInput{StateMachine: "echo", Name: "once", Input: `{"orderId":"o-1","amount":5}`}
	first, created, err := h.e.StartSync(ctx, in)
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, store.StatusSucceeded, first.Status)
	require.True(t, first.Waited)
	again, created, err := h.e.StartSync(ctx, in)
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, first.ARN, again.ARN)
	require.Equal(t, *first.Output, *again.Output)
}

// TestManyWaiters starts executions that end within milliseconds and
// waits for each from several goroutines at once (the first marks the
// execution waited, the others find it marked): every waiter is woken.
func TestManyWaiters(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("quick-task", single(`{"Type":"Task","Resource":"`+lambda("reserve-inventory")+`","End":true}`))
	ctx := context.Background()
	for i := 0; i < 50; i++ {
		exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "quick-task", Input: `{"orderId":"o","amount":1}`})
		require.NoError(t, err)
		errs := make(chan error, 3)
		for w := 0; w < 3; w++ {
			go func() {
				waitCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				_, err := h.e.Wait(waitCtx, exec.ARN)
				errs <- err
			}()
		}
		for w := 0; w < 3; w++ {
			require.NoError(t, <-errs, "execution %d: a waiter was never woken", i)
		}
	}
}
