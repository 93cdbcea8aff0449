package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/migrations"
	"github.com/stepwise-run/stepwise/store"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// undoMigrations migrates pool's database down to before migration
// version.
func undoMigrations(t *testing.T, pool *pgxpool.Pool, version int) {
	t.Helper()
	for {
		v, err := migrations.Down(context.Background(), pool)
		require.NoError(t, err)
		require.NotZero(t, v)
		if v == version {
			return
		}
	}
}

func TestExecutionsAndEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	sm, err := store.InsertStateMachine(ctx, pool, "m", "arn:m", "")
	require.NoError(t, err)
	_, err = store.InsertStateMachine(ctx, pool, "m", "arn:m2", "")
	require.ErrorIs(t, err, store.ErrConflict)
	v, err := store.InsertVersion(ctx, pool, sm.ID, `{"StartAt":"A"}`, nil, store.Config{})
	require.NoError(t, err)
	require.Equal(t, 1, v.Version)
	v2, err := store.InsertVersion(ctx, pool, sm.ID, `{"StartAt":"B"}`, nil, store.Config{})
	require.NoError(t, err)
	require.Equal(t, 2, v2.Version)

	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		_, err := store.InsertExecution(ctx, pool, &store.Execution{ARN: fmt.Sprintf("arn:e:%d", i), StateMachineID: sm.ID,
			Version: 1, Name: fmt.Sprintf("run_%d", i), Input: `{}`, StartedAt: base.Add(time.Duration(i) * time.Minute)})
		require.NoError(t, err)
	}
	_, err = store.InsertExecution(ctx, pool, &store.Execution{ARN: "arn:dup", StateMachineID: sm.ID, Version: 1, Name: "run_0", Input: `{}`, StartedAt: base})
	require.ErrorIs(t, err, store.ErrConflict)

	all, err := store.ListExecutions(ctx, pool, store.ExecutionFilter{Status: store.StatusRunning, Limit: 10})
	require.NoError(t, err)
	require.Len(t, all, 5)
	require.Equal(t, "run_4", all[0].Name, "newest first")
	page, err := store.ListExecutions(ctx, pool, store.ExecutionFilter{Limit: 2, AfterStart: all[1].StartedAt, AfterID: all[1].ID})
	require.NoError(t, err)
	require.Equal(t, []string{"run_2", "run_1"}, []string{page[0].Name, page[1].Name})
	prefixed, err := store.ListExecutions(ctx, pool, store.ExecutionFilter{NamePrefix: "run_3", Limit: 10})
	require.NoError(t, err)
	require.Len(t, prefixed, 1)

	exec := all[0]
	state := "S"
	details := `{"a":1}`
	require.NoError(t, store.InsertEventsBatch(ctx, pool, []store.Event{
		{ExecutionID: exec.ID, ID: 1, Type: history.ExecutionStarted, Timestamp: base},
		{ExecutionID: exec.ID, ID: 2, Type: history.PassStateEntered, Timestamp: base, State: &state, Details: &details},
	}))
	evs, err := store.ListEvents(ctx, pool, exec.ID, 0, 10, false)
	require.NoError(t, err)
	require.Len(t, evs, 2)
	require.Equal(t, int64(1), evs[1].PreviousID)
	rev, err := store.ListEvents(ctx, pool, exec.ID, 0, 1, true)
	require.NoError(t, err)
	require.Equal(t, history.PassStateEntered, rev[0].Type)
}
