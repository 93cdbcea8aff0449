package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// maxBatch is the most task results one transaction records.
const maxBatch = 64

// work is one job's change to one execution, waiting to be committed.
type work struct {
	execution int64
	run       int64          // read with the lock when set
	job       int64          // the River job to complete in the same transaction
	lease     store.LeaseKey // or the lease of a local task, to delete
	apply     func(t *change) error
}

// completion is a finished task.
type completion struct {
	args    taskArgs
	started time.Time
	result  any
	failure *asl.Error
}

// batcher commits items in shared transactions: under load, the items
// that arrive while one transaction commits go together into the next,
// which saves commits and round trips and lets many changes to one
// execution (a Map's iterations) share its lock. Alone, an item is
// committed at once. commit reports each item's outcome through done.
type batcher[T any] struct {
	in     chan batchItem[T]
	commit func(items []T) []error
	closed <-chan struct{}
}

type batchItem[T any] struct {
	item T
	done chan error
}

// errStopped is returned for work handed over after the engine stopped.
var errStopped = errors.New("the engine is stopped")

func newBatcher[T any](workers int, closed <-chan struct{}, commit func(items []T) []error) *batcher[T] {
	b := &batcher[T]{in: make(chan batchItem[T], maxBatch*workers), commit: commit, closed: closed}
	for i := 0; i < workers; i++ {
		go b.loop()
	}
	return b
}

// submit hands an item over and waits until it is committed.
func (b *batcher[T]) submit(ctx context.Context, item T) error {
	bi := batchItem[T]{item: item, done: make(chan error, 1)}
	select {
	case b.in <- bi:
	case <-b.closed:
		return errStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-bi.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *batcher[T]) loop() {
	for {
		var first batchItem[T]
		select {
		case first = <-b.in:
		case <-b.closed:
			b.drain()
			return
		}
		batch := []batchItem[T]{first}
	gather:
		for len(batch) < maxBatch {
			select {
			case next := <-b.in:
				batch = append(batch, next)
			default:
				break gather
			}
		}
		b.commitItems(batch)
	}
}

// drain commits what was handed over before the engine stopped.
func (b *batcher[T]) drain() {
	for {
		select {
		case bi := <-b.in:
			b.commitItems([]batchItem[T]{bi})
		default:
			return
		}
	}
}

func (b *batcher[T]) commitItems(batch []batchItem[T]) {
	items := make([]T, len(batch))
	for i, bi := range batch {
		items[i] = bi.item
	}
	for i, err := range b.commit(items) {
		batch[i].done <- err
	}
}

// commitWork commits jobs' work together; if that fails, each is committed
// on its own so that one bad item cannot hold up the rest.
func (e *Engine) commitWork(batch []*work) []error {
	errs := make([]error, len(batch))
	if len(batch) > 1 && e.commitBatch(context.Background(), batch) == nil {
		return errs
	}
	for i, w := range batch {
		errs[i] = e.commitOne(context.Background(), w)
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

// recordTask applies a finished task to its run, if the run still waits
// on it.
func (t *change) recordTask(d *completion) error {
	t.tasks = append(t.tasks, d) // told to the Observer once committed
	a := d.args
	l, err := t.current(a.RunID, a.Seq)
	if err != nil {
		return err
	}
	if a.Token == "" {
		t.emitAt(l, taskEvent(l, "Started"), d.started)
	}
	if a.Token != "" && d.failure == nil {
		return nil // the state waits for the callback
	}
	return t.taskDone(l, d.result, d.failure)
}

// commitBatch commits several jobs' work, on any executions, in one
// transaction that also completes their River jobs.
func (e *Engine) commitBatch(ctx context.Context, batch []*work) error {
	pg := e.newPipeline()
	defer pg.rollback(ctx)
	txs, err := e.lockBatch(ctx, pg, batch)
	if err != nil {
		return err
	}
	var live []*change
	for _, w := range batch {
		t := txs[w.execution]
		if t == nil {
			continue
		}
		if err := w.apply(t); err != nil && !errors.Is(err, errStale) {
			return err
		}
	}
	for _, t := range txs {
		live = append(live, t)
	}
	if err := flushAll(ctx, pg, live); err != nil {
		return err
	}
	if err := e.finishTx(ctx, pg, func(ctx context.Context, pg *pipeline) error {
		return e.completeJobs(ctx, pg, batch)
	}); err != nil {
		return err
	}
	for _, t := range live {
		e.committed(t)
	}
	return nil
}

// lockBatch locks the batch's executions in id order and reads their
// runs, and returns one transaction state per execution still running.
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
	txs := map[int64]*change{}
	for _, exec := range execs {
		t := &change{e: e, ctx: ctx, pg: pg, exec: exec, now: e.now(), rand: e.rand.derive()}
		if t.top, err = e.machine(ctx, pg, exec.StateMachineID, exec.Version); err != nil {
			return nil, err
		}
		txs[exec.ID] = t
	}
	for _, r := range runs {
		if t := txs[r.ExecutionID]; t != nil {
			t.preload(r)
		}
	}
	return txs, nil
}

// completeJobs marks the batch's River jobs completed, and deletes the
// leases of local tasks (a write queued with the others), one statement
// each.
func (e *Engine) completeJobs(ctx context.Context, pg *pipeline, batch []*work) error {
	var leases []store.LeaseKey
	for _, w := range batch {
		if w.lease.RunID != 0 {
			leases = append(leases, w.lease)
		}
	}
	if len(leases) > 0 {
		if err := store.DeleteTaskLeases(ctx, pg, leases); err != nil {
			return fmt.Errorf("delete task leases: %w", err)
		}
	}
	if len(leases) == len(batch) {
		return nil
	}
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
	tx, err := pg.raw(ctx)
	if err != nil {
		return err
	}
	_, err = e.river.Pilot().JobSetStateIfRunningMany(ctx, e.river.Driver().UnwrapExecutor(tx), p)
	return err
}
