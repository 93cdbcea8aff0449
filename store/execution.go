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

// LockExecutionWithRun locks an execution and reads one of its runs in the
// same round trip (see LockExecutionsWithRuns); the run is nil when it does
// not exist or belongs to another execution. The run is read by a second
// statement in the same batch, not joined to the locking one: a statement
// that waited for the lock sees the execution as the lock's holder left it
// but every other row as it was before the wait (READ COMMITTED), so a
// joined run could be one transition old.
func LockExecutionWithRun(ctx context.Context, q Querier, id, runID int64) (*Execution, *Run, error) {
	var runIDs []int64
	if runID != 0 {
		runIDs = []int64{runID}
	}
	execs, runs, err := LockExecutionsWithRuns(ctx, q, []int64{id}, runIDs)
	if err != nil {
		return nil, nil, err
	}
	if len(execs) == 0 {
		return nil, nil, ErrNotFound
	}
	if len(runs) == 1 && runs[0].ExecutionID == id {
		return execs[0], runs[0], nil
	}
	return execs[0], nil, nil
}

// LockExecutions reads several executions and locks them until the
// transaction ends (every transaction that moves an execution takes its
// lock first), in id order so that transactions locking overlapping sets
// cannot deadlock.
func LockExecutions(ctx context.Context, q Querier, ids []int64) ([]*Execution, error) {
	rows, _ := q.Query(ctx, sql("LockExecutions"), ids)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Execution])
}

// LockExecutionsWithRuns locks several executions (as LockExecutions) and
// reads runs, in one round trip when q can send a batch. The runs are read
// after the locks are held, so they are up to date.
func LockExecutionsWithRuns(ctx context.Context, q Querier, ids, runIDs []int64) ([]*Execution, []*Run, error) {
	sender, ok := q.(interface {
		SendBatch(context.Context, *pgx.Batch) pgx.BatchResults
	})
	if !ok || len(runIDs) == 0 {
		execs, err := LockExecutions(ctx, q, ids)
		if err != nil || len(runIDs) == 0 {
			return execs, nil, err
		}
		runs, err := GetRuns(ctx, q, runIDs)
		return execs, runs, err
	}
	b := &pgx.Batch{}
	b.Queue(sql("LockExecutions"), ids)
	b.Queue(sql("GetRuns"), runIDs)
	res := sender.SendBatch(ctx, b)
	defer res.Close()
	rows, _ := res.Query()
	execs, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Execution])
	if err != nil {
		return nil, nil, err
	}
	rows, _ = res.Query()
	runs, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Run])
	return execs, runs, err
}
