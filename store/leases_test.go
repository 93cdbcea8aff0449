package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/migrations"
	"github.com/stepwise-run/stepwise/store"
)

// TestLeaseBatches checks the rows of task leases: an owner extends,
// finds and deletes only its own rows, and taking over or releasing rows
// hands on only the tasks whose runs still wait on them (RUNNING at the
// lease's sequence number, in a RUNNING execution), however many rows
// it deletes.
func TestLeaseBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	exec := testkit.NewExecution(t, pool, "leases")
	run := func(execID int64, status string, seq int64) int64 {
		id, err := store.InsertRun(ctx, pool, &store.Run{ExecutionID: execID, Status: status, State: "A"})
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `UPDATE stepwise_runs SET seq = $2 WHERE id = $1`, id, seq)
		require.NoError(t, err)
		return id
	}
	waiting := run(exec.ID, store.RunRunning, 3)
	movedOn := run(exec.ID, store.RunRunning, 5)
	ended := run(exec.ID, store.RunSucceeded, 3)
	stopped := testkit.NewExecution(t, pool, "stopped")
	_, err := pool.Exec(ctx, `UPDATE stepwise_executions SET status = 'ABORTED' WHERE id = $1`, stopped.ID)
	require.NoError(t, err)
	ofStopped := run(stopped.ID, store.RunRunning, 3)
	task := func(run int64) store.TaskLease {
		return store.TaskLease{RunID: run, Seq: 3, Args: `{"run":` + time.Now().Format("150405.000000000") + `}`}
	}
	past, future := time.Now().Add(-time.Minute), time.Now().Add(time.Minute)
	insert := func(owner string, id int64, until time.Time, tasks ...store.TaskLease) {
		require.NoError(t, store.InsertTaskLeases(ctx, pool, store.LeaseBatch{Owner: owner, ID: id, Until: until, Tasks: tasks}))
	}

	w := task(waiting)
	insert("a", 1, past, w, task(movedOn))
	insert("a", 2, past, task(ended), task(ofStopped), task(1<<40))
	insert("a", 3, future, task(waiting))
	insert("b", 3, future, task(waiting))
	args, rows, err := store.TakeExpiredTaskLeases(ctx, pool, 10)
	require.NoError(t, err)
	require.Equal(t, 2, rows, "both expired rows are deleted")
	require.Equal(t, []string{w.Args}, args, "only the task still waited on is handed on")

	kept, err := store.ExtendTaskLeases(ctx, pool, "a", []int64{1, 3, 4}, future)
	require.NoError(t, err)
	require.Equal(t, []int64{3}, kept)
	held, err := store.HeldTaskLeases(ctx, pool, "b", []int64{1, 3})
	require.NoError(t, err)
	require.Equal(t, []int64{3}, held)
	require.NoError(t, store.DeleteTaskLeases(ctx, pool, "a", []int64{3}))
	held, err = store.HeldTaskLeases(ctx, pool, "a", []int64{3})
	require.NoError(t, err)
	require.Empty(t, held, "deleted")

	args, rows, err = store.ReleaseTaskLeases(ctx, pool, "b")
	require.NoError(t, err)
	require.Equal(t, 1, rows)
	require.Len(t, args, 1)
	var left int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_task_leases`).Scan(&left))
	require.Zero(t, left)
}

// TestLeaseBatchesMigration checks migration 0028 both ways: each lease
// of the old table becomes a row of one task, and going back gives each
// run that still exists its lease.
func TestLeaseBatchesMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	undoMigrations(t, pool, 28)
	exec := testkit.NewExecution(t, pool, "migrated")
	var runs []int64
	for range 2 {
		id, err := store.InsertRun(ctx, pool, &store.Run{ExecutionID: exec.ID, Status: store.RunRunning, State: "A"})
		require.NoError(t, err)
		runs = append(runs, id)
	}
	_, err := pool.Exec(ctx, `INSERT INTO stepwise_task_leases (run_id, seq, until, args)
		VALUES ($1, 4, '2026-01-01 00:00:00+00', '{"a":1}'), ($2, 7, '2026-01-02 00:00:00+00', '{"b":2}')`, runs[0], runs[1])
	require.NoError(t, err)
	old := func() (out []string) {
		rows, err := pool.Query(ctx, `SELECT format('%s %s %s %s', run_id, seq, until AT TIME ZONE 'UTC', args) FROM stepwise_task_leases ORDER BY run_id`)
		require.NoError(t, err)
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			out = append(out, s)
		}
		require.NoError(t, rows.Err())
		return out
	}
	before := old()
	require.Len(t, before, 2)

	_, err = migrations.Up(ctx, pool)
	require.NoError(t, err)
	var owner string
	var ids, seqs []int64
	var args []string
	require.NoError(t, pool.QueryRow(ctx, `SELECT owner, array_agg(run_ids[1] ORDER BY id), array_agg(seqs[1] ORDER BY id), array_agg(args[1] ORDER BY id)
		FROM stepwise_task_leases WHERE cardinality(run_ids) = 1 GROUP BY owner`).Scan(&owner, &ids, &seqs, &args))
	require.Equal(t, "migrated", owner)
	require.Equal(t, runs, ids)
	require.Equal(t, []int64{4, 7}, seqs)
	require.Equal(t, []string{`{"a":1}`, `{"b":2}`}, args)

	undoMigrations(t, pool, 28)
	require.Equal(t, before, old())
	_, err = migrations.Up(ctx, pool)
	require.NoError(t, err)
}
