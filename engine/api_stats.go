package engine

import (
	"context"

	"github.com/stepwise-run/stepwise/store"
)

// Stats are the database-wide numbers the metrics endpoint reports.
type Stats struct {
	// ExecutionsByStatus counts the executions in each status.
	ExecutionsByStatus map[string]int64
	// Queues counts the unfinished River jobs by queue and state.
	Queues []store.QueueDepth
}

// Stats reads the database-wide numbers, in two cheap queries.
func (e *Engine) Stats(ctx context.Context) (*Stats, error) {
	var s Stats
	var err error
	if s.ExecutionsByStatus, err = store.CountExecutionsByStatus(ctx, e.pool); err != nil {
		return nil, err
	}
	if s.Queues, err = store.RiverQueueDepth(ctx, e.pool); err != nil {
		return nil, err
	}
	return &s, nil
}

// Ping checks that the database answers.
func (e *Engine) Ping(ctx context.Context) error { return e.pool.Ping(ctx) }
