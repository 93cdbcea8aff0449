package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/migrations"
	"github.com/stepwise-run/stepwise/store"
)

func ptr(s string) *string { return &s }

// stored is ev as it reads back: previous id id - 1, timestamp to the
// microsecond in the local zone (as pgx scans a timestamptz).
func stored(ev store.Event) *store.Event {
	ev.PreviousID = ev.ID - 1
	ev.Timestamp = time.UnixMicro(ev.Timestamp.UnixMicro())
	return &ev
}

// viewEvents reads an execution's events through the stepwise_events view.
func viewEvents(t *testing.T, pool *pgxpool.Pool, executionID int64) []*store.Event {
	t.Helper()
	rows, _ := pool.Query(context.Background(), `SELECT execution_id, id, previous_id, type, timestamp, state, details
FROM stepwise_events WHERE execution_id = $1 ORDER BY id`, executionID)
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*store.Event, error) {
		var e store.Event
		err := row.Scan(&e.ExecutionID, &e.ID, &e.PreviousID, &e.Type, &e.Timestamp, &e.State, &e.Details)
		return &e, err
	})
	require.NoError(t, err)
	return out
}

func TestEventsRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	at := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.FixedZone("X", 3600))
	details := []*string{nil, ptr(""), ptr(`{"b":2, "a" : [1, 2.50, "x"]}`), ptr(`null`), ptr(`"text"`), ptr(` {"a":1}`),
		ptr("not json \u00e9\x01"), ptr(`{"s":"\u00e9\"\\ \n"}`), ptr(`[]`), ptr(`12.0e3`)}
	states := []*string{nil, ptr(""), ptr(`Say "hi" \ back`), ptr("Zustand \u00fc \U0001F600 \u2028"), ptr("tab\tnew\nline\x1f"),
		ptr("plain")}
	var want []*store.Event
	var evs []store.Event
	for i := 0; i < 30; i++ {
		ev := store.Event{ExecutionID: 7, ID: int64(i + 1), Type: fmt.Sprintf("Type\"%d\u00e9", i),
			Timestamp: at.Add(time.Duration(i) * 1001 * time.Nanosecond), State: states[i%len(states)], Details: details[i%len(details)]}
		evs = append(evs, ev)
		want = append(want, stored(ev))
	}
	// Three commits, the second of which also writes another execution.
	require.NoError(t, store.InsertEventsBatch(ctx, pool, evs[:4]))
	require.NoError(t, store.InsertEventsBatch(ctx, pool, append([]store.Event{{ExecutionID: 8, ID: 1, Type: "T", Timestamp: at}}, evs[4:11]...)))
	require.NoError(t, store.InsertEventsBatch(ctx, pool, evs[11:]))

	got, err := store.ListEvents(ctx, pool, 7, 0, 100, false)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, want, viewEvents(t, pool, 7), "the view")
	other, err := store.ListEvents(ctx, pool, 8, 0, 100, false)
	require.NoError(t, err)
	require.Equal(t, []*store.Event{stored(store.Event{ExecutionID: 8, ID: 1, Type: "T", Timestamp: at})}, other)
}

// writeHistory writes n events of execution 1 in commits of varying sizes, each
// with an event of execution 2 in between, and returns them as they read
// back.
func writeHistory(t *testing.T, pool *pgxpool.Pool, n int) []*store.Event {
	t.Helper()
	ctx := context.Background()
	types := []string{"TaskScheduled", "TaskStateEntered", "TaskFailed", "LambdaFunctionTimedOut", "ExecutionAborted"}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var want []*store.Event
	for id, size, other := int64(1), 1, int64(1); id <= int64(n); size = size%17 + 1 {
		var commit []store.Event
		for ; len(commit) < size && id <= int64(n); id++ {
			ev := store.Event{ExecutionID: 1, ID: id, Type: types[id%5], Timestamp: at.Add(time.Duration(id) * time.Millisecond),
				State: ptr(fmt.Sprintf("S%d", id%3)), Details: ptr(fmt.Sprintf(`{"error":"E%d","n":%d}`, id%4, id))}
			if id%7 == 0 {
				ev.State, ev.Details = nil, nil
			}
			commit = append(commit, ev)
			want = append(want, stored(ev))
		}
		commit = append(commit, store.Event{ExecutionID: 2, ID: other, Type: "TaskFailed", Timestamp: at})
		other++
		require.NoError(t, store.InsertEventsBatch(ctx, pool, commit))
	}
	return want
}

func reversed(evs []*store.Event) []*store.Event {
	out := make([]*store.Event, len(evs))
	for i, e := range evs {
		out[len(evs)-1-i] = e
	}
	return out
}

func TestEventsPaging(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	const n = 2500
	all := writeHistory(t, pool, n)
	for _, limit := range []int{1, 2, 9, 17, 18, 100, 1000, 3000} {
		for _, after := range []int64{-3, 0, 1, 2, 5, 16, 17, 18, 1234, n - 20, n - 1, n, n + 5, 1<<63 - 1} {
			t.Run(fmt.Sprintf("limit %d after %d", limit, after), func(t *testing.T) {
				got, err := store.ListEvents(ctx, pool, 1, after, limit, false)
				require.NoError(t, err)
				from := int(min(max(after, 0), n))
				require.Equal(t, all[from:min(from+limit, n)], got)

				got, err = store.ListEvents(ctx, pool, 1, after, limit, true)
				require.NoError(t, err)
				upTo := n // before 0: from the last event
				if after != 0 {
					upTo = int(max(min(after-1, n), 0))
				}
				require.Equal(t, reversed(all[max(upTo-limit, 0):upTo]), got)
			})
		}
	}
	none, err := store.ListEvents(ctx, pool, 3, 0, 10, true)
	require.NoError(t, err)
	require.Empty(t, none)
}

func TestEventsFilteredAndOutlines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	const n = 3000 // more than a chunk of batches
	all := writeHistory(t, pool, n)
	filters := []store.EventFilter{{Limit: 10}, {Type: "TaskScheduled", Limit: 7}, {Failures: true, Limit: 50, After: 33},
		{State: "S1", Limit: 1000}, {State: "S2", Type: "TaskFailed", Limit: 3000}, {Type: "ExecutionAborted", After: 2990, Limit: 5},
		{Type: "Nothing", Limit: 5}, {State: "S0", Failures: true, After: 1500, Limit: 600}}
	for _, f := range filters {
		t.Run(fmt.Sprintf("%+v", f), func(t *testing.T) {
			want := []*store.Event{}
			for _, e := range all {
				failure := strings.HasSuffix(e.Type, "Failed") || strings.HasSuffix(e.Type, "TimedOut") || strings.HasSuffix(e.Type, "Aborted")
				if e.ID > f.After && len(want) < f.Limit && (f.Type == "" || e.Type == f.Type) && (!f.Failures || failure) &&
					(f.State == "" || e.State != nil && *e.State == f.State) {
					want = append(want, e)
				}
			}
			got, err := store.ListEventsFiltered(ctx, pool, 1, f)
			require.NoError(t, err)
			require.Equal(t, want, got)
		})
	}

	outlines, err := store.ListEventOutlines(ctx, pool, 1)
	require.NoError(t, err)
	require.Len(t, outlines, n)
	for i, o := range outlines {
		e := all[i]
		want := store.EventOutline{ID: e.ID, Type: e.Type, Timestamp: e.Timestamp}
		if e.State != nil {
			want.State = *e.State
		}
		if e.Details != nil && e.Type != "TaskScheduled" && e.Type != "TaskStateEntered" {
			want.Error = ptr(fmt.Sprintf("E%d", e.ID%4))
		}
		require.Equal(t, want, o)
	}

	scheduled, err := store.CountScheduled(ctx, pool, 1, "S1")
	require.NoError(t, err)
	var want int64
	for _, e := range all {
		if e.Type == "TaskScheduled" && e.State != nil && *e.State == "S1" {
			want++
		}
	}
	require.Equal(t, want, scheduled)
}

// TestEventBatchesMigration rolls a database back to before event batches,
// writes events to the table it had, and checks that they read the same
// after migrating up, down and up again.
func TestEventBatchesMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	undoMigrations(t, pool, 27)
	_, err := pool.Exec(ctx, `INSERT INTO stepwise_events (execution_id, id, previous_id, type, timestamp, state, details)
SELECT 1, g, g - 1, 'T' || (g % 5), timestamptz '2026-01-01 00:00:00.000001+00' + g * interval '1.001 ms',
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'Sta"te ' || g END, CASE WHEN g % 4 = 0 THEN NULL ELSE '{"n" : ' || g || '}' END
FROM generate_series(1, 250) g`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `INSERT INTO stepwise_events VALUES
 (2, 1, 0, 'A', '1969-12-31 23:59:59.999999+00', '', ''), (2, 2, 1, 'B', now(), 'ü', ' {"x":1}'),
 (2, 3, 2, 'C', now(), NULL, 'not json'), (2, 5, 3, 'D', now(), NULL, 'null'), (2, 6, 5, 'E', now(), NULL, '"s"')`)
	require.NoError(t, err)
	before := viewEvents(t, pool, 1)
	require.Len(t, before, 250)
	odd := viewEvents(t, pool, 2)

	_, err = migrations.Up(ctx, pool)
	require.NoError(t, err)
	require.Equal(t, before, viewEvents(t, pool, 1))
	require.Equal(t, odd, viewEvents(t, pool, 2))
	got, err := store.ListEvents(ctx, pool, 1, 0, 1000, false)
	require.NoError(t, err)
	require.Equal(t, before, got)
	var batches int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_event_batches WHERE execution_id = 1`).Scan(&batches))
	require.Equal(t, 3, batches, "batches of up to a hundred events")

	undoMigrations(t, pool, 27)
	require.Equal(t, before, viewEvents(t, pool, 1))
	require.Equal(t, odd, viewEvents(t, pool, 2))
	_, err = migrations.Up(ctx, pool)
	require.NoError(t, err)
	require.Equal(t, before, viewEvents(t, pool, 1))
	require.Equal(t, odd, viewEvents(t, pool, 2))

	// An execution deleted takes its batches with it.
	_, err = pool.Exec(ctx, `DELETE FROM stepwise_executions`)
	require.NoError(t, err)
	exec, _ := newRun(t, pool)
	require.NoError(t, store.InsertEventsBatch(ctx, pool, []store.Event{{ExecutionID: exec.ID, ID: 1, Type: "T", Timestamp: time.Now()}}))
	_, err = pool.Exec(ctx, `DELETE FROM stepwise_executions WHERE id = $1`, exec.ID)
	require.NoError(t, err)
	require.Empty(t, viewEvents(t, pool, exec.ID))
}

// TestEventsWrittenByPostgreSQL reads a batch built as the bench seeds
// history, with json_build_object's spacing.
func TestEventsWrittenByPostgreSQL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	_, err := pool.Exec(ctx, `INSERT INTO stepwise_event_batches (execution_id, first_id, last_id, events)
SELECT 1, 1, 2, json_build_array(
    json_build_object('type', 'A', 'timestamp', 1767225600000001, 'details', '{"input" : {}}'::json),
    json_build_object('type', 'B', 'timestamp', 1767225600000002, 'state', 'P', 'details', '[1, 2]'::json))::text`)
	require.NoError(t, err)
	got, err := store.ListEvents(ctx, pool, 1, 0, 10, false)
	require.NoError(t, err)
	require.Equal(t, viewEvents(t, pool, 1), got)
	require.Equal(t, []string{`{"input" : {}}`, `[1, 2]`}, []string{*got[0].Details, *got[1].Details})
	require.Equal(t, "P", *got[1].State)
}
