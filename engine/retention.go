package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/stepwise-run/stepwise/store"
)

// Retention of closed executions. AWS keeps a closed Standard execution
// for 90 days and lets it be redriven for 14 of them; Stepwise does the
// same by default. A periodic River job on the engine queue (one engine,
// River's leader, inserts it; it is unique while it waits or runs) deletes
// the executions past their retention in short transactions of at most
// retentionBatch executions, each holding an advisory lock that makes any
// other engine's sweep stop at once: one engine deletes at a time.
//
// An execution goes with everything that references it, through the
// foreign keys and the events trigger: its runs (variables, task
// leases), history events, task tokens, activity tasks and Map runs. The
// child executions of a Map run are never judged on their own: they go
// with their parent, deleted first in batches of their own, so a Map run
// with more children than a batch never makes one long transaction. Log
// records keep their own retention (Config.LogRetention), as CloudWatch
// Logs keeps a state machine's logs apart from its executions.

const (
	// DefaultRetentionPeriod is how long closed executions are kept
	// unless Config.RetentionPeriod or the machine says otherwise: 90
	// days, as AWS keeps them.
	DefaultRetentionPeriod = 90 * 24 * time.Hour
	// RedriveWindow is how long after it closes an execution may be
	// redriven: 14 days, as AWS allows.
	RedriveWindow = 14 * 24 * time.Hour
	// retentionBatch is how many executions one sweep transaction
	// deletes at most.
	retentionBatch = 500
	// sweepBudget is how long one run of the sweep job deletes before it
	// hands over to the next run (snoozed to run again at once).
	sweepBudget = 20 * time.Second
)

// retentionArgs is the periodic job that deletes closed executions past
// their retention.
type retentionArgs struct{}

// Kind names the job kind in River.
func (retentionArgs) Kind() string { return "stepwise_retention" }

// InsertOpts puts the sweep on the engine queue, one at a time: a sweep
// waiting or running makes the periodic insert a no-op.
func (retentionArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: engineQueue, MaxAttempts: 5, UniqueOpts: river.UniqueOpts{ByQueue: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled}}}
}

type retentionWorker struct {
	river.WorkerDefaults[retentionArgs]
	e *Engine
}

// Work sweeps for up to sweepBudget (a quarter of RescueStuckJobsAfter
// when that is shorter), and runs again at once when there is more to
// delete.
func (w *retentionWorker) Work(ctx context.Context, _ *river.Job[retentionArgs]) error {
	budget := min(sweepBudget, w.e.cfg.RescueStuckJobsAfter/4)
	_, more, err := w.e.sweep(ctx, time.Now().Add(budget))
	if err == nil && more {
		return river.JobSnooze(0)
	}
	return err
}

// Timeout leaves a sweep half of RescueStuckJobsAfter: twice its budget,
// and less than the time after which River would hand it to another
// engine.
func (w *retentionWorker) Timeout(*river.Job[retentionArgs]) time.Duration {
	return w.e.cfg.RescueStuckJobsAfter / 2
}

// retentionJob is the periodic sweep of an engine that drives executions,
// every Config.RetentionSweepInterval. It runs even when the
// installation keeps executions for ever, since a machine may set a
// retention of its own; a sweep with nothing to delete is two small
// queries.
func (e *Engine) retentionJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(e.cfg.RetentionSweepInterval),
		func() (river.JobArgs, *river.InsertOpts) { return retentionArgs{}, nil },
		&river.PeriodicJobOpts{ID: "stepwise_retention"})
}

// SweepExecutions deletes every closed execution past its retention (its
// machine's, else Config.RetentionPeriod), with everything that belongs
// to it, in transactions of at most 500 executions, and returns how many
// executions it deleted (child executions of Map runs included). When
// another engine is sweeping it returns at once, having deleted nothing
// or what it deleted before the other began. The periodic job calls it;
// tests and tools may too.
func (e *Engine) SweepExecutions(ctx context.Context) (int64, error) {
	n, _, err := e.sweep(ctx, time.Time{})
	return n, err
}

// sweep is SweepExecutions that stops between transactions once the
// clock passes deadline (zero: never), reporting whether more may remain.
func (e *Engine) sweep(ctx context.Context, deadline time.Time) (deleted int64, more bool, err error) {
	began := time.Now()
	defer func() {
		if o := e.cfg.Observer; o != nil {
			o.RetentionSwept(deleted, time.Since(began))
		}
	}()
	def := e.cfg.RetentionPeriod
	shortest, err := store.ShortestRetention(ctx, e.pool)
	if err != nil {
		return 0, false, err
	}
	if def > 0 && (shortest == 0 || def < shortest) {
		shortest = def
	}
	if shortest <= 0 {
		return 0, false, nil // every machine keeps its executions for ever
	}
	q := store.ExpiredQuery{Now: e.now(), Default: def, Shortest: shortest, Limit: retentionBatch}
	for {
		if !deadline.IsZero() && time.Now().After(deadline) {
			return deleted, true, nil
		}
		b, err := e.sweepBatch(ctx, &q)
		deleted += b.deleted
		if err != nil || b.done {
			return deleted, false, err
		}
	}
}

// batch is what one sweep transaction did.
type batch struct {
	deleted int64
	done    bool // nothing more to delete, or another engine is deleting
}

// sweepBatch deletes, in one transaction, up to retentionBatch of the
// expired executions after q.After, or up to retentionBatch of their Map
// runs' children when they have more (the executions then wait for the
// next transaction, and q stays where it was).
func (e *Engine) sweepBatch(ctx context.Context, q *store.ExpiredQuery) (batch, error) {
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		return batch{}, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	locked, err := store.TryRetentionLock(ctx, tx)
	if err != nil || !locked {
		return batch{done: true}, err
	}
	expired, err := store.ExpiredExecutions(ctx, tx, *q)
	if err != nil || len(expired) == 0 {
		return batch{done: true}, err
	}
	ids := make([]int64, len(expired))
	for i, x := range expired {
		ids[i] = x.ID
	}
	children, err := store.DeleteMapChildren(ctx, tx, ids, retentionBatch)
	if err != nil {
		return batch{}, err
	}
	b := batch{deleted: children}
	if children < retentionBatch {
		n, err := store.DeleteExecutions(ctx, tx, ids)
		if err != nil {
			return batch{}, err
		}
		b.deleted += n
		b.done = len(expired) < q.Limit
	}
	if err := tx.Commit(ctx); err != nil {
		return batch{}, err
	}
	if children < retentionBatch {
		q.After = expired[len(expired)-1]
	}
	return b, nil
}

// RedrivePeriodExceeded is AWS's reason (DescribeExecution's
// redriveStatusReason) for an execution that closed too long ago.
const RedrivePeriodExceeded = "Execution redrivable period exceeded."

// RedriveExpired reports whether exec closed more than RedriveWindow ago,
// so that it can no longer be redriven whatever its status.
func (e *Engine) RedriveExpired(exec *store.Execution) bool {
	return exec.StoppedAt != nil && e.now().Sub(*exec.StoppedAt) > RedriveWindow
}

// checkRedriveWindow refuses, with ErrExecutionNotRedrivable, to redrive
// an execution that closed more than RedriveWindow ago, as AWS does.
func (e *Engine) checkRedriveWindow(exec *store.Execution) error {
	if e.RedriveExpired(exec) {
		return fmt.Errorf("%w: %s: %s It closed more than 14 days ago.", ErrExecutionNotRedrivable, exec.ARN, RedrivePeriodExceeded)
	}
	return nil
}

// retentionSeconds is the stored retention_seconds of a machine whose
// MachineSpec.Retention is d: nil (the installation's) for 0, -1 (for
// ever) for a negative d, else whole seconds, at least one.
func retentionSeconds(d time.Duration) *int64 {
	if d == 0 {
		return nil
	}
	s := int64(d / time.Second)
	if d < 0 {
		s = -1
	} else if s == 0 {
		s = 1
	}
	return &s
}

// setRetention stores a MachineSpec's Retention on machine sm (nil: leave
// it) and sets sm's field to match.
func setRetention(ctx context.Context, tx pgx.Tx, sm *store.StateMachine, d *time.Duration) error {
	if d == nil {
		return nil
	}
	sm.RetentionSeconds = retentionSeconds(*d)
	return store.SetMachineRetention(ctx, tx, sm.ID, sm.RetentionSeconds)
}

// RetentionOf is how long a machine's closed executions are kept: its own
// retention, else Config.RetentionPeriod; negative means for ever.
func (e *Engine) RetentionOf(sm *store.StateMachine) time.Duration {
	if sm.RetentionSeconds == nil {
		return e.cfg.RetentionPeriod
	}
	return time.Duration(*sm.RetentionSeconds) * time.Second
}
