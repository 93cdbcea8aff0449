package engine

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// drive works a drive job: it moves its run on if the run is still at the
// job's sequence number, in one transaction that completes the job.
func (e *Engine) drive(ctx context.Context, job *river.Job[driveArgs]) error {
	a := job.Args
	return e.completions.submit(ctx, &work{execution: a.ExecutionID, run: a.RunID, job: job.ID, apply: func(t *change) error {
		if a.Reason == reasonExecTimeout {
			return t.executionTimedOut(a.Seq)
		}
		if t.exec.Status != store.StatusRunning {
			return errStale
		}
		l, err := t.loadRun(a.RunID)
		if err != nil {
			return err
		}
		if l.run.Seq != a.Seq {
			return errStale
		}
		return t.resume(l, a)
	}})
}

func (t *change) resume(l *live, a driveArgs) error {
	switch a.Reason {
	case reasonStart:
		return t.startChild(l)
	}
	if l.run.Status != store.RunRunning {
		return errStale
	}
	switch a.Reason {
	case reasonRetry:
		t.touch(l)
		return t.advance(l, t.enter(l))
	case reasonTimer:
		return t.timerFired(l)
	case reasonTaskTimeout:
		if err := t.cancelTask(l); err != nil {
			return err
		}
		return t.taskDone(l, nil, asl.NewError(asl.ErrorTimeout, "The task did not finish within %s.", t.now.Sub(*l.run.StateEnteredAt).Round(time.Second)))
	case reasonHeartbeat:
		return t.checkHeartbeat(l, a.Seconds)
	}
	return errStale
}

// checkHeartbeat fails a task whose last heartbeat is too old, or checks
// again when the next one is due.
func (t *change) checkHeartbeat(l *live, seconds int64) error {
	last := *l.run.StateEnteredAt
	if l.run.HeartbeatAt != nil {
		last = *l.run.HeartbeatAt
	}
	due := last.Add(time.Duration(seconds) * time.Second)
	if t.now.Before(due) {
		t.scheduleHeartbeat(l, seconds, last)
		return nil
	}
	if err := t.cancelTask(l); err != nil {
		return err
	}
	return t.taskDone(l, nil, asl.NewError(asl.ErrorHeartbeatTimeout, "No heartbeat for %d seconds.", seconds))
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

// cancelTasksOf cancels the tasks of runs, local (their leases) or River
// jobs (their contexts end if they are running).
func (t *change) cancelTasksOf(runs []int64) error {
	if len(runs) == 0 {
		return nil
	}
	if err := store.DeleteRunLeases(t.ctx, t.pg, runs); err != nil {
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

// executionTimedOut ends an execution that ran past its TimeoutSeconds;
// redrive is the redrive count the timeout was scheduled for.
func (t *change) executionTimedOut(redrive int64) error {
	if t.exec.Status != store.StatusRunning || int64(t.exec.RedriveCount) != redrive {
		return errStale
	}
	failure := asl.NewError(asl.ErrorTimeout, "The execution timed out.")
	return t.stopExecution(store.StatusTimedOut, "ExecutionTimedOut", failure)
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
	now := t.now
	t.exec.Status, t.exec.StoppedAt, t.ended = status, &now, true
	t.exec.Error, t.exec.Cause = &failure.Name, &failure.Cause
	t.emit(event, "", map[string]any{"error": failure.Name, "cause": failure.Cause})
	return nil
}
