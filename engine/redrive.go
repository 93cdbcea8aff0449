package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// RedriveExecution restarts a FAILED, TIMED_OUT or ABORTED execution from
// the states that did not finish, keeping what succeeded: Parallel
// branches and Map iterations that succeeded are not run again.
func (e *Engine) RedriveExecution(ctx context.Context, arn string) (*store.Execution, error) {
	exec, err := e.Execution(ctx, arn)
	if err != nil {
		return nil, err
	}
	if err := e.awaitMapChildrenStopped(ctx, exec.ID); err != nil {
		return nil, err
	}
	err = e.inExecution(ctx, exec.ID, nil, func(t *change) error {
		switch t.exec.Status {
		case store.StatusFailed, store.StatusTimedOut, store.StatusAborted:
		default:
			return fmt.Errorf("%w: %s is %s", ErrExecutionNotRedrivable, arn, t.exec.Status)
		}
		if err := e.checkRedriveWindow(t.exec); err != nil {
			return err
		}
		if t.exec.MapRunID != nil {
			return fmt.Errorf("%w: %s is a child execution of a Map run; redrive its parent execution, which redrives the Map run", ErrExecutionNotRedrivable, arn)
		}
		if t.exec.LastEventID+2 > int64(t.e.cfg.MaxHistoryEvents) {
			// AWS: a redrive needs room for ExecutionRedriven and one more event
			return fmt.Errorf("%w: %s has %d events in its history; a redrive needs fewer than %d", ErrExecutionNotRedrivable, arn,
				t.exec.LastEventID, t.e.cfg.MaxHistoryEvents-1)
		}
		return t.redrive()
	})
	if err != nil {
		return nil, err
	}
	return store.GetExecution(ctx, e.pool, exec.ID)
}

func (t *change) redrive() error {
	top, err := store.TopRun(t.ctx, t.pg, t.exec.ID)
	if err != nil {
		return err
	}
	t.exec.RedriveCount++
	t.exec.Status = store.StatusRunning
	t.exec.Output, t.exec.Error, t.exec.Cause, t.exec.StoppedAt = nil, nil, nil, nil
	if err := store.RedriveExecution(t.ctx, t.pg, t.exec.ID, t.exec.LastEventID); err != nil {
		return err
	}
	t.emit(history.ExecutionRedriven, "", map[string]any{"redriveCount": t.exec.RedriveCount})
	if t.top.TimeoutSeconds > 0 {
		t.scheduleDrive(driveArgs{Seq: int64(t.exec.RedriveCount), Reason: reasonExecTimeout}, t.now.Add(secondsOf(t.top.TimeoutSeconds)))
	}
	return t.redriveRun(top.ID)
}

// redriveRun restarts run id at the state where it stopped: a fork state
// restarts its unfinished children, any other state is entered again.
func (t *change) redriveRun(id int64) error {
	l, err := t.loadRun(id)
	if err != nil {
		return err
	}
	t.touch(l)
	l.run.Status = store.RunRunning
	l.run.Error, l.run.Cause, l.run.Output = nil, nil, nil
	l.run.Retries = nil
	if l.run.Fork == nil {
		t.schedule(l, reasonRetry, t.now)
		t.save(l)
		return nil
	}
	var f fork
	if err := json.Unmarshal([]byte(*l.run.Fork), &f); err != nil {
		return err
	}
	if f.MapRun != 0 {
		return t.redriveMapRun(l, &f)
	}
	reset, err := store.ResetChildren(t.ctx, t.pg, l.run.ID)
	if err != nil {
		return err
	}
	f.Done, f.Failed = f.Total-len(reset), 0
	f.Started, f.Next = f.Done, 0
	t.startPending(l, &f)
	t.saveFork(l, &f)
	return nil
}

// redriveMapRun restarts a Map run that did not succeed: its children
// that failed, timed out or were aborted are redriven (as concurrency
// allows, in item order), the items not read yet are read on, and the
// children that succeeded keep their results.
func (t *change) redriveMapRun(l *live, f *fork) error {
	mr, err := store.GetMapRun(t.ctx, t.pg, f.MapRun)
	if err != nil {
		return err
	}
	if err := store.RedriveMapRun(t.ctx, t.pg, mr.ID, t.now); err != nil {
		return err
	}
	mr.Status, mr.RedriveCount = store.MapRunRunning, mr.RedriveCount+1
	if err := store.CountMapChildEnds(t.ctx, t.pg, mr.ID); err != nil {
		return err
	}
	counts, err := store.MapRunChildCounts(t.ctx, t.pg, mr.ID)
	if err != nil {
		return err
	}
	if counts[store.StatusRunning] > 0 {
		return fmt.Errorf("%w: %d child executions of the Map run %s are still stopping; redrive again in a moment",
			ErrExecutionNotRedrivable, counts[store.StatusRunning], mr.ARN)
	}
	succeeded := int(counts[store.StatusSucceeded])
	f.Started, f.Done, f.Failed = succeeded, succeeded, 0
	f.Redriving, f.RedriveNext = true, 0
	t.runEvent(l, history.MapRunRedriven, map[string]any{"mapRunArn": mr.ARN, "redriveCount": mr.RedriveCount})
	return t.moveMapRunOn(l, f, mr)
}

// redriveChildren queues the redrive of up to n of a redriven Map run's
// children that did not succeed, and returns how many.
func (t *change) redriveChildren(f *fork, mr *store.MapRun, n int) (int, error) {
	children, err := store.MapRunChildrenToRedrive(t.ctx, t.pg, mr.ID, f.RedriveNext, n)
	if err != nil {
		return 0, err
	}
	for _, c := range children {
		t.jobs = append(t.jobs, driveJob(driveArgs{ExecutionID: c.ID, Reason: reasonRedrive}))
		f.RedriveNext = int(c.MapIndex) + 1
	}
	f.Started += len(children)
	f.Redriving = len(children) == n
	return len(children), nil
}

// redriveChild redrives this execution, a Map run's child that did not
// succeed, as its redriven Map run asks.
func (t *change) redriveChild() error {
	switch t.exec.Status {
	case store.StatusFailed, store.StatusTimedOut, store.StatusAborted:
	default:
		return errStale
	}
	if x, err := arn.ParseExecution(t.exec.ARN); err != nil || !x.Express {
		return t.redrive()
	}
	// an Express child runs again from its start, in memory
	t.exec.RedriveCount++
	t.exec.Status = store.StatusRunning
	t.exec.Output, t.exec.Error, t.exec.Cause, t.exec.StoppedAt = nil, nil, nil, nil
	if err := store.RedriveExecution(t.ctx, t.pg, t.exec.ID, t.exec.LastEventID); err != nil {
		return err
	}
	t.jobs = append(t.jobs, mapExpressJob(t.exec.ID))
	return nil
}

// mapChildrenStopWait bounds how long a redrive waits for the children of
// a failed Map run to stop: their stops are drive jobs, done within
// moments.
const mapChildrenStopWait = 10 * time.Second

// awaitMapChildrenStopped waits until no child execution of execution
// id's Map runs is RUNNING, checking every 50 ms; a redrive counts on
// every child having ended. It gives up after mapChildrenStopWait, and
// the redrive then refuses.
func (e *Engine) awaitMapChildrenStopped(ctx context.Context, id int64) error {
	deadline := time.Now().Add(mapChildrenStopWait)
	for {
		n, err := store.CountRunningMapChildren(ctx, e.pool, id)
		if err != nil || n == 0 || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
