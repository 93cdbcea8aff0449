package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// Every change to an execution is committed here, one way: commit applies
// the change (its steps collect events, runs, jobs and cancellations in a
// change), flushes what it collected, finishes the transaction (completing
// the job that asked for it) and then hands what it started to this
// process (committed). Single jobs, batches of jobs and new executions
// all take that path.

// change is one transaction's change to one locked execution. It collects
// the events and jobs its steps produce, written when it is committed.
// Several changes, on different executions, may share one transaction.
type change struct {
	e       *Engine
	ctx     context.Context
	pg      *pipeline
	exec    *store.Execution
	top     *asl.StateMachine
	now     time.Time
	events  []store.Event
	jobs    []river.InsertManyParams
	cancels []int64
	rand    *rand.Rand
	ended   bool   // the execution stopped in this transaction
	full    bool   // an event did not fit in the history (history_limit.go)
	input   any    // the execution input, decoded on first use
	machine string // the state machine's name, read on first use
	timers  []timer
	tasks   []*completion // task results recorded, for the Observer
	locals  []localTask   // tasks this process runs, under leases
	// cancelRuns are runs whose tasks this transaction cancelled, for
	// the local ones to be cancelled once it commits.
	cancelRuns []int64
	// loaded holds runs read ahead (with the execution's lock), by id.
	loaded map[int64]*store.Run
	// forks are the runs waiting on children that this change moved, by
	// id, and claims those that may begin more children when the change
	// settles (children.go).
	forks  map[int64]*forked
	claims []int64
	// childInputs are the state inputs of the children created in this
	// change, by run id, as values: a child begun in the change needs
	// not decode its input's JSON text.
	childInputs map[int64]any
	// begun counts the children the change began, and later lists the
	// runs with more to begin in another transaction.
	begun int
	later []int64
}

// errStale ends a change that found its job or callback out of date; the
// transaction still commits (completing the job).
var errStale = errors.New("stale")

// completer completes, in the transaction that commits a change, the work
// that asked for it (River jobs, local task leases); nil completes nothing.
type completer func(context.Context, *pipeline) error

// newChange is the one constructor of a change: to execution exec, whose
// state machine is top, in pg's transaction, at time now.
func (e *Engine) newChange(ctx context.Context, pg *pipeline, exec *store.Execution, top *asl.StateMachine, now time.Time) *change {
	return &change{e: e, ctx: ctx, pg: pg, exec: exec, top: top, now: now, rand: e.rand.derive()}
}

// lockedChange begins a change to exec, which pg's transaction has locked.
func (e *Engine) lockedChange(ctx context.Context, pg *pipeline, exec *store.Execution) (*change, error) {
	now := e.now()
	top, err := e.machine(ctx, pg, exec.StateMachineID, exec.Version)
	if err != nil {
		return nil, err
	}
	if exec.MachinePath != nil {
		// a Map run's child runs the Map's item processor
		if top, err = e.machines.sub(top, *exec.MachinePath); err != nil {
			return nil, err
		}
	}
	return e.newChange(ctx, pg, exec, top, now), nil
}

// commit is the one commit path: apply makes the changes, they settle
// (begin the children their forks have room for), then what they
// collected is flushed, complete runs and the transaction commits, and
// finally this process takes up what the changes started.
func (e *Engine) commit(ctx context.Context, pg *pipeline, apply func() ([]*change, error), complete completer) error {
	begin := time.Now()
	changes, err := apply()
	if err != nil {
		return err
	}
	for _, t := range changes {
		if err := t.settle(); err != nil {
			return err
		}
		// after settle, whose children may have added events
		if err := t.historyFull(); err != nil {
			return err
		}
	}
	leased, err := e.flush(ctx, pg, changes)
	if err != nil {
		return err
	}
	if err := finish(ctx, pg, complete); err != nil {
		return err
	}
	e.admission.committed(begin, time.Now())
	e.local.hold(leased) // before any of its tasks can end
	for _, t := range changes {
		e.committed(t)
	}
	return nil
}

// do applies fn to the change; a stale fn is no error, and its change
// still commits.
func (t *change) do(fn func(*change) error) error {
	if err := fn(t); err != nil && !errors.Is(err, errStale) {
		return err
	}
	return nil
}

// inExecution commits fn's change to an execution, in a transaction
// holding the execution's lock; complete, when set, completes the River
// job that asked for the change in the same transaction.
func (e *Engine) inExecution(ctx context.Context, executionID int64, complete completer, fn func(*change) error) error {
	return e.inExecutionRun(ctx, executionID, 0, complete, fn)
}

// inExecutionRun is inExecution that also reads run runID, and its
// parent, in the round trip that takes the lock.
func (e *Engine) inExecutionRun(ctx context.Context, executionID, runID int64, complete completer, fn func(*change) error) error {
	pg := e.newPipeline()
	defer pg.rollback(ctx)
	var runIDs []int64
	if runID != 0 {
		runIDs = []int64{runID}
	}
	execs, runs, err := store.LockExecutionsWithRuns(ctx, pg, []int64{executionID}, runIDs)
	if err != nil {
		return err
	}
	if len(execs) == 0 {
		return finish(ctx, pg, complete)
	}
	return e.commit(ctx, pg, func() ([]*change, error) {
		t, err := e.lockedChange(ctx, pg, execs[0])
		if err != nil {
			return nil, err
		}
		for _, r := range runs {
			if r.ExecutionID == executionID {
				t.preload(r)
			}
		}
		return []*change{t}, t.do(fn)
	}, complete)
}

// finish completes the work with complete, if set, and commits.
func finish(ctx context.Context, pg *pipeline, complete completer) error {
	if complete != nil {
		if err := complete(ctx, pg); err != nil {
			return err
		}
	}
	return pg.commit(ctx)
}

// flush writes what changes on different executions, sharing one
// transaction, collected: their writes go out in one batch and their jobs
// in one insert, followed by their job cancellations.
func (e *Engine) flush(ctx context.Context, pg *pipeline, changes []*change) (leased heldBatch, err error) {
	var jobs []river.InsertManyParams
	var events []store.Event
	var execs []*store.Execution
	var notify, progress []int64
	for _, t := range changes {
		if t.ended && t.exec.Waited {
			notify = append(notify, t.exec.ID)
		}
		if t.watched() {
			progress = append(progress, t.exec.ID)
		}
		events = append(events, t.events...)
		if (t.ended || len(t.events) > 0) && !pg.creating(t.exec.ID) {
			execs = append(execs, t.exec)
		}
		jobs = append(jobs, t.jobs...)
	}
	if err := store.InsertEventsBatch(ctx, pg, events); err != nil {
		return leased, fmt.Errorf("insert events: %w", err)
	}
	if err := store.UpdateExecutionsBatch(ctx, pg, execs); err != nil {
		return leased, fmt.Errorf("update executions: %w", err)
	}
	if leased, err = e.writeLeases(ctx, pg, changes); err != nil {
		return leased, err
	}
	if err := e.notify(ctx, pg, notify, progress); err != nil {
		return leased, err
	}
	if len(jobs) == 0 && !cancelling(changes) {
		return leased, nil // the writes go with the commit's round trip
	}
	return leased, e.insertJobs(ctx, pg, changes, jobs)
}

// notify tells the listeners of the executions that ended and of those
// whose watchers have news.
func (e *Engine) notify(ctx context.Context, pg *pipeline, ended, progress []int64) error {
	if len(ended) > 0 {
		if err := store.NotifyEnded(ctx, pg, ended, e.owner); err != nil {
			return fmt.Errorf("notify ended: %w", err)
		}
	}
	if len(progress) > 0 {
		if err := store.NotifyProgress(ctx, pg, progress, e.owner); err != nil {
			return fmt.Errorf("notify progress: %w", err)
		}
	}
	return nil
}

// insertJobs inserts the changes' River jobs and cancels those they
// cancelled.
func (e *Engine) insertJobs(ctx context.Context, pg *pipeline, changes []*change, jobs []river.InsertManyParams) error {
	raw, err := pg.raw(ctx)
	if err != nil {
		return err
	}
	if len(jobs) > 0 {
		res, err := e.river.InsertManyTx(ctx, raw, jobs)
		if err != nil {
			return fmt.Errorf("insert jobs: %w", err)
		}
		for _, t := range changes {
			t.jobsInserted(res[:len(t.jobs)])
			res = res[len(t.jobs):]
		}
	}
	for _, t := range changes {
		if err := t.cancelJobs(raw); err != nil {
			return err
		}
	}
	return nil
}

// cancelling reports whether any of changes cancels River jobs.
func cancelling(changes []*change) bool {
	for _, t := range changes {
		if len(t.cancels) > 0 {
			return true
		}
	}
	return false
}

// watched says the change is news for the execution's watchers: it is
// watched, and the change adds events or ends it.
func (t *change) watched() bool {
	return t.exec.Watched && (t.ended || len(t.events) > 0)
}

func (t *change) cancelJobs(raw pgx.Tx) error {
	for _, id := range t.cancels {
		if _, err := t.e.river.JobCancelTx(t.ctx, raw, id); err != nil && !errors.Is(err, river.ErrNotFound) {
			return fmt.Errorf("cancel job %d: %w", id, err)
		}
	}
	return nil
}

// committed takes up what a committed change handed to this process: it
// arms its timers, tells the Observer, cancels the local tasks of the
// runs whose tasks it cancelled, launches its local tasks and, last, logs
// its events (execution_logs.go).
func (e *Engine) committed(t *change) {
	if t.ended {
		e.waiters.wake(t.exec.ID, ended(t.exec))
	}
	if t.watched() {
		e.watchers.wake(t.exec.ID, nil)
	}
	e.arm(t.timers)
	e.observe(t)
	if len(t.cancelRuns) > 0 {
		e.cancelLocalRuns(t.cancelRuns)
	}
	e.launch(t.locals)
	e.logCommitted(t)
}

// work is one job's change to one execution, waiting to be committed.
type work struct {
	execution int64
	run       int64 // read with the lock when set
	job       int64 // the River job to complete in the same transaction, if any
	apply     func(t *change) error
}

// commitWork commits jobs' work together; if that fails, each is committed
// on its own so that one bad item cannot hold up the rest.
func (e *Engine) commitWork(ctx context.Context, batch []*work) []error {
	errs := make([]error, len(batch))
	if len(batch) > 1 && e.commitBatch(ctx, batch) == nil {
		return errs
	}
	for i, w := range batch {
		errs[i] = e.commitOne(ctx, w)
	}
	return errs
}

// commitOne commits one job's work in its own transaction.
func (e *Engine) commitOne(ctx context.Context, w *work) error {
	complete := func(ctx context.Context, pg *pipeline) error {
		return e.completeJobs(ctx, pg, []*work{w})
	}
	return e.inExecutionRun(ctx, w.execution, w.run, complete, w.apply)
}

// commitBatch commits several jobs' work, on any executions, in one
// transaction that also completes their River jobs.
func (e *Engine) commitBatch(ctx context.Context, batch []*work) error {
	pg := e.newPipeline()
	defer pg.rollback(ctx)
	return e.commit(ctx, pg, func() ([]*change, error) {
		byExecution, err := e.lockBatch(ctx, pg, batch)
		if err != nil {
			return nil, err
		}
		for _, w := range batch {
			if t := byExecution[w.execution]; t != nil {
				if err := t.do(w.apply); err != nil {
					return nil, err
				}
			}
		}
		changes := make([]*change, 0, len(byExecution))
		for _, t := range byExecution {
			changes = append(changes, t)
		}
		return changes, nil
	}, func(ctx context.Context, pg *pipeline) error {
		return e.completeJobs(ctx, pg, batch)
	})
}

// lockBatch locks the batch's executions in id order and reads their
// runs, and returns one change per execution still there.
func (e *Engine) lockBatch(ctx context.Context, pg *pipeline, batch []*work) (map[int64]*change, error) {
	var execIDs, runIDs []int64
	for _, w := range batch {
		execIDs = append(execIDs, w.execution)
		if w.run != 0 {
			runIDs = append(runIDs, w.run)
		}
	}
	sort.Slice(execIDs, func(i, j int) bool { return execIDs[i] < execIDs[j] })
	execs, runs, err := store.LockExecutionsWithRuns(ctx, pg, execIDs, runIDs)
	if err != nil {
		return nil, err
	}
	byExecution := map[int64]*change{}
	for _, exec := range execs {
		if byExecution[exec.ID], err = e.lockedChange(ctx, pg, exec); err != nil {
			return nil, err
		}
	}
	for _, r := range runs {
		if t := byExecution[r.ExecutionID]; t != nil {
			t.preload(r)
		}
	}
	return byExecution, nil
}

// completeJobs marks the batch's River jobs completed, in one statement.
// (A local task's work has no job: its lease ends once it is committed,
// see task_lease.go.)
func (e *Engine) completeJobs(ctx context.Context, pg *pipeline, batch []*work) error {
	now := time.Now().UTC()
	p := &riverdriver.JobSetStateIfRunningManyParams{}
	for _, w := range batch {
		if w.job == 0 {
			continue
		}
		params := riverdriver.JobSetStateCompleted(w.job, now, nil)
		p.ID = append(p.ID, params.ID)
		p.Attempt = append(p.Attempt, params.Attempt)
		p.ErrData = append(p.ErrData, params.ErrData)
		p.FinalizedAt = append(p.FinalizedAt, params.FinalizedAt)
		p.MetadataDoMerge = append(p.MetadataDoMerge, false)
		p.MetadataUpdates = append(p.MetadataUpdates, nil)
		p.ScheduledAt = append(p.ScheduledAt, params.ScheduledAt)
		p.State = append(p.State, rivertype.JobStateCompleted)
	}
	if len(p.ID) == 0 {
		return nil
	}
	raw, err := pg.raw(ctx)
	if err != nil {
		return err
	}
	_, err = e.river.Pilot().JobSetStateIfRunningMany(ctx, e.river.Driver().UnwrapExecutor(raw), p)
	return err
}
