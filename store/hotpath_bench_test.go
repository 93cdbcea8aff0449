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

// BenchmarkEvents measures the history's writes and reads: one commit's
// events (four executions of fourteen events each, what a ten-branch
// Parallel writes over its commits) and pages of a 25,000-event history.
func BenchmarkEvents(b *testing.B) {
	ctx := context.Background()
	pool := testkit.NewPool(b)
	details := `{"input":"{\"key\":\"value\",\"n\":1}","inputDetails":{"truncated":false},"resourceType":"lambda"}`
	state := "Branch 1"
	commit := func(exec int64) []store.Event {
		var evs []store.Event
		for x := exec; x < exec+4; x++ {
			for id := int64(1); id <= 14; id++ {
				evs = append(evs, store.Event{ExecutionID: x, ID: id, Type: "TaskStateEntered", Timestamp: time.Now(), State: &state, Details: &details})
			}
		}
		return evs
	}
	next := int64(1_000_000) // b.Run calls its function again with b.N grown
	b.Run("InsertEventsBatch56", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			next += 4
			if err := store.InsertEventsBatch(ctx, pool, commit(next)); err != nil {
				b.Fatal(err)
			}
		}
	})
	const long = 25_000
	for first := int64(1); first <= long; first += 14 { // one commit's
		var evs []store.Event
		for id := first; id < first+14 && id <= long; id++ {
			evs = append(evs, store.Event{ExecutionID: 1, ID: id, Type: "TaskStateEntered", Timestamp: time.Now(), State: &state, Details: &details})
		}
		require.NoError(b, store.InsertEventsBatch(ctx, pool, evs))
	}
	_, err := pool.Exec(ctx, `ANALYZE`)
	require.NoError(b, err)
	pages := []struct {
		name    string
		after   int64
		reverse bool
	}{{"ListEvents100First", 0, false}, {"ListEvents100Middle", long / 2, false},
		{"ListEvents100Last", 0, true}, {"ListEvents100MiddleReverse", long / 2, true}}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				evs, err := store.ListEvents(ctx, pool, 1, p.after, 100, p.reverse)
				if err != nil || len(evs) != 100 {
					b.Fatal(len(evs), err)
				}
			}
		})
	}
	b.Run("ListEventOutlines25000", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := store.ListEventOutlines(ctx, pool, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
}
