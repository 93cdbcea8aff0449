package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/store"
)

// Execution finds an execution by ARN.
func (e *Engine) Execution(ctx context.Context, arn string) (*store.Execution, error) {
	exec, err := store.GetExecutionByARN(ctx, e.pool, arn)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrExecutionDoesNotExist, arn)
	}
	return exec, err
}

// Wait polls until the execution is no longer RUNNING or ctx ends.
func (e *Engine) Wait(ctx context.Context, arn string) (*store.Execution, error) {
	for {
		exec, err := e.Execution(ctx, arn)
		if err != nil || exec.Status != store.StatusRunning {
			return exec, err
		}
		select {
		case <-ctx.Done():
			return exec, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// History returns up to limit events after event id after (before it,
// newest first, when reverse).
func (e *Engine) History(ctx context.Context, executionID, after int64, limit int, reverse bool) ([]*store.Event, error) {
	return store.ListEvents(ctx, e.pool, executionID, after, limit, reverse)
}
