package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// Event is one history event. Details is JSON text or empty. Its fields
// are db.StepwiseEvent's, so rows convert to it without a copy.
type Event struct {
	ExecutionID int64     `db:"execution_id"`
	ID          int64     `db:"id"`
	PreviousID  int64     `db:"previous_id"`
	Type        string    `db:"type"`
	Timestamp   time.Time `db:"timestamp"`
	State       *string   `db:"state"`
	Details     *string   `db:"details"`
}

func events(rows []db.StepwiseEvent, err error) ([]*Event, error) {
	return ptrs(rows, err, func(r *db.StepwiseEvent) *Event { return (*Event)(r) })
}

// ListEvents returns up to limit events after event id after, in order;
// with reverse, those before id after, newest first.
func ListEvents(ctx context.Context, q Querier, executionID, after int64, limit int, reverse bool) ([]*Event, error) {
	if reverse {
		if after == 0 {
			after = maxID
		}
		return events(queries(q).ListEventsReverse(ctx, db.ListEventsReverseParams{ExecutionID: executionID,
			Before: after, MaxRows: int32(limit)}))
	}
	return events(queries(q).ListEvents(ctx, db.ListEventsParams{ExecutionID: executionID, After: after, MaxRows: int32(limit)}))
}

// EventFilter selects history events for ListEventsFiltered. Zero fields
// match everything.
type EventFilter struct {
	// After is the id the page starts after; 0 is the first page.
	After int64
	// Type is one event type.
	Type string
	// Failures keeps only failure events (types ending in Failed,
	// TimedOut or Aborted).
	Failures bool
	// State is the state the events are about.
	State string
	// Limit is the page size; required.
	Limit int
}

// ListEventsFiltered returns up to f.Limit events of an execution after
// f.After, in order, filtered by f.
func ListEventsFiltered(ctx context.Context, q Querier, executionID int64, f EventFilter) ([]*Event, error) {
	return events(queries(q).ListEventsFiltered(ctx, db.ListEventsFilteredParams{ExecutionID: executionID, After: f.After,
		Type: f.Type, Failures: f.Failures, State: f.State, MaxRows: int32(f.Limit)}))
}

// insertEventsBatch appends history events of any executions. A Go
// constant, not sqlc's: sqlc types every element of an array parameter as
// non-null (sqlc-dev/sqlc#1851), and state and details hold NULLs.
const insertEventsBatch = `
INSERT INTO stepwise_events (execution_id, id, previous_id, type, timestamp, state, details)
SELECT e.execution_id, e.id, e.id - 1, e.type, e.ts, e.state, e.details
FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])
     AS e(execution_id, id, type, ts, state, details)`

// InsertEventsBatch appends history events of any executions in one
// statement.
func InsertEventsBatch(ctx context.Context, q Querier, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	n := len(events)
	execs, ids := make([]int64, n), make([]int64, n)
	types, times := make([]string, n), make([]time.Time, n)
	states, details := make([]*string, n), make([]*string, n)
	for i, e := range events {
		execs[i], ids[i], types[i], times[i], states[i], details[i] = e.ExecutionID, e.ID, e.Type, e.Timestamp, e.State, e.Details
	}
	_, err := q.Exec(ctx, insertEventsBatch, execs, ids, types, times, states, details)
	return err
}

// EventOutline is a history event without its details: what the viewer
// needs to colour a graph and draw a timeline. Error is the error name of
// a failure event (types ending in Failed, TimedOut or Aborted), else nil.
type EventOutline struct {
	ID        int64     `db:"id"`
	Type      string    `db:"type"`
	Timestamp time.Time `db:"timestamp"`
	State     string    `db:"state"`
	Error     *string   `db:"error"`
}

// eventOutlines reads the outline of every event of an execution. A Go
// constant, not sqlc's: sqlc types the CASE that yields error as
// interface{} (and, cast to text, as never NULL).
const eventOutlines = `
SELECT id, type, timestamp, coalesce(state, '') AS state,
       CASE WHEN (type LIKE '%Failed' OR type LIKE '%TimedOut' OR type LIKE '%Aborted') AND details IS NOT NULL
            THEN details::jsonb->>'error' END AS error
FROM stepwise_events WHERE execution_id = $1 ORDER BY id`

// ListEventOutlines returns the outline of every event of an execution,
// in order.
func ListEventOutlines(ctx context.Context, q Querier, executionID int64) ([]EventOutline, error) {
	rows, _ := q.Query(ctx, eventOutlines, executionID)
	// Scanned by position: an execution may have tens of thousands of
	// events.
	var out []EventOutline
	var ev EventOutline
	_, err := pgx.ForEachRow(rows, []any{&ev.ID, &ev.Type, &ev.Timestamp, &ev.State, &ev.Error}, func() error {
		out = append(out, ev)
		return nil
	})
	return out, err
}

// CountScheduled returns how many times state's task was scheduled in an
// execution (TaskScheduled or ActivityScheduled events).
func CountScheduled(ctx context.Context, q Querier, executionID int64, state string) (int64, error) {
	return queries(q).CountScheduled(ctx, db.CountScheduledParams{ExecutionID: executionID, State: state})
}
