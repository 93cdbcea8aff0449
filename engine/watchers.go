package engine

import (
	"context"

	"github.com/stepwise-run/stepwise/store"
)

// Watching an execution move without polling, as waiting for its end
// does (waiters.go): a caller registers with this process's watchers,
// then marks the execution watched in the database (store.MarkWatched).
// From then on every transaction that adds events to it or changes its
// status, in any process, sends NOTIFY on store.ProgressChannel; the
// process that commits it also wakes its own watchers directly. The mark
// stays for the execution's life (another process may still watch), so
// an execution once watched notifies on each commit; one never watched
// costs nothing.

// Watch watches execution arn: changed receives after every commit that
// adds events to it or changes its status once Watch has returned, in
// this process or another, and also when notifications may have been
// missed (the LISTEN connection was lost). Wakes do not queue: one
// pending wake stands for any number of commits, so a caller reads what
// it shows (Progress, History) after each, and once after Watch returns.
// stop ends the watch; call it when done.
func (e *Engine) Watch(ctx context.Context, arn string) (changed <-chan struct{}, stop func(), err error) {
	if err := e.listening(ctx); err != nil {
		return nil, nil, err
	}
	exec, err := e.Execution(ctx, arn)
	if err != nil {
		return nil, nil, err
	}
	wake, remove := e.watchers.add(exec.ID)
	// Mark after registering: a commit that the mark waited for, or that
	// came before it, is seen by the caller's read after Watch returns;
	// every later one finds the execution watched and wakes the caller.
	if !exec.Watched {
		if _, _, err := store.MarkWatched(ctx, e.pool, exec.ID); err != nil {
			remove()
			return nil, nil, err
		}
	}
	return wake, remove, nil
}

// AwaitProgress waits until execution arn has events after event id
// after or is no longer RUNNING, and returns its last event id and status
// then; when ctx ends first, it returns them as they stand with ctx's
// error. It watches the execution (Watch) only when it has to wait.
func (e *Engine) AwaitProgress(ctx context.Context, arn string, after int64) (lastEventID int64, status string, err error) {
	exec, err := e.Execution(ctx, arn)
	if err != nil {
		return 0, "", err
	}
	if exec.LastEventID > after || exec.Status != store.StatusRunning {
		return exec.LastEventID, exec.Status, nil
	}
	changed, stop, err := e.Watch(ctx, arn)
	if err != nil {
		return exec.LastEventID, exec.Status, err
	}
	defer stop()
	for {
		lastEventID, status, err = e.Progress(ctx, exec.ID)
		if err != nil || lastEventID > after || status != store.StatusRunning {
			return lastEventID, status, err
		}
		select {
		case <-ctx.Done():
			return lastEventID, status, ctx.Err()
		case <-changed:
		}
	}
}
