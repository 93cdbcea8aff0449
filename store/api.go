package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// VersionInfo is a state machine version without its definition.
type VersionInfo struct {
	Version        int       `db:"version"`
	CreatedAt      time.Time `db:"created_at"`
	HasInputSchema bool      `db:"has_input_schema"`
}

// ListVersionInfo returns every version of a machine, newest first,
// without definitions.
func ListVersionInfo(ctx context.Context, q Querier, machineID int64) ([]VersionInfo, error) {
	rows, _ := q.Query(ctx, sql("ListVersionInfo"), machineID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[VersionInfo])
}

// ExecutionPage selects a page of executions for ListExecutionsPage. Zero
// fields match everything.
type ExecutionPage struct {
	StateMachineID int64
	Status         string
	NamePrefix     string
	// StartedAfter and StartedBefore bound started_at to
	// [StartedAfter, StartedBefore).
	StartedAfter  time.Time
	StartedBefore time.Time
	// AfterStart and AfterID are the position of the previous page's last
	// execution; the page holds the executions older than it.
	AfterStart time.Time
	AfterID    int64
	// Limit is the page size; required.
	Limit int
}

// ListExecutionsPage returns executions newest first (by start time, then
// id), filtered and positioned by p.
func ListExecutionsPage(ctx context.Context, q Querier, p ExecutionPage) ([]*Execution, error) {
	end := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	after := p.StartedAfter
	if after.IsZero() {
		after = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	before := p.StartedBefore
	if before.IsZero() {
		before = end
	}
	atStart, atID := p.AfterStart, p.AfterID
	if atStart.IsZero() {
		atStart, atID = end, 1<<63-1
	}
	rows, _ := q.Query(ctx, sql("ListExecutionsPage"), p.StateMachineID, p.Status, likePrefix(p.NamePrefix),
		after, before, atStart, atID, p.Limit)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Execution])
}

// RunningExecution identifies a RUNNING execution.
type RunningExecution struct {
	ID  int64  `db:"id"`
	ARN string `db:"arn"`
}

// ListRunningExecutions returns up to limit of a machine's RUNNING
// executions with ids above afterID, in id order.
func ListRunningExecutions(ctx context.Context, q Querier, machineID, afterID int64, limit int) ([]RunningExecution, error) {
	rows, _ := q.Query(ctx, sql("ListRunningExecutions"), machineID, afterID, limit)
	return pgx.CollectRows(rows, pgx.RowToStructByName[RunningExecution])
}

// CountExecutionsByStatus counts the executions in each status; statuses
// without executions are absent.
func CountExecutionsByStatus(ctx context.Context, q Querier) (map[string]int64, error) {
	return countByStatus(ctx, q, "CountExecutionsByStatus")
}

// countByStatus runs a query of (status, count) rows into a map.
func countByStatus(ctx context.Context, q Querier, query string, args ...any) (map[string]int64, error) {
	rows, _ := q.Query(ctx, sql(query), args...)
	out := map[string]int64{}
	var status string
	var n int64
	_, err := pgx.ForEachRow(rows, []any{&status, &n}, func() error {
		out[status] = n
		return nil
	})
	return out, err
}

// QueueDepth is how many River jobs of one queue are in one state.
type QueueDepth struct {
	Queue string
	State string
	Jobs  int64
}

// RiverQueueDepth counts the River jobs not yet finished, by queue and
// state (available, scheduled, retryable, running).
func RiverQueueDepth(ctx context.Context, q Querier) ([]QueueDepth, error) {
	rows, _ := q.Query(ctx, sql("RiverQueueDepth"))
	var out []QueueDepth
	var d QueueDepth
	_, err := pgx.ForEachRow(rows, []any{&d.Queue, &d.State, &d.Jobs}, func() error {
		out = append(out, d)
		return nil
	})
	return out, err
}
