package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/store"
)

// BenchmarkHotPath measures store calls of the engine's hot path,
// for time and allocations per call (on the pool: one round trip each,
// but for the lock, which takes a transaction).
func BenchmarkHotPath(b *testing.B) {
	ctx := context.Background()
	pool := testkit.NewPool(b)
	exec, runID := newRun(b, pool)
	tx, err := pool.Begin(ctx)
	require.NoError(b, err)
	defer tx.Rollback(ctx) //nolint:errcheck // read only
	until := time.Now().Add(time.Minute)
	var leaseID int64
	calls := []struct {
		name string
		call func() error
	}{
		{"LockExecutionWithRun", func() error { _, _, err := store.LockExecutionWithRun(ctx, tx, exec.ID, runID); return err }},
		{"GetRun", func() error { _, err := store.GetRun(ctx, pool, runID); return err }},
		{"GetExecution", func() error { _, err := store.GetExecution(ctx, pool, exec.ID); return err }},
		{"GetMachineVersion", func() error { _, err := store.GetMachineVersion(ctx, pool, "m", 0); return err }},
		{"RunVariables", func() error { _, err := store.RunVariables(ctx, pool, runID); return err }},
		{"NewExecutionIDs32", func() error { _, _, err := store.NewExecutionIDs(ctx, pool, 32); return err }},
		{"TaskLeases", func() error {
			leaseID++
			lease := store.LeaseBatch{Owner: "bench", ID: leaseID, Until: until, Tasks: []store.TaskLease{{RunID: runID, Seq: 1, Args: `{}`}}}
			if err := store.InsertTaskLeases(ctx, pool, lease); err != nil {
				return err
			}
			if _, err := store.ExtendTaskLeases(ctx, pool, "bench", []int64{leaseID}, until); err != nil {
				return err
			}
			return store.DeleteTaskLeases(ctx, pool, "bench", []int64{leaseID})
		}},
	}
	for _, c := range calls {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if err := c.call(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
