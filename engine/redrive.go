package engine

import (
	"context"
	"encoding/json"
	"fmt"

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
	err = e.inExecution(ctx, exec.ID, nil, func(t *change) error {
		switch t.exec.Status {
		case store.StatusFailed, store.StatusTimedOut, store.StatusAborted:
		default:
			return fmt.Errorf("%w: %s is %s", ErrExecutionNotRedrivable, arn, t.exec.Status)
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
