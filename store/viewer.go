package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

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

// ListEventOutlines returns the outline of every event of an execution,
// in order.
func ListEventOutlines(ctx context.Context, q Querier, executionID int64) ([]EventOutline, error) {
	rows, _ := q.Query(ctx, sql("ViewerOutline"), executionID)
	// Scanned by position: an execution may have tens of thousands of
	// events, and this skips RowToStructByName's per-row reflection.
	var out []EventOutline
	var ev EventOutline
	_, err := pgx.ForEachRow(rows, []any{&ev.ID, &ev.Type, &ev.Timestamp, &ev.State, &ev.Error}, func() error {
		out = append(out, ev)
		return nil
	})
	return out, err
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
	rows, _ := q.Query(ctx, sql("ViewerEvents"), executionID, f.After, f.Type, f.Failures, f.State, f.Limit)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Event])
}

// RunOutline is a run without its payloads: where it is and how it ended.
type RunOutline struct {
	ID             int64      `db:"id"`
	ParentID       *int64     `db:"parent_id"`
	Idx            int        `db:"idx"`
	MachinePath    string     `db:"machine_path"`
	Status         string     `db:"status"`
	State          string     `db:"state"`
	StateEnteredAt *time.Time `db:"state_entered_at"`
	EnteredEventID int64      `db:"entered_event_id"`
	Retries        []int32    `db:"retries"`
	TaskToken      *string    `db:"task_token"`
	Error          *string    `db:"error"`
	Cause          *string    `db:"cause"`
}

// ListRunOutlines returns every run of an execution in id order (a parent
// before its children).
func ListRunOutlines(ctx context.Context, q Querier, executionID int64) ([]RunOutline, error) {
	rows, _ := q.Query(ctx, sql("ViewerRuns"), executionID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[RunOutline])
}

// RunDetail is a run with its payloads.
type RunDetail struct {
	RunOutline
	StateInput *string `db:"state_input"`
	Output     *string `db:"output"`
}

// GetRunDetail reads run id of an execution with its payloads.
func GetRunDetail(ctx context.Context, q Querier, executionID, id int64) (*RunDetail, error) {
	rows, _ := q.Query(ctx, sql("ViewerRun"), executionID, id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[RunDetail])
	return r, notFound(err)
}

// ExecutionProgress returns an execution's last event id and status, a
// cheap read for watching it move.
func ExecutionProgress(ctx context.Context, q Querier, executionID int64) (lastEventID int64, status string, err error) {
	err = q.QueryRow(ctx, sql("ViewerProgress"), executionID).Scan(&lastEventID, &status)
	return lastEventID, status, notFound(err)
}
