package engine

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// Local tasks. A Task whose function this process serves is run here
// right after the transaction that dispatched it commits, without a trip
// through River. That transaction writes the task's lease
// (stepwise_task_leases) as its durable record: while the task runs this
// process keeps pushing the lease forward, and the transaction that
// records the result deletes it. If the process dies, the lease runs out
// and any engine hands the task to River, and so to any worker. If the
// task is cancelled (StopExecution, a timeout, a failed sibling), its
// lease is deleted and the local run's context is cancelled: at once in
// this process, at the next renewal in another.

// localTask is a task dispatched to this process.
type localTask struct {
	args taskArgs
	// input is args.Input as the dispatching change computed it: the
	// function gets a copy of its own instead of decoding the text again.
	input any
}

func (lt localTask) key() store.LeaseKey {
	return store.LeaseKey{RunID: lt.args.RunID, Seq: lt.args.Seq}
}

// locals tracks the tasks this process runs itself.
type locals struct {
	mu      sync.Mutex
	slots   map[string]chan struct{} // per function, TaskWorkers wide
	running map[store.LeaseKey]context.CancelFunc
	// waiting counts the tasks accepted whose results are not yet
	// recorded (waiting for a slot, running, or waiting for a commit),
	// and waitingBytes their inputs.
	waiting      int
	waitingBytes int
	wg           sync.WaitGroup
}

func newLocals() *locals {
	return &locals{slots: map[string]chan struct{}{}, running: map[store.LeaseKey]context.CancelFunc{}}
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
		e.local.running[lt.key()] = cancel
		e.local.waiting++
		e.local.waitingBytes += len(lt.args.Input)
		e.local.mu.Unlock()
		e.local.wg.Add(1)
		go e.runLocal(ctx, lt)
	}
}

// runLocal runs one local task when a slot of its function is free, then
// records its result, deleting its lease in the same transaction.
func (e *Engine) runLocal(ctx context.Context, lt localTask) {
	defer e.local.wg.Done()
	defer e.forget(lt.key())
	slot := e.slot(lt.args.Function)
	defer e.local.done(lt)
	select {
	case slot <- struct{}{}:
	case <-ctx.Done():
		return
	}
	ctx, cancel := context.WithTimeout(ctx, e.taskTimeout(lt.args))
	done, err := e.perform(ctx, lt.args, func() (any, error) { return asl.CopyJSON(lt.input), nil })
	cancel()
	// The function has returned: its slot is free while its result waits
	// for a commit, so that the results of a wide Map or Parallel commit
	// in batches larger than TaskWorkers (the lease stays until then, and
	// the task counts in the backlog accept bounds).
	<-slot
	if err != nil {
		e.log.Debug("local task", "run", lt.args.RunID, "error", err)
		return // the lease runs out and River delivers the task again
	}
	err = e.completions.submit(context.Background(), &work{execution: lt.args.ExecutionID, run: lt.args.RunID,
		lease: lt.key(), apply: func(t *change) error { return t.recordTask(done) }})
	if err != nil {
		e.log.Warn("record local task", "run", lt.args.RunID, "error", err)
	}
}

// done counts a task as out of the backlog: its result is recorded, or
// it ended without one.
func (l *locals) done(lt localTask) {
	l.mu.Lock()
	l.waiting--
	l.waitingBytes -= len(lt.args.Input)
	l.mu.Unlock()
}

func (e *Engine) slot(fn string) chan struct{} {
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	s, ok := e.local.slots[fn]
	if !ok {
		s = make(chan struct{}, e.cfg.TaskWorkers)
		e.local.slots[fn] = s
	}
	return s
}

func (e *Engine) forget(key store.LeaseKey) {
	e.local.mu.Lock()
	cancel := e.local.running[key]
	delete(e.local.running, key)
	e.local.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// cancelLocal cancels the contexts of local tasks whose leases are gone.
func (e *Engine) cancelLocal(keys []store.LeaseKey) {
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	for _, k := range keys {
		if cancel := e.local.running[k]; cancel != nil {
			cancel()
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
	for k, cancel := range e.local.running {
		if cancelled[k.RunID] {
			cancel()
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
// and, once ctx ends, those running are cancelled and their tasks handed
// to River at once, so that another process takes them over.
func (e *Engine) stopLocal(ctx context.Context) {
	finished := make(chan struct{})
	go func() { e.local.wg.Wait(); close(finished) }()
	select {
	case <-finished:
		return
	case <-ctx.Done():
	}
	keys := e.localKeys()
	e.cancelLocal(keys)
	<-finished
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.DatabaseTimeout)
	defer cancel()
	_, err := e.toRiver(ctx, func(ctx context.Context, tx pgx.Tx) ([]string, error) {
		return store.ReleaseTaskLeases(ctx, tx, keys)
	})
	if err != nil {
		e.log.Warn("release local tasks", "error", err)
	}
}
