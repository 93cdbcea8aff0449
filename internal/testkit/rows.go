package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/store"
)

// NewExecution inserts, in pool's database, a state machine named name
// with one version and a RUNNING execution of it, for tests that write
// an execution's rows themselves.
func NewExecution(t testing.TB, pool *pgxpool.Pool, name string) *store.Execution {
	t.Helper()
	ctx := context.Background()
	sm, err := store.InsertStateMachine(ctx, pool, name, "arn:"+name, "")
	require.NoError(t, err)
	_, err = store.InsertVersion(ctx, pool, sm.ID, `{"StartAt":"A"}`, nil, store.Config{})
	require.NoError(t, err)
	exec, err := store.InsertExecution(ctx, pool, &store.Execution{ARN: "arn:" + name + ":e", StateMachineID: sm.ID,
		Version: 1, Name: "e", Input: `{}`, StartedAt: time.Now()})
	require.NoError(t, err)
	return exec
}
