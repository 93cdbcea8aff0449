package engine

import (
	"context"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/store"
)

// Local tasks. A Task whose function this process serves is run here
// right after the transaction that dispatched it commits, without a trip
// through River's fetch. Its River job is still written in that
// transaction, scheduled a lease ahead, as the durable record: while the
// task runs this process keeps pushing the lease forward, and the
// transaction that records the result deletes the job. If the process
// dies, the lease runs out and River hands the job to any worker, as it
// would any task job. If the job is cancelled (StopExecution, a timeout,
// a failed sibling), the local run's context is cancelled.

// localTask is a task dispatched to this process.
type localTask struct {
	args  taskArgs
	index int   // of its job among the transaction's jobs
	job   int64 // the River job standing behind it
}

// locals tracks the tasks this process runs itself.
type locals struct {
	mu      sync.Mutex
	slots   map[string]chan struct{} // per function, TaskWorkers wide
	running map[int64]context.CancelFunc
	// waiting counts the tasks accepted but not yet running, and
	// waitingBytes their inputs.
	waiting      int
	waitingBytes int
	wg           sync.WaitGroup
}

func newLocals() *locals {
	return &locals{slots: map[string]chan struct{}{}, running: map[int64]context.CancelFunc{}}
}

// localBacklogBytes bounds the inputs of the local tasks waiting for a
// slot, so that a backlog cannot take the process's memory.
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

// committed starts what a committed transaction handed to this process:
// its timers and local tasks; and it cancels the local tasks whose jobs it
// cancelled.
func (e *Engine) committed(t *tx) {
	e.arm(t.timers)
	e.observe(t)
	e.launch(t.locals)
	if len(t.cancels) > 0 {
		e.cancelLocal(t.cancels)
	}
}

// launch runs committed local tasks.
func (e *Engine) launch(tasks []localTask) {
	for _, lt := range tasks {
		ctx, cancel := context.WithCancel(context.Background())
		e.local.mu.Lock()
		e.local.running[lt.job] = cancel
		e.local.waiting++
		e.local.waitingBytes += len(lt.args.Input)
		e.local.mu.Unlock()
		e.local.wg.Add(1)
		go e.runLocal(ctx, lt)
	}
}

// runLocal runs one local task when a slot of its function is free, then
// records its result, deleting its River job in the same transaction.
func (e *Engine) runLocal(ctx context.Context, lt localTask) {
	defer e.local.wg.Done()
	defer e.forget(lt.job)
	slot := e.slot(lt.args.Function)
	select {
	case slot <- struct{}{}:
	case <-ctx.Done():
		e.local.done(lt)
		return
	}
	e.local.done(lt)
	defer func() { <-slot }()
	ctx, cancel := context.WithTimeout(ctx, e.taskTimeout(lt.args))
	defer cancel()
	done, err := e.perform(ctx, lt.args)
	if err != nil {
		e.log.Debug("local task", "job", lt.job, "error", err)
		return // the lease runs out and River delivers the task again
	}
	err = e.completions.submit(context.Background(), &work{execution: lt.args.ExecutionID, run: lt.args.RunID,
		drop: lt.job, apply: func(t *tx) error { return t.recordTask(done) }})
	if err != nil {
		e.log.Warn("record local task", "job", lt.job, "error", err)
	}
}

// done counts a task as no longer waiting for a slot.
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

func (e *Engine) forget(job int64) {
	e.local.mu.Lock()
	cancel := e.local.running[job]
	delete(e.local.running, job)
	e.local.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// cancelLocal cancels the contexts of local tasks whose jobs were
// cancelled.
func (e *Engine) cancelLocal(jobs []int64) {
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	for _, id := range jobs {
		if cancel := e.local.running[id]; cancel != nil {
			cancel()
		}
	}
}

// localJobs lists the River jobs of the tasks this process holds.
func (e *Engine) localJobs() []int64 {
	e.local.mu.Lock()
	defer e.local.mu.Unlock()
	ids := make([]int64, 0, len(e.local.running))
	for id := range e.local.running {
		ids = append(ids, id)
	}
	return ids
}

// keepLeases pushes the leases of local tasks forward until the engine
// closes, and cancels the tasks whose jobs are gone or taken over.
func (e *Engine) keepLeases() {
	tick := time.NewTicker(e.cfg.LocalTaskLease / 3)
	defer tick.Stop()
	for {
		select {
		case <-e.closed:
			return
		case <-tick.C:
		}
		ids := e.localJobs()
		if len(ids) == 0 {
			continue
		}
		if err := e.extendLeases(ids); err != nil {
			e.log.Warn("extend local task leases", "error", err)
		}
	}
}

// extendLeases renews the leases of local tasks' jobs and cancels the
// tasks whose jobs are gone or no longer scheduled (cancelled, or taken
// over by River); a job skipped because it was locked is checked again.
func (e *Engine) extendLeases(ids []int64) error {
	ctx := context.Background()
	kept, err := store.ExtendTaskLeases(ctx, e.pool, ids, e.now().Add(e.cfg.LocalTaskLease))
	if err != nil {
		return err
	}
	lost := missing(ids, kept)
	if len(lost) == 0 {
		return nil
	}
	still, err := store.ScheduledTaskJobs(ctx, e.pool, lost)
	if err != nil {
		return err
	}
	e.cancelLocal(missing(lost, still))
	return nil
}

// missing returns the ids not in kept.
func missing(ids, kept []int64) []int64 {
	have := make(map[int64]bool, len(kept))
	for _, id := range kept {
		have[id] = true
	}
	var out []int64
	for _, id := range ids {
		if !have[id] {
			out = append(out, id)
		}
	}
	return out
}

// stopLocal ends local tasks at shutdown: those still waiting for a slot
// and, once ctx ends, those running are cancelled and their jobs released
// to River at once, so that another process takes them over.
func (e *Engine) stopLocal(ctx context.Context) {
	finished := make(chan struct{})
	go func() { e.local.wg.Wait(); close(finished) }()
	select {
	case <-finished:
		return
	case <-ctx.Done():
	}
	ids := e.localJobs()
	e.cancelLocal(ids)
	<-finished
	for _, id := range ids {
		if _, err := e.river.JobRetry(context.Background(), id); err != nil {
			e.log.Debug("release local task job", "job", id, "error", err)
		}
	}
}
