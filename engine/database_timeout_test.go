package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// TestDatabaseTimeout checks that a commit the engine makes on its own
// (here a start's) gives up after Config.DatabaseTimeout when the server
// does not answer (here it waits for a lock the test holds), instead of
// holding its connection as long as the server keeps it waiting: a
// frozen primary kept engines from committing for as long as it was
// frozen (TestChaosFailover with STEPWISE_FAILOVER_FAULT=freeze).
func TestDatabaseTimeout(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	e := testengine.Start(t, pool, &engine.Config{DatabaseTimeout: 2 * time.Second})
	_, _, err := e.CreateStateMachine(ctx, "m", engine.MachineSpec{Definition: `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`})
	require.NoError(t, err)
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, "LOCK TABLE stepwise_executions IN ACCESS EXCLUSIVE MODE")
	require.NoError(t, err)

	began := time.Now()
	call, cancel := context.WithTimeout(ctx, 20*time.Second)
	_, _, err = e.StartExecution(call, engine.StartInput{StateMachine: "m", Name: "x", Input: "{}"})
	cancel()
	require.Error(t, err)
	require.Less(t, time.Since(began), 10*time.Second, "the start waited for the lock: %v", err)

	require.NoError(t, tx.Rollback(ctx))
	_, _, err = e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Name: "x", Input: "{}"})
	require.NoError(t, err, "the same start once the server answers")
}
