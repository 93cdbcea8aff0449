package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/store"
)

// LogRecordQuery selects log records for ListLogRecords. Zero fields
// match everything.
type LogRecordQuery struct {
	// StateMachine is a machine's name or ARN (see machineARN).
	StateMachine string
	// Execution is an execution's ARN, Standard or Express.
	Execution string
	// From and To bound the event time to [From, To).
	From, To time.Time
	// After is where the previous page ended; nil is the first page.
	After *LogRecordPosition
	// Limit is the page size; default 100, at most MaxPage.
	Limit int
}

// LogRecordPosition is a place in the newest-first order of log records.
type LogRecordPosition struct {
	Time time.Time
	ID   int64
}

// ListLogRecords returns a page of the log records the PostgreSQL log
// sink wrote, newest first, and the position of the next page (nil when
// this page is the last).
func (e *Engine) ListLogRecords(ctx context.Context, q LogRecordQuery) ([]store.LogRecord, *LogRecordPosition, error) {
	machine, err := e.machineARN(ctx, q.StateMachine)
	if err != nil {
		return nil, nil, err
	}
	limit := min(orInt(q.Limit, 100), MaxPage)
	f := store.LogRecordFilter{StateMachineARN: machine, ExecutionARN: q.Execution, Since: q.From, Until: q.To, Limit: limit + 1}
	if q.After != nil {
		f.AtTime, f.AtID = q.After.Time, q.After.ID
	}
	records, err := store.PageLogRecords(ctx, e.pool, f)
	if err != nil || len(records) <= limit {
		return records, nil, err
	}
	records = records[:limit]
	last := records[limit-1]
	return records, &LogRecordPosition{Time: last.EventTimestamp, ID: last.ID}, nil
}

// ExpressQuery selects Express executions for ListExpressExecutions.
// Zero fields match everything.
type ExpressQuery struct {
	// StateMachine is a machine's name or ARN (see machineARN).
	StateMachine string
	// Status is RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED.
	Status string
	// From and To bound the start time to [From, To).
	From, To time.Time
	// After is where the previous page ended; nil is the first page.
	After *ExpressPosition
	// Limit is the page size; default 100, at most MaxPage.
	Limit int
}

// ExpressPosition is a place in the newest-first order of Express
// executions.
type ExpressPosition struct {
	StartedAt time.Time
	ARN       string
}

// ListExpressExecutions returns a page of Express executions as their
// log records tell them (Express executions are never stored, so a
// machine logging at OFF leaves none to list), newest first, and the
// position of the next page (nil when this page is the last).
func (e *Engine) ListExpressExecutions(ctx context.Context, q ExpressQuery) ([]store.ExpressExecution, *ExpressPosition, error) {
	machine, err := e.machineARN(ctx, q.StateMachine)
	if err != nil {
		return nil, nil, err
	}
	limit := min(orInt(q.Limit, 100), MaxPage)
	f := store.ExpressFilter{StateMachineARN: machine, Status: q.Status, Since: q.From, Until: q.To, Limit: limit + 1}
	if q.After != nil {
		f.AtTime, f.AtARN = q.After.StartedAt, q.After.ARN
	}
	execs, err := store.ListExpressExecutions(ctx, e.pool, f)
	if err != nil || len(execs) <= limit {
		return execs, nil, err
	}
	execs = execs[:limit]
	last := execs[limit-1]
	return execs, &ExpressPosition{StartedAt: last.StartedAt, ARN: last.ARN}, nil
}

// machineARN is the ARN of the machine nameOrARN ("" for none). Log
// records outlive their machine, so an ARN of a machine that is gone is
// taken as it is; a name of one is ErrStateMachineDoesNotExist.
func (e *Engine) machineARN(ctx context.Context, nameOrARN string) (string, error) {
	if nameOrARN == "" {
		return "", nil
	}
	sm, err := e.StateMachine(ctx, nameOrARN)
	if errors.Is(err, ErrStateMachineDoesNotExist) && strings.HasPrefix(nameOrARN, "arn:") {
		return nameOrARN, nil
	}
	if err != nil {
		return "", err
	}
	return sm.ARN, nil
}

// MaxExpressRecords is how many log records of one Express execution
// ExpressExecution reads at most.
const MaxExpressRecords = 25000

// ExpressExecution returns the Express execution executionARN as its
// log records tell it, with its records oldest first (at most
// MaxExpressRecords); ErrExecutionDoesNotExist when no record names it.
func (e *Engine) ExpressExecution(ctx context.Context, executionARN string) (*store.ExpressExecution, []store.LogRecord, error) {
	execs, err := store.ListExpressExecutions(ctx, e.pool, store.ExpressFilter{ExecutionARN: executionARN, Limit: 1})
	if err != nil {
		return nil, nil, err
	}
	if len(execs) == 0 {
		return nil, nil, fmt.Errorf("%w: no log records of %s", ErrExecutionDoesNotExist, executionARN)
	}
	records, err := store.ExecutionLogRecords(ctx, e.pool, executionARN, MaxExpressRecords)
	if err != nil {
		return nil, nil, err
	}
	return &execs[0], records, nil
}
