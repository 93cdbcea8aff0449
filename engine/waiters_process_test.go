package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

func init() {
	childRoles["wake-driver"] = func(url string) {
		serveUntilKilled(url, func(reg *activities.Registry, _ *pgxpool.Pool) {
			activities.Register(reg, "pause", func(ctx context.Context, in map[string]any) (map[string]any, error) {
				time.Sleep(200 * time.Millisecond)
				return in, nil
			})
		}, engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval})
	}
}

// TestWaitAcrossProcesses waits, in this process, for executions that a
// child process runs and ends: this engine drives nothing and serves no
// function, so only the child's commits, through NOTIFY, can wake
// StartSync, Wait and Watch here.
func TestWaitAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	t.Parallel()
	url := testkit.NewDatabase(t)
	// UnboundGrace: the child registers its function after this engine starts.
	e := testengine.Start(t, mustPool(t, url), &engine.Config{UnboundGrace: 20 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	def := `{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambda("pause") + `","Next":"B"},
		"B":{"Type":"Task","Resource":"` + lambda("pause") + `","End":true}}}`
	_, _, err := e.CreateStateMachine(ctx, "paused", engine.MachineSpec{Definition: def})
	require.NoError(t, err)
	child := startChild(t, url, "wake-driver", nil)
	t.Cleanup(func() { kill(child) })

	exec, created, err := e.StartSync(ctx, engine.StartInput{StateMachine: "paused", Name: "sync", Input: `{"n":1}`})
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, store.StatusSucceeded, exec.Status, "StartSync woken by the child's commit")
	require.JSONEq(t, `{"n":1}`, *exec.Output)

	started, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "paused", Name: "watched"})
	require.NoError(t, err)
	changed, stop, err := e.Watch(ctx, started.ARN)
	require.NoError(t, err)
	defer stop()
	ended := make(chan *store.Execution, 1)
	go func() {
		done, err := e.Wait(ctx, started.ARN)
		if err == nil {
			ended <- done
		}
	}()
	wakes := 0
	for {
		select {
		case <-changed:
			wakes++
			continue
		case done := <-ended:
			require.Equal(t, store.StatusSucceeded, done.Status)
		case <-ctx.Done():
			t.Fatal("Wait was not woken by the child's commit")
		}
		break
	}
	require.Positive(t, wakes, "Watch woken by the child's commits")
}

// mustPool is a pool on the database url, closed when the test ends.
func mustPool(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}
