package engine

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store"
)

// Stats are the database-wide numbers the metrics endpoint reports.
type Stats struct {
	// ExecutionsByStatus counts the executions in each status.
	ExecutionsByStatus map[string]int64
	// ExecutionsInserted and EventsInserted are the rows inserted into the
	// executions and history tables since PostgreSQL's statistics were
	// reset, by every process: executions started and history events
	// written. They lag commits by up to about
	// ten seconds (PostgreSQL flushes its statistics lazily).
	ExecutionsInserted int64
	EventsInserted     int64
	// Queues counts the unfinished River jobs by queue and state.
	Queues []store.QueueDepth
}

// Stats reads the database-wide numbers, in three cheap queries.
func (e *Engine) Stats(ctx context.Context) (*Stats, error) {
	var s Stats
	var err error
	if s.ExecutionsByStatus, err = store.CountExecutionsByStatus(ctx, e.pool); err != nil {
		return nil, err
	}
	if s.ExecutionsInserted, s.EventsInserted, err = store.TableInserts(ctx, e.pool); err != nil {
		return nil, err
	}
	if s.Queues, err = store.RiverQueueDepth(ctx, e.pool); err != nil {
		return nil, err
	}
	return &s, nil
}

// FinishedTasks returns up to limit Task jobs, by any worker, that
// completed after after and at least lag ago, oldest first.
func (e *Engine) FinishedTasks(ctx context.Context, after time.Time, lag time.Duration, limit int) ([]store.FinishedTask, error) {
	return store.FinishedTaskJobs(ctx, e.pool, after, lag, limit)
}

// Ping checks that the database answers.
func (e *Engine) Ping(ctx context.Context) error { return e.pool.Ping(ctx) }
