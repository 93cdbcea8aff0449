package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Execution statuses.
const (
	StatusRunning   = "RUNNING"
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
)

// Execution is one run of a state machine version. Input and Output are
// JSON text.
type Execution struct {
	ID             int64      `db:"id"`
	ARN            string     `db:"arn"`
	StateMachineID int64      `db:"state_machine_id"`
	Version        int        `db:"version"`
	Name           string     `db:"name"`
	Status         string     `db:"status"`
	Input          string     `db:"input"`
	Output         *string    `db:"output"`
	Error          *string    `db:"error"`
	Cause          *string    `db:"cause"`
	StartedAt      time.Time  `db:"started_at"`
	StoppedAt      *time.Time `db:"stopped_at"`
	LastEventID    int64      `db:"last_event_id"`
	RedriveCount   int        `db:"redrive_count"`
}

func oneExecution(ctx context.Context, q Querier, query string, args ...any) (*Execution, error) {
	rows, _ := q.Query(ctx, sql(query), args...)
	e, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Execution])
	return e, notFound(err)
}

// InsertExecution creates a RUNNING execution. It returns ErrConflict when
// the machine already has an execution of that name.
func InsertExecution(ctx context.Context, q Querier, e *Execution) (*Execution, error) {
	out, err := oneExecution(ctx, q, "InsertExecution", e.ARN, e.StateMachineID, e.Version, e.Name, e.Input, e.StartedAt)
	if err == ErrNotFound {
		return nil, ErrConflict
	}
	return out, err
}

// GetExecution reads an execution by id.
func GetExecution(ctx context.Context, q Querier, id int64) (*Execution, error) {
	return oneExecution(ctx, q, "GetExecution", id)
}

// GetExecutionByName reads a machine's execution by name.
func GetExecutionByName(ctx context.Context, q Querier, machineID int64, name string) (*Execution, error) {
	return oneExecution(ctx, q, "GetExecutionByName", machineID, name)
}

// GetExecutionByARN reads an execution by ARN.
func GetExecutionByARN(ctx context.Context, q Querier, arn string) (*Execution, error) {
	return oneExecution(ctx, q, "GetExecutionByARN", arn)
}

// LockExecution reads an execution and locks it until the transaction
// ends: every transaction that moves an execution takes this lock first.
func LockExecution(ctx context.Context, q Querier, id int64) (*Execution, error) {
	return oneExecution(ctx, q, "LockExecution", id)
}

// RedriveExecution sets a stopped execution RUNNING again.
func RedriveExecution(ctx context.Context, q Querier, id, lastEventID int64) error {
	_, err := q.Exec(ctx, sql("RedriveExecution"), id, lastEventID)
	return err
}

// ExecutionFilter selects executions for ListExecutions. Zero fields match
// everything; Before* is the cursor of the previous page.
type ExecutionFilter struct {
	StateMachineID int64
	Status         string
	NamePrefix     string
	BeforeStart    time.Time
	BeforeID       int64
	Limit          int
}

// ListExecutions returns executions newest first.
func ListExecutions(ctx context.Context, q Querier, f ExecutionFilter) ([]*Execution, error) {
	before := f.BeforeStart
	if before.IsZero() {
		before = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	beforeID := f.BeforeID
	if beforeID == 0 {
		beforeID = 1<<63 - 1
	}
	rows, _ := q.Query(ctx, sql("ListExecutions"), f.StateMachineID, f.Status, likePrefix(f.NamePrefix), before, beforeID, f.Limit)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Execution])
}

func likePrefix(p string) string {
	out := make([]byte, 0, len(p)+1)
	for i := 0; i < len(p); i++ {
		if p[i] == '%' || p[i] == '_' || p[i] == '\\' {
			out = append(out, '\\')
		}
		out = append(out, p[i])
	}
	return string(out) + "%"
}

// Event is one history event. Details is JSON text or empty.
type Event struct {
	ExecutionID int64     `db:"execution_id"`
	ID          int64     `db:"id"`
	PreviousID  int64     `db:"previous_id"`
	Type        string    `db:"type"`
	Timestamp   time.Time `db:"timestamp"`
	State       *string   `db:"state"`
	Details     *string   `db:"details"`
}

// ListEvents returns up to limit events after event id after, in order;
// with reverse, those before id after, newest first.
func ListEvents(ctx context.Context, q Querier, executionID, after int64, limit int, reverse bool) ([]*Event, error) {
	query := "ListEvents"
	if reverse {
		query = "ListEventsReverse"
		if after == 0 {
			after = 1<<63 - 1
		}
	}
	rows, _ := q.Query(ctx, sql(query), executionID, after, limit)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Event])
}

// LockExecutionWithRun locks an execution like LockExecution and reads one
// of its runs in the same round trip; the run is nil when it does not
// exist or belongs to another execution.
func LockExecutionWithRun(ctx context.Context, q Querier, id, runID int64) (*Execution, *Run, error) {
	rows, _ := q.Query(ctx, sql("LockExecutionWithRun"), id, runID)
	row, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[lockedRow])
	if err != nil {
		return nil, nil, notFound(err)
	}
	if row.RunID == nil {
		return &row.Execution, nil, nil
	}
	r := &Run{ID: *row.RunID, ExecutionID: row.ID, ParentID: row.ParentID, Idx: deref(row.Idx), MachinePath: deref(row.MachinePath),
		Status: deref(row.RunStatus), State: deref(row.State), StateInput: row.StateInput, StateEnteredAt: row.StateEnteredAt,
		EnteredEventID: deref(row.EnteredEventID), Retries: row.Retries, Seq: deref(row.Seq), Waiting: row.Waiting, Fork: row.Fork,
		TaskToken: row.TaskToken, HeartbeatAt: row.HeartbeatAt, Output: row.RunOutput,
		Error: row.RunError, Cause: row.RunCause}
	return &row.Execution, r, nil
}

type lockedRow struct {
	Execution
	RunID          *int64     `db:"run_id"`
	RunExecutionID *int64     `db:"run_execution_id"`
	ParentID       *int64     `db:"parent_id"`
	Idx            *int       `db:"idx"`
	MachinePath    *string    `db:"machine_path"`
	RunStatus      *string    `db:"run_status"`
	State          *string    `db:"state"`
	StateInput     *string    `db:"state_input"`
	StateEnteredAt *time.Time `db:"state_entered_at"`
	EnteredEventID *int64     `db:"entered_event_id"`
	Retries        []int32    `db:"retries"`
	Seq            *int64     `db:"seq"`
	Waiting        *string    `db:"waiting"`
	Fork           *string    `db:"fork"`
	TaskToken      *string    `db:"task_token"`
	HeartbeatAt    *time.Time `db:"heartbeat_at"`
	RunOutput      *string    `db:"run_output"`
	RunError       *string    `db:"run_error"`
	RunCause       *string    `db:"run_cause"`
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// LockExecutions locks several executions, in id order so that
// transactions locking overlapping sets cannot deadlock.
func LockExecutions(ctx context.Context, q Querier, ids []int64) ([]*Execution, error) {
	rows, _ := q.Query(ctx, sql("LockExecutions"), ids)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Execution])
}
