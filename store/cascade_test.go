package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/store"
)

// TestDeletesReachDependents checks what the delete triggers of
// migration 0026 do in place of foreign keys: deleting a run deletes its
// children and theirs; deleting an execution (or its state machine)
// deletes its runs; nothing else goes.
func TestDeletesReachDependents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	tree := func(name string) (exec, root, child int64) {
		e := testkit.NewExecution(t, pool, name)
		run := func(parent *int64) int64 {
			id, err := store.InsertRun(ctx, pool, &store.Run{ExecutionID: e.ID, ParentID: parent, Status: store.RunRunning, State: "A"})
			require.NoError(t, err)
			return id
		}
		root = run(nil)
		child = run(&root)
		run(&child)
		run(&child)
		return e.ID, root, child
	}
	var machine int64
	count := func(exec int64) (runs int) {
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_runs WHERE execution_id = $1`, exec).Scan(&runs))
		return runs
	}
	var orphans int
	orphaned := func() int {
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_runs c
			WHERE c.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stepwise_runs r WHERE r.id = c.parent_id)`).Scan(&orphans))
		return orphans
	}

	a, rootA, _ := tree("a")
	b, _, _ := tree("b")
	require.NoError(t, store.DeleteChildren(ctx, pool, rootA))
	require.Equal(t, 1, count(a), "the root stays, its descendants go")
	require.Equal(t, 4, count(b), "another execution's runs stay")

	deleted, err := store.DeleteExecutions(ctx, pool, []int64{a})
	require.NoError(t, err)
	require.EqualValues(t, 1, deleted)
	require.Zero(t, count(a))
	require.Zero(t, orphaned())
	require.Equal(t, 4, count(b))

	require.NoError(t, pool.QueryRow(ctx, `SELECT state_machine_id FROM stepwise_executions WHERE id = $1`, b).Scan(&machine))
	_, err = pool.Exec(ctx, `DELETE FROM stepwise_state_machines WHERE id = $1`, machine)
	require.NoError(t, err)
	require.Zero(t, count(b), "deleting the state machine deletes its executions' runs")
	require.Zero(t, orphaned())
}
