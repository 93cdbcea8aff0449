package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// ExecutionQuery selects executions for ListExecutions. Zero fields match
// everything.
type ExecutionQuery struct {
	// StateMachine is a machine's name or ARN; a machine that does not
	// exist is ErrStateMachineDoesNotExist.
	StateMachine string
	// Status is one of the store.Status… values.
	Status     string
	NamePrefix string
	// StartedAfter and StartedBefore bound the start time to
	// [StartedAfter, StartedBefore).
	StartedAfter  time.Time
	StartedBefore time.Time
	// VersionARN and AliasARN keep the executions started through that
	// published version or alias; empty keeps all.
	VersionARN, AliasARN string
	// Redriven is "" (all), "REDRIVEN" or "NOT_REDRIVEN".
	Redriven string
	// MapRun is a Map run's ARN: its child executions are listed (they
	// are left out of every other listing).
	MapRun string
	// After is where the previous page ended; nil is the first page.
	After *ExecutionPosition
	// Limit is the page size; default 100, at most 1000.
	Limit int
}

// ExecutionPosition is a place in the newest-first order of executions.
type ExecutionPosition struct {
	StartedAt time.Time
	ID        int64
}

// MaxPage is the largest page the list methods return.
const MaxPage = 1000

// ListExecutions returns a page of executions, newest first, and the
// position of the next page (nil when this page is the last).
func (e *Engine) ListExecutions(ctx context.Context, q ExecutionQuery) ([]*store.Execution, *ExecutionPosition, error) {
	p := store.ExecutionFilter{Status: q.Status, NamePrefix: q.NamePrefix, StartedAfter: q.StartedAfter, StartedBefore: q.StartedBefore,
		VersionARN: q.VersionARN, AliasARN: q.AliasARN, Redriven: q.Redriven}
	if q.StateMachine != "" {
		sm, err := e.StateMachine(ctx, q.StateMachine)
		if err != nil {
			return nil, nil, err
		}
		p.StateMachineID = sm.ID
	}
	if q.MapRun != "" {
		mr, err := e.mapRunByARN(ctx, q.MapRun)
		if err != nil {
			return nil, nil, err
		}
		p.MapRunID = mr.ID
	}
	if q.After != nil {
		p.AfterStart, p.AfterID = q.After.StartedAt, q.After.ID
	}
	limit := min(orInt(q.Limit, 100), MaxPage)
	p.Limit = limit + 1
	execs, err := store.ListExecutions(ctx, e.pool, p)
	if err != nil || len(execs) <= limit {
		return execs, nil, err
	}
	execs = execs[:limit]
	last := execs[limit-1]
	return execs, &ExecutionPosition{StartedAt: last.StartedAt, ID: last.ID}, nil
}

// StateMachineOf returns the name and ARN of the state machine an
// execution belongs to, read from the execution's ARN.
func StateMachineOf(exec *store.Execution) (name, machineARN string) {
	a, err := arn.ParseExecution(exec.ARN)
	if err != nil {
		return "", ""
	}
	return a.Machine, a.StateMachine()
}

// ExecutionVersion returns the state machine of an execution and the
// version it runs, with its definition; ErrStateMachineDoesNotExist if
// they are gone.
func (e *Engine) ExecutionVersion(ctx context.Context, exec *store.Execution) (*store.StateMachine, *store.Version, error) {
	sm, err := store.GetStateMachine(ctx, e.pool, exec.StateMachineID)
	if err == nil {
		var v *store.Version
		if v, err = store.GetVersion(ctx, e.pool, exec.StateMachineID, exec.Version); err == nil {
			return sm, v, nil
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		err = fmt.Errorf("%w: the state machine of %s", ErrStateMachineDoesNotExist, exec.ARN)
	}
	return nil, nil, err
}

// ParentExecution returns the execution whose Task started exec as a
// nested execution; nil when exec was started through the API or its
// parent has since been deleted.
func (e *Engine) ParentExecution(ctx context.Context, exec *store.Execution) (*store.Execution, error) {
	if exec.ParentID == nil {
		return nil, nil
	}
	parent, err := store.GetExecution(ctx, e.pool, *exec.ParentID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return parent, err
}

// ChildExecutions returns a page of the executions that Tasks of exec
// started, oldest first, after the child with id afterID (0 is the first
// page), and the afterID of the next page (0 when this page is the last).
// The limit is 100 when 0, at most MaxPage.
func (e *Engine) ChildExecutions(ctx context.Context, exec *store.Execution, afterID int64, limit int) ([]*store.Execution, int64, error) {
	limit = min(orInt(limit, 100), MaxPage)
	children, err := store.ListChildExecutions(ctx, e.pool, exec.ID, afterID, limit+1)
	if err != nil || len(children) <= limit {
		return children, 0, err
	}
	children = children[:limit]
	return children, children[limit-1].ID, nil
}
