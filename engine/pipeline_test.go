package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/store"
)

// TestDeleteChildrenAfterOtherChildren: a transaction that creates a
// child of one run, then begins another run's fork again (deleting its
// earlier children and creating new ones) keeps the new children. All
// new children are inserted where the first was created, so the delete
// used to come after the insert of the new children and took them too.
func TestDeleteChildrenAfterOtherChildren(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	exec := testkit.NewExecution(t, pool, "m")
	run := func(parent *int64) int64 {
		id, err := store.InsertRun(ctx, pool, &store.Run{ExecutionID: exec.ID, ParentID: parent, Status: store.RunRunning, State: "A"})
		require.NoError(t, err)
		return id
	}
	p, q := run(nil), run(nil)
	earlier := run(&p)
	ids, err := store.NewRunIDs(ctx, pool, 2)
	require.NoError(t, err)
	child := func(id, parent int64) *store.Run {
		return &store.Run{ID: id, ExecutionID: exec.ID, ParentID: &parent, Status: store.RunPending, State: "A"}
	}

	pg := &pipeline{pool: pool}
	defer pg.rollback(ctx)
	pg.createChild(child(ids[0], q))
	require.NoError(t, pg.deleteChildren(ctx, p))
	pg.createChild(child(ids[1], p))
	require.NoError(t, pg.commit(ctx))

	for id, want := range map[int64]bool{earlier: false, ids[0]: true, ids[1]: true} {
		_, err := store.GetRun(ctx, pool, id)
		require.Equal(t, want, err == nil, "run %d (the earlier child is %d) exists: %v", id, earlier, err)
	}
}
