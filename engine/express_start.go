package engine

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/store"
)

// Asynchronous EXPRESS starts, run at least once: StartExecution of an
// EXPRESS machine records the accepted start (stepwise_express_starts;
// the starts that arrive together share one insert, expressWrites)
// before it answers, then runs the execution in memory in this process,
// as StartSyncExpress does, logging included, and deletes the record
// when it ends and its log records are written (expressWrites, batched
// too). While it runs, this engine
// renews the lease of its records; a record whose lease ran out (its
// engine died) is claimed by another engine, which runs the execution
// again from the beginning, under the same ARN and start date (see
// express_lease.go).

// startExpress records the start in of the EXPRESS machine version mv,
// on input (checked already), starts running it, and returns the
// execution, RUNNING, as StartExecution answers it.
func (e *Engine) startExpress(ctx context.Context, mv *store.MachineVersion, input any, in StartInput) (*store.Execution, error) {
	x, err := e.newExpressRun(ctx, mv, input, in)
	if err != nil {
		return nil, err
	}
	if err := e.expressWrites.submit(ctx, expressWrite{start: x}); err != nil {
		return nil, err
	}
	e.runAsync(x)
	res := x.res
	return &store.Execution{ARN: res.ExecutionARN, StateMachineID: mv.ID, Version: mv.Version, Name: res.Name,
		Status: store.StatusRunning, Input: res.Input, StartedAt: res.StartDate}, nil
}

// expressWrite is one write to the records of asynchronous EXPRESS
// starts: a start to record, or the ARN of an ended execution whose
// record goes.
type expressWrite struct {
	start *expressRun
	end   string
	// logged says the ended execution handed log records to the sink.
	logged bool
}

// commitExpressWrites records a batch's starts, owned by this engine, and
// deletes its ends' records, in one statement each and one implicit
// transaction (one commit for both). An end's record goes only once its
// log records are written (flushLogSink): were it deleted first, a crash
// before the sink wrote would lose the execution's result; this way the
// execution runs again. The sink is flushed only for ends that logged,
// so that starts do not wait for it otherwise. When the sink cannot write,
// the ends fail and the starts are recorded alone.
func (e *Engine) commitExpressWrites(ctx context.Context, batch []expressWrite) []error {
	var starts []store.ExpressStart
	var ends []string
	logged := false
	for _, w := range batch {
		if x := w.start; x != nil {
			r := x.res
			starts = append(starts, store.ExpressStart{ARN: r.ExecutionARN, StateMachine: x.mv.Name, Version: r.Version, Name: r.Name,
				Input: r.Input, StartedAt: r.StartDate, TestCase: x.testCase})
		} else {
			ends, logged = append(ends, w.end), logged || w.logged
		}
	}
	var endErr error
	if logged {
		if err := e.flushLogSink(); err != nil {
			endErr, ends = fmt.Errorf("log records not written: %w", err), nil
		}
	}
	err := e.writeExpressRecords(ctx, starts, ends)
	errs := sameError(len(batch), err)
	for i, w := range batch {
		if w.start == nil && endErr != nil {
			errs[i] = endErr
		}
	}
	return errs
}

// writeExpressRecords inserts starts and deletes the records ends in one
// implicit transaction.
func (e *Engine) writeExpressRecords(ctx context.Context, starts []store.ExpressStart, ends []string) error {
	pg := e.newPipeline()
	defer pg.rollback(ctx)
	if len(starts) > 0 {
		e.expressInserts.Add(1)
		if err := store.InsertExpressStarts(ctx, pg, starts, e.owner, e.now().Add(e.cfg.ExpressStartLease)); err != nil {
			return err
		}
	}
	if len(ends) > 0 {
		if err := store.DeleteExpressStarts(ctx, pg, ends); err != nil {
			return err
		}
	}
	return pg.commit(ctx)
}

// sameError is err n times over: the outcome of each item of a batch
// committed in one statement.
func sameError(n int, err error) []error {
	errs := make([]error, n)
	for i := range errs {
		errs[i] = err
	}
	return errs
}

// expressRuns are the asynchronous EXPRESS executions this engine runs,
// by ARN, each with the cancellation of its run.
type expressRuns struct {
	mu      sync.Mutex
	cancels map[string]context.CancelFunc
	wg      sync.WaitGroup
}

// runAsync runs x in its own goroutine and deletes its record when it
// ends; a run cut short by Stop keeps its record, for another engine. An
// execution this engine runs already (its lease ran out while it ran,
// and this engine claimed it back) is left to that run.
func (e *Engine) runAsync(x *expressRun) {
	r := &e.expressRuns
	r.mu.Lock()
	if _, running := r.cancels[x.res.ExecutionARN]; running {
		r.mu.Unlock()
		return
	}
	if r.cancels == nil {
		r.cancels = map[string]context.CancelFunc{}
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.cancels[x.res.ExecutionARN] = cancel
	r.wg.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.wg.Done()
		defer e.forgetAsync(x.res.ExecutionARN)
		if err := e.runExpress(ctx, x); err != nil {
			return
		}
		if err := e.expressWrites.submit(context.Background(), expressWrite{end: x.res.ExecutionARN, logged: x.logged}); err != nil {
			e.log.Warn("record of an ended EXPRESS execution not deleted; it may run again", "execution_arn", x.res.ExecutionARN, "error", err)
		}
	}()
}

// runningExpress lists the ARNs of the asynchronous EXPRESS executions
// this engine runs.
func (e *Engine) runningExpress() []string {
	r := &e.expressRuns
	r.mu.Lock()
	defer r.mu.Unlock()
	arns := make([]string, 0, len(r.cancels))
	for arn := range r.cancels {
		arns = append(arns, arn)
	}
	return arns
}

// forgetAsync drops the run of arn from those this engine runs.
func (e *Engine) forgetAsync(arn string) {
	r := &e.expressRuns
	r.mu.Lock()
	defer r.mu.Unlock()
	if cancel, ok := r.cancels[arn]; ok {
		cancel()
		delete(r.cancels, arn)
	}
}

// stopExpress cancels the asynchronous EXPRESS executions still running,
// waits for their goroutines up to ctx's deadline, and lets their
// records' leases run out at once, so that another engine runs them.
func (e *Engine) stopExpress(ctx context.Context) {
	r := &e.expressRuns
	r.mu.Lock()
	arns := make([]string, 0, len(r.cancels))
	for arn, cancel := range r.cancels {
		arns = append(arns, arn)
		cancel()
	}
	r.mu.Unlock()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
	}
	if len(arns) == 0 {
		return
	}
	release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := store.ReleaseExpressStarts(release, e.pool, e.owner, arns); err != nil {
		e.log.Warn("leases of unfinished EXPRESS executions not released; another engine runs them once they run out", "error", err)
	}
}
