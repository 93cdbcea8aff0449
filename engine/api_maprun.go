package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// ErrMapRunDoesNotExist is a Map run ARN that names no Map run (AWS's
// ResourceNotFound).
var ErrMapRunDoesNotExist = errors.New("map run does not exist")

// MapRunCounts are AWS's MapRunItemCounts / MapRunExecutionCounts: how
// many items (or child executions) are in each status. A child that runs
// a batch counts once as an execution and once per item is not known
// here, so the item counts are the execution counts, as AWS reports them
// for a Map without an ItemBatcher.
type MapRunCounts struct {
	Pending, Running, Succeeded, Failed, TimedOut, Aborted int64
	Total, ResultsWritten                                  int64
	FailuresNotRedrivable, PendingRedrive                  int64
}

// MapRunInfo is DescribeMapRun's answer.
type MapRunInfo struct {
	*store.MapRun
	// ExecutionARN is the parent execution's.
	ExecutionARN string
	Counts       MapRunCounts
}

// MapRun describes the Map run arn.
func (e *Engine) MapRun(ctx context.Context, mapRunARN string) (*MapRunInfo, error) {
	mr, err := e.mapRunByARN(ctx, mapRunARN)
	if err != nil {
		return nil, err
	}
	parent, err := store.GetExecution(ctx, e.pool, mr.ExecutionID)
	if err != nil {
		return nil, err
	}
	byStatus, err := store.MapRunChildCounts(ctx, e.pool, mr.ID)
	if err != nil {
		return nil, err
	}
	c := MapRunCounts{Running: byStatus[store.StatusRunning], Succeeded: byStatus[store.StatusSucceeded],
		Failed: byStatus[store.StatusFailed], TimedOut: byStatus[store.StatusTimedOut], Aborted: byStatus[store.StatusAborted],
		ResultsWritten: mr.ResultsWritten}
	c.Total = c.Running + c.Succeeded + c.Failed + c.TimedOut + c.Aborted
	if mr.Status == store.MapRunRunning && !mr.ReaderDone {
		// AWS counts the items read but not started as pending; the
		// reader reads only as far as concurrency allows.
		c.Pending = max(0, mr.ItemsRead-int64(mr.Children))
	}
	c.Total += c.Pending
	return &MapRunInfo{MapRun: mr, ExecutionARN: parent.ARN, Counts: c}, nil
}

func (e *Engine) mapRunByARN(ctx context.Context, mapRunARN string) (*store.MapRun, error) {
	if !arn.IsMapRun(mapRunARN) {
		return nil, fmt.Errorf("%w: %q is not a Map run ARN (arn:aws:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:ID)", ErrInvalidArn, mapRunARN)
	}
	mr, err := store.GetMapRunByARN(ctx, e.pool, mapRunARN)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: Map Run Does Not Exist: %s", ErrMapRunDoesNotExist, mapRunARN)
	}
	return mr, err
}

// ListMapRuns returns up to limit (default 100, at most MaxPage) of an
// execution's Map runs after the one with id after (0 for the first
// page), oldest first, and the id to pass for the next page (0 when
// there is none).
func (e *Engine) ListMapRuns(ctx context.Context, executionARN string, after int64, limit int) ([]*store.MapRun, int64, error) {
	exec, err := e.Execution(ctx, executionARN)
	if err != nil {
		return nil, 0, err
	}
	limit = min(orInt(limit, 100), MaxPage)
	runs, err := store.ListMapRuns(ctx, e.pool, exec.ID, after, limit+1)
	if err != nil || len(runs) <= limit {
		return runs, 0, err
	}
	return runs[:limit], runs[limit-1].ID, nil
}

// MapRunUpdate changes a running Map run's settings; nil fields stay.
type MapRunUpdate struct {
	MaxConcurrency             *int
	ToleratedFailureCount      *int64
	ToleratedFailurePercentage *float64
}

// check refuses values AWS refuses.
func (u MapRunUpdate) check() error {
	switch {
	case u.MaxConcurrency == nil && u.ToleratedFailureCount == nil && u.ToleratedFailurePercentage == nil:
		return validationf("At least one of maxConcurrency, toleratedFailureCount or toleratedFailurePercentage must be specified")
	case u.MaxConcurrency != nil && *u.MaxConcurrency < 0:
		return validationf("1 validation error detected: Value '%d' at 'maxConcurrency' failed to satisfy constraint: Member must have value greater than or equal to 0", *u.MaxConcurrency)
	case u.ToleratedFailureCount != nil && *u.ToleratedFailureCount < 0:
		return validationf("1 validation error detected: Value '%d' at 'toleratedFailureCount' failed to satisfy constraint: Member must have value greater than or equal to 0", *u.ToleratedFailureCount)
	case u.ToleratedFailurePercentage != nil && (*u.ToleratedFailurePercentage < 0 || *u.ToleratedFailurePercentage > 100):
		return validationf("1 validation error detected: Value '%v' at 'toleratedFailurePercentage' failed to satisfy constraint: Member must have value between 0 and 100", *u.ToleratedFailurePercentage)
	}
	return nil
}

// UpdateMapRun changes a running Map run's concurrency and tolerance; a
// higher concurrency starts more children at once.
func (e *Engine) UpdateMapRun(ctx context.Context, mapRunARN string, u MapRunUpdate) error {
	if err := u.check(); err != nil {
		return err
	}
	mr, err := e.mapRunByARN(ctx, mapRunARN)
	if err != nil {
		return err
	}
	return e.inExecution(ctx, mr.ExecutionID, nil, func(t *change) error {
		return t.updateMapRun(mr.ID, u)
	})
}

// updateMapRun applies u to Map run id and its parent run's fork.
func (t *change) updateMapRun(id int64, u MapRunUpdate) error {
	mr, err := store.GetMapRun(t.ctx, t.pg, id)
	if err != nil {
		return err
	}
	if mr.Status != store.MapRunRunning {
		return validationf("Map Run %s is %s; only a RUNNING Map Run can be updated", mr.ARN, mr.Status)
	}
	l, err := t.loadRun(mr.RunID)
	if err != nil {
		return err
	}
	var f fork
	if l.run.Fork == nil || json.Unmarshal([]byte(*l.run.Fork), &f) != nil || f.MapRun != mr.ID {
		return validationf("Map Run %s is no longer running", mr.ARN)
	}
	if u.MaxConcurrency != nil {
		mr.MaxConcurrency, f.Concurrency = int32(*u.MaxConcurrency), *u.MaxConcurrency
		if f.Concurrency == 0 {
			f.Concurrency = defaultDistributedConcurrency
		}
	}
	if u.ToleratedFailureCount != nil {
		mr.ToleratedFailureCount, f.Count, f.CountSet = *u.ToleratedFailureCount, *u.ToleratedFailureCount, true
	}
	if u.ToleratedFailurePercentage != nil {
		mr.ToleratedFailurePercentage, f.Percentage, f.PercentageSet = float32(*u.ToleratedFailurePercentage), *u.ToleratedFailurePercentage, true
	}
	if err := store.UpdateMapRunSettings(t.ctx, t.pg, mr); err != nil {
		return err
	}
	t.touch(l)
	return t.moveMapRunOn(l, &f, mr)
}

// MapRunARNOf returns the ARN of the Map run that started exec; nil for
// an execution no Map run started.
func (e *Engine) MapRunARNOf(ctx context.Context, exec *store.Execution) (*string, error) {
	if exec.MapRunID == nil {
		return nil, nil
	}
	mr, err := store.GetMapRun(ctx, e.pool, *exec.MapRunID)
	if err != nil {
		return nil, err
	}
	return &mr.ARN, nil
}
