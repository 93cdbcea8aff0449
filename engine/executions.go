package engine

import (
	"context"
	"errors"
	"fmt"

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

// History returns up to limit events after event id after (before it,
// newest first, when reverse).
func (e *Engine) History(ctx context.Context, executionID, after int64, limit int, reverse bool) ([]*store.Event, error) {
	return store.ListEvents(ctx, e.pool, executionID, after, limit, reverse)
}
