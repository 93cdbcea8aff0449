package engine

import (
	"context"
	"fmt"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// StopExecution aborts a running execution and cancels its running tasks.
// An error or cause over AWS's limits is ErrValidation (see checkFailure).
func (e *Engine) StopExecution(ctx context.Context, arn, errName, cause string) (*store.Execution, error) {
	if err := checkFailure(errName, cause); err != nil {
		return nil, err
	}
	exec, err := e.Execution(ctx, arn)
	if err != nil {
		return nil, err
	}
	err = e.inExecution(ctx, exec.ID, nil, func(t *change) error {
		if t.exec.Status != store.StatusRunning {
			return fmt.Errorf("%w: %s is %s", ErrExecutionNotRunning, arn, t.exec.Status)
		}
		return t.stopExecution(store.StatusAborted, history.ExecutionAborted, &asl.Error{Name: errName, Cause: cause})
	})
	if err != nil {
		return nil, err
	}
	return store.GetExecution(ctx, e.pool, exec.ID)
}

// stopExecution aborts every run of the execution and ends it.
func (t *change) stopExecution(status, event string, failure *asl.Error) error {
	runs, err := store.ExecutionRuns(t.ctx, t.pg, t.exec.ID)
	if err != nil {
		return err
	}
	var ids []int64
	for _, r := range runs {
		if r.Status != store.RunPending && r.Status != store.RunRunning {
			continue
		}
		ids = append(ids, r.ID)
	}
	if err := t.cancelTasksOf(ids); err != nil {
		return err
	}
	if err := store.AbortRuns(t.ctx, t.pg, ids); err != nil {
		return err
	}
	t.forget(ids)
	now := t.now
	t.exec.Status, t.exec.StoppedAt, t.ended = status, &now, true
	t.notifyParent()
	t.exec.Error, t.exec.Cause = &failure.Name, &failure.Cause
	t.emit(event, "", map[string]any{"error": failure.Name, "cause": failure.Cause})
	return nil
}

// executionTimedOut ends an execution that ran past its TimeoutSeconds;
// redrive is the redrive count the timeout was scheduled for.
func (t *change) executionTimedOut(redrive int64) error {
	if t.exec.Status != store.StatusRunning || int64(t.exec.RedriveCount) != redrive {
		return errStale
	}
	failure := asl.NewError(asl.ErrorTimeout, "The execution timed out.")
	return t.stopExecution(store.StatusTimedOut, history.ExecutionTimedOut, failure)
}

// cancelTask cancels the task job of run l, if any, and closes its token.
func (t *change) cancelTask(l *live) error {
	if l.run.TaskToken != nil {
		if err := store.CloseTaskToken(t.ctx, t.pg, *l.run.TaskToken); err != nil {
			return err
		}
		if err := store.DeleteActivityTask(t.ctx, t.pg, *l.run.TaskToken); err != nil {
			return err
		}
	}
	return t.cancelTasksOf([]int64{l.run.ID})
}

// cancelTasksOf cancels the tasks of runs: local ones once the change
// commits (in another process, at its next lease renewal, see
// task_lease.go), River jobs (their contexts end if they are running).
func (t *change) cancelTasksOf(runs []int64) error {
	if len(runs) == 0 {
		return nil
	}
	if err := t.stopNestedOf(runs); err != nil {
		return err
	}
	if err := store.AbortMapRunsOf(t.ctx, t.pg, runs, t.now); err != nil {
		return err
	}
	t.cancelRuns = append(t.cancelRuns, runs...)
	for _, id := range runs {
		jobs, err := store.TaskJobsOfRun(t.ctx, t.pg, id)
		if err != nil {
			return err
		}
		t.cancels = append(t.cancels, jobs...)
	}
	return nil
}

// abortBelow aborts every pending or running run below run id and cancels
// their running tasks.
func (t *change) abortBelow(id int64) error {
	ids, err := store.ActiveDescendants(t.ctx, t.pg, id)
	if err != nil {
		return err
	}
	if err := t.cancelTasksOf(ids); err != nil {
		return err
	}
	t.forget(ids)
	return store.AbortRuns(t.ctx, t.pg, ids)
}
