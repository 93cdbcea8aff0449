package engine

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// Local tasks. A Task whose function this process serves is run here
// right after the transaction that dispatched it commits, without a trip
// through River. That transaction writes the task's lease
// (stepwise_task_leases, one row for all the local tasks of the commit,
// see task_lease.go) as its durable record: while the task runs this
// process keeps pushing the lease forward. If the process dies, the lease
// runs out and any engine hands the task to River, and so to any worker.
// If the task is cancelled (StopExecution, a timeout, a failed sibling),
// the local run's context is cancelled: at once in this process, at the
// next renewal in another, which finds the task's run no longer waiting.

// localTask is a task dispatched to this process.
type localTask struct {
	args taskArgs
	// input is args.Input as the dispatching change computed it: the
	// function gets a copy of its own instead of decoding the text again.
	input any
	// batch is the id of the row that holds its lease.
	batch int64
}

func (lt localTask) key() store.LeaseKey {
	return store.LeaseKey{RunID: lt.args.RunID, Seq: lt.args.Seq}
}

// locals tracks the tasks this process runs itself.
type locals struct {
	mu sync.Mutex
	// workers takes a task of each function to one of its TaskWorkers
	// goroutines (see taskWorker).
	workers map[string]chan func()
	running map[store.LeaseKey]localRun
	// batches are the rows of this process's leases with tasks that have
	// not ended, by id; finished lists the rows to delete; lastBatch is
	// the id of the latest row.
	batches   map[int64]*leaseBatch
	finished  []int64
	lastBatch int64
	// swept wakes sweepLeases when finished stops being empty.
	swept chan struct{}
	// waiting counts the tasks accepted whose results are not yet
	// recorded (waiting for a slot, running, or waiting for a commit),
	// and waitingBytes their inputs.
	waiting      int
	waitingBytes int
	wg           sync.WaitGroup
}

// localRun is a local task accepted and not yet ended.
type localRun struct {
	cancel context.CancelFunc
	batch  int64
}

func newLocals() *locals {
	return &locals{workers: map[string]chan func(){}, running: map[store.LeaseKey]localRun{},
		batches: map[int64]*leaseBatch{}, swept: make(chan struct{}, 1)}
}

// localBacklogBytes bounds the inputs of the local tasks whose results
// are not yet recorded, so that a backlog cannot take the process's
// memory.
const localBacklogBytes = 64 << 20

// accept reports whether a task of function fn, with an input of size
// bytes, should run here: the process serves fn and its backlog of local
// tasks is not too long (100 tasks per slot, 64 MiB of inputs). A task
// beyond that is left to River, and so to every worker. The backlog is
// allowed to be long because a task through River's fetch costs the
// database about three times what a local one does: a ten-state machine
// ran at 2,821 transitions/s with a backlog of 4 tasks per slot and at
// 4,845/s with room for all of them.
func (e *Engine) accept(fn string, size int) bool {
	if e.cfg.DisableLocalTasks || e.cfg.Functions == nil || !e.cfg.Functions.Has(fn) {
		return false
	}
	select {
	case <-e.closed:
		return false
	default:
	}
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	return e.local.waiting < 100*e.cfg.TaskWorkers && e.local.waitingBytes+size <= localBacklogBytes
}

// launch runs committed local tasks.
func (e *Engine) launch(tasks []localTask) {
	for _, lt := range tasks {
		ctx, cancel := context.WithCancel(context.Background())
		e.local.mu.Lock()
		e.local.running[lt.key()] = localRun{cancel: cancel, batch: lt.batch}
		e.local.waiting++
		e.local.waitingBytes += len(lt.args.Input)
		e.local.mu.Unlock()
		e.local.wg.Add(1)
		go e.runLocal(ctx, lt)
	}
}

// runLocal runs one local task when a worker of its function is free,
// then records its result.
func (e *Engine) runLocal(ctx context.Context, lt localTask) {
	defer e.local.wg.Done()
	defer e.forget(lt.key())
	settled := false // its result is recorded, or nothing waits on it
	defer func() { e.local.done(lt, settled) }()
	var done *completion
	var err error
	ran := make(chan struct{})
	job := func() {
		defer close(ran)
		ctx, cancel := context.WithTimeout(ctx, e.taskTimeout(lt.args))
		defer cancel()
		done, err = e.perform(ctx, lt.args, func() (any, error) { return asl.CopyJSON(lt.input), nil })
	}
	select {
	case e.workers(lt.args.Function) <- job:
	case <-ctx.Done():
		settled = true // cancelled
		return
	case <-e.closed:
		return // the lease runs out and River delivers the task again
	}
	// Once the function has returned its worker is free while the result
	// waits for a commit, so that the results of a wide Map or Parallel
	// commit in batches larger than TaskWorkers (the lease stays until
	// then, and the task counts in the backlog accept bounds).
	<-ran
	if err != nil {
		e.log.Debug("local task", "run", lt.args.RunID, "error", err)
		return // the lease runs out and River delivers the task again
	}
	err = e.completions.submit(context.Background(), &work{execution: lt.args.ExecutionID, run: lt.args.RunID,
		apply: func(t *change) error { return t.recordTask(done) }})
	if err != nil {
		e.log.Warn("record local task", "run", lt.args.RunID, "error", err)
		return
	}
	settled = true
}

// done counts a task as out of the backlog and as ended in its lease's
// row: settled, its result recorded or nothing waiting on it; or not,
// and the row is left to run out.
func (l *locals) done(lt localTask, settled bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waiting--
	l.waitingBytes -= len(lt.args.Input)
	b := l.batches[lt.batch]
	if b == nil {
		return // its row was taken over
	}
	b.remaining--
	b.orphaned = b.orphaned || !settled
	if b.remaining > 0 {
		return
	}
	delete(l.batches, lt.batch)
	if b.orphaned {
		return
	}
	l.finished = append(l.finished, lt.batch)
	if len(l.finished) == 1 {
		select {
		case l.swept <- struct{}{}:
		default:
		}
	}
}

// nextBatch returns the id of a new row of leases.
func (l *locals) nextBatch() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lastBatch++
	return l.lastBatch
}

// hold starts counting the tasks of a committed row of leases.
func (l *locals) hold(b heldBatch) {
	if b.tasks == 0 {
		return
	}
	l.mu.Lock()
	l.batches[b.id] = &leaseBatch{remaining: b.tasks}
	l.mu.Unlock()
}

// heldIDs lists the rows with tasks that have not ended.
func (l *locals) heldIDs() []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Collect(maps.Keys(l.batches))
}

// takeFinished returns the rows whose tasks have all ended, for deleting.
func (l *locals) takeFinished() []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	ids := l.finished
	l.finished = nil
	return ids
}

// workers returns the channel that hands a task of function fn to one
// of its TaskWorkers goroutines, starting them on first use.
func (e *Engine) workers(fn string) chan<- func() {
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	w, ok := e.local.workers[fn]
	if !ok {
		w = make(chan func())
		e.local.workers[fn] = w
		for range e.cfg.TaskWorkers {
			go e.taskWorker(w)
		}
	}
	return w
}

// taskWorker runs the local tasks handed to it until the engine closes.
// A long-lived goroutine's stack has grown to what a task needs: a new
// goroutine per task grew its stack again, copying it (4% of the CPU of
// a ten-branch Parallel).
func (e *Engine) taskWorker(jobs <-chan func()) {
	for {
		select {
		case job := <-jobs:
			job()
		case <-e.closed:
			return
		}
	}
}

func (e *Engine) forget(key store.LeaseKey) {
	e.local.mu.Lock()
	r, ok := e.local.running[key]
	delete(e.local.running, key)
	e.local.mu.Unlock()
	if ok {
		r.cancel()
	}
}

// cancelLocal cancels the contexts of local tasks that nothing waits on.
func (e *Engine) cancelLocal(keys []store.LeaseKey) {
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	for _, k := range keys {
		if r, ok := e.local.running[k]; ok {
			r.cancel()
		}
	}
}

// cancelBatches cancels the local tasks of rows of leases another
// process took over, and stops renewing the rows.
func (e *Engine) cancelBatches(ids []int64) {
	gone := make(map[int64]bool, len(ids))
	for _, id := range ids {
		gone[id] = true
	}
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	for _, id := range ids {
		delete(e.local.batches, id)
	}
	for _, r := range e.local.running {
		if gone[r.batch] {
			r.cancel()
		}
	}
}

// cancelLocalRuns cancels the local tasks of runs, at any sequence number.
func (e *Engine) cancelLocalRuns(runs []int64) {
	cancelled := make(map[int64]bool, len(runs))
	for _, id := range runs {
		cancelled[id] = true
	}
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	for k, r := range e.local.running {
		if cancelled[k.RunID] {
			r.cancel()
		}
	}
}

// localKeys lists the leases of the tasks this process holds.
func (e *Engine) localKeys() []store.LeaseKey {
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	keys := make([]store.LeaseKey, 0, len(e.local.running))
	for k := range e.local.running {
		keys = append(keys, k)
	}
	return keys
}

// stopLocal ends local tasks at shutdown: those still waiting for a slot
// and, once ctx ends, those running are cancelled; then the rows of this
// process's leases are deleted and the tasks still waited on handed to
// River at once, so that another process takes them over.
func (e *Engine) stopLocal(ctx context.Context) {
	finished := make(chan struct{})
	go func() { e.local.wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-ctx.Done():
		e.cancelLocal(e.localKeys())
		<-finished
	}
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.DatabaseTimeout)
	defer cancel()
	_, err := e.toRiver(ctx, func(ctx context.Context, tx pgx.Tx) ([]string, int, error) {
		return store.ReleaseTaskLeases(ctx, tx, e.owner)
	})
	if err != nil {
		e.log.Warn("release local tasks", "error", err)
	}
}
