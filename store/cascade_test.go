package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/store"
)

// TestDeletesReachDependents checks what the delete triggers of
// migration 0026 do in place of foreign keys: deleting a run deletes its
// children, theirs, and their task leases; deleting an execution (or its
// state machine) deletes its runs and leases; nothing else goes. A lease
// still cannot name a run that does not exist.
func TestDeletesReachDependents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	tree := func(name string) (exec, root, child int64) {
		e := testkit.NewExecution(t, pool, name)
		run := func(parent *int64) int64 {
			id, err := store.InsertRun(ctx, pool, &store.Run{ExecutionID: e.ID, ParentID: parent, Status: store.RunRunning, State: "A"})
			require.NoError(t, err)
			require.NoError(t, store.InsertTaskLeases(ctx, pool, []store.TaskLease{{RunID: id, Seq: 1, Until: time.Now(), Args: `{}`}}))
			return id
		}
		root = run(nil)
		child = run(&root)
		run(&child)
		run(&child)
		return e.ID, root, child
	}
	var machine int64
	count := func(exec int64) (runs, leases int) {
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_runs WHERE execution_id = $1`, exec).Scan(&runs))
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_task_leases l JOIN stepwise_runs r ON r.id = l.run_id
			WHERE r.execution_id = $1`, exec).Scan(&leases))
		return runs, leases
	}
	var orphans int
	orphaned := func() int {
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_task_leases l
			WHERE NOT EXISTS (SELECT 1 FROM stepwise_runs r WHERE r.id = l.run_id)`).Scan(&orphans))
		return orphans
	}

	a, rootA, _ := tree("a")
	b, _, _ := tree("b")
	require.NoError(t, store.DeleteChildren(ctx, pool, rootA))
	runs, leases := count(a)
	require.Equal(t, []int{1, 1}, []int{runs, leases}, "the root and its lease stay, its descendants go")
	runs, leases = count(b)
	require.Equal(t, []int{4, 4}, []int{runs, leases}, "another execution's runs stay")

	deleted, err := store.DeleteExecutions(ctx, pool, []int64{a})
	require.NoError(t, err)
	require.EqualValues(t, 1, deleted)
	runs, _ = count(a)
	require.Zero(t, runs)
	require.Zero(t, orphaned())
	runs, _ = count(b)
	require.Equal(t, 4, runs)
	err = store.InsertTaskLeases(ctx, pool, []store.TaskLease{{RunID: rootA, Seq: 1, Until: time.Now(), Args: `{}`}})
	require.Error(t, err, "a lease of a run that is gone")

	require.NoError(t, pool.QueryRow(ctx, `SELECT state_machine_id FROM stepwise_executions WHERE id = $1`, b).Scan(&machine))
	_, err = pool.Exec(ctx, `DELETE FROM stepwise_state_machines WHERE id = $1`, machine)
	require.NoError(t, err)
	runs, _ = count(b)
	require.Zero(t, runs, "deleting the state machine deletes its executions' runs")
	require.Zero(t, orphaned())
}
