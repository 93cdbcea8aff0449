package logsink_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/internal/logsink"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/store"
)

// records builds n records of one execution, ids 1 to n.
func records(n int) []logsink.Record {
	s := logsink.Stream{StateMachineARN: machineARN, Level: logsink.LevelAll, IncludeExecutionData: true, LogGroupARN: logGroupARN}
	out := make([]logsink.Record, n)
	for i := range out {
		out[i] = s.Record(executionARN, logsink.Event{Event: runner.Event{ID: int64(i + 1), PreviousID: int64(i), Type: "PassStateEntered",
			Timestamp: at.Add(time.Duration(i) * time.Millisecond), State: fmt.Sprint("S", i), Input: map[string]any{"i": i}}})
	}
	return out
}

// TestPostgresBatches: records are written in batches of BatchSize, one
// insert (one transaction) each, on Flush and on Close, in the form the
// other sinks write.
func TestPostgresBatches(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tc := range []struct {
		name          string
		n, batch      int
		close         bool
		wantInserts   int
		wantRemaining int
	}{
		{"batches and flush", 7, 3, false, 3, 7},
		{"one batch", 5, 500, false, 1, 5},
		{"close writes the rest", 4, 500, true, 1, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pool := testkit.NewPool(t)
			sink := logsink.NewPostgres(pool, &logsink.PostgresConfig{BatchSize: tc.batch, FlushInterval: time.Hour})
			sink.Log(records(tc.n))
			if tc.close {
				require.NoError(t, sink.Close(ctx))
			} else {
				require.NoError(t, sink.Flush(ctx))
				t.Cleanup(func() { _ = sink.Close(ctx) })
			}
			rows, err := store.ListLogRecords(ctx, pool, machineARN, time.Time{}, 100)
			require.NoError(t, err)
			require.Len(t, rows, tc.wantRemaining)
			for i, r := range rows {
				require.Equal(t, executionARN, r.ExecutionARN)
				require.Equal(t, "/aws/vendedlogs/states/orders", r.LogGroup)
				require.Equal(t, "PassStateEntered", r.Type)
				require.True(t, at.Add(time.Duration(i)*time.Millisecond).Equal(r.EventTimestamp))
				var rec map[string]any
				require.NoError(t, json.Unmarshal([]byte(r.Record), &rec))
				require.Equal(t, fmt.Sprint(i+1), rec["id"])
				require.Equal(t, fmt.Sprintf(`{"i":%d}`, i), rec["details"].(map[string]any)["input"])
			}
			var inserts int
			require.NoError(t, pool.QueryRow(ctx, `SELECT count(DISTINCT xmin::text) FROM stepwise_log_records`).Scan(&inserts))
			require.Equal(t, tc.wantInserts, inserts, "one insert per batch")
			require.Zero(t, sink.Dropped())
		})
	}
}

// TestPostgresDrops: records logged to a closed sink are dropped and
// counted, never written; a full buffer drops rather than blocks.
func TestPostgresDrops(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	sink := logsink.NewPostgres(pool, &logsink.PostgresConfig{Buffer: 1, BatchSize: 1000, FlushInterval: time.Hour})
	sink.Log(records(50)) // at most the buffer and the batch being collected wait; the rest are dropped
	require.NoError(t, sink.Close(ctx))
	rows, err := store.ListLogRecords(ctx, pool, machineARN, time.Time{}, 100)
	require.NoError(t, err)
	require.Equal(t, int64(50), int64(len(rows))+sink.Dropped())
	require.Positive(t, sink.Dropped())

	before := sink.Dropped()
	sink.Log(records(3))
	require.Equal(t, before+3, sink.Dropped())
	require.NoError(t, sink.Flush(ctx), "a closed sink has nothing to flush")
}

// TestPostgresPrune deletes the records of events before a time.
func TestPostgresPrune(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	sink := logsink.NewPostgres(pool, nil)
	t.Cleanup(func() { _ = sink.Close(ctx) })
	sink.Log(records(10))
	require.NoError(t, sink.Flush(ctx))
	deleted, err := sink.Prune(ctx, at.Add(4*time.Millisecond))
	require.NoError(t, err)
	require.Equal(t, int64(4), deleted)
	rows, err := store.ListLogRecords(ctx, pool, machineARN, time.Time{}, 100)
	require.NoError(t, err)
	require.Len(t, rows, 6)
	require.True(t, at.Add(4*time.Millisecond).Equal(rows[0].EventTimestamp))
}
