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
// for time and allocations per call (on the pool: one round trip each).
func BenchmarkHotPath(b *testing.B) {
	ctx := context.Background()
	pool := testkit.NewPool(b)
	exec, runID := newRun(b, pool)
	b.Run("LockExecutionWithRun", func(b *testing.B) {
		tx, err := pool.Begin(ctx)
		require.NoError(b, err)
		defer tx.Rollback(ctx) //nolint:errcheck // read only
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, _, err := store.LockExecutionWithRun(ctx, tx, exec.ID, runID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetRun", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := store.GetRun(ctx, pool, runID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetExecution", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := store.GetExecution(ctx, pool, exec.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GetMachineVersion", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := store.GetMachineVersion(ctx, pool, "m", 0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("RunVariables", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := store.RunVariables(ctx, pool, runID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("NewExecutionIDs32", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, _, err := store.NewExecutionIDs(ctx, pool, 32); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("TaskLeases", func(b *testing.B) {
		b.ReportAllocs()
		until := time.Now().Add(time.Minute)
		for i := 0; i < b.N; i++ {
			if err := store.InsertTaskLeases(ctx, pool, []store.TaskLease{{RunID: runID, Seq: 1, Until: until, Args: `{}`}}); err != nil {
				b.Fatal(err)
			}
			if _, err := store.ExtendTaskLeases(ctx, pool, []store.LeaseKey{{RunID: runID, Seq: 1}}, until); err != nil {
				b.Fatal(err)
			}
			if err := store.DeleteTaskLeases(ctx, pool, []store.LeaseKey{{RunID: runID, Seq: 1}}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
