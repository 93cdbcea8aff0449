package engine

import (
	"context"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// maxBatch is the most task results one transaction records.
const maxBatch = 64

// completion is a finished task waiting to be recorded.
type completion struct {
	job     *river.Job[taskArgs]
	started time.Time
	result  any
	failure *asl.Error
	done    chan error
}

// completer records finished tasks in shared transactions: under load,
// the results that arrive while one transaction commits are recorded
// together in the next, which saves commits and round trips. Alone, a
// result is recorded at once.
type completer struct {
	e  *Engine
	in chan *completion
}

func newCompleter(e *Engine, workers int) *completer {
	c := &completer{e: e, in: make(chan *completion, maxBatch*workers)}
	for i := 0; i < workers; i++ {
		go c.loop()
	}
	return c
}

// record hands a finished task over and waits until it is recorded.
func (c *completer) record(ctx context.Context, done *completion) error {
	done.done = make(chan error, 1)
	select {
	case c.in <- done:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-done.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *completer) loop() {
	for first := range c.in {
		batch := []*completion{first}
	gather:
		for len(batch) < maxBatch {
			select {
			case next := <-c.in:
				batch = append(batch, next)
			default:
				break gather
			}
		}
		c.commit(batch)
	}
}

// commit records a batch in one transaction; if that fails, each result
// is recorded on its own so that one bad result cannot hold up the rest.
func (c *completer) commit(batch []*completion) {
	if len(batch) > 1 {
		if err := c.e.recordBatch(context.Background(), batch); err == nil {
			for _, d := range batch {
				d.done <- nil
			}
			return
		}
	}
	for _, d := range batch {
		d.done <- c.e.recordOne(context.Background(), d)
	}
}

// recordOne records one task result in its own transaction.
func (e *Engine) recordOne(ctx context.Context, d *completion) error {
	a := d.job.Args
	complete := func(ctx context.Context, tx pgx.Tx) error {
		return e.completeJobs(ctx, e.river.Driver().UnwrapExecutor(tx), []*completion{d})
	}
	return e.inExecutionRun(ctx, a.ExecutionID, a.RunID, complete, func(t *tx) error {
		return t.recordTask(d)
	})
}

// recordTask applies a finished task to its run, if the run still waits
// on it.
func (t *tx) recordTask(d *completion) error {
	a := d.job.Args
	l, err := t.current(a.RunID, a.Seq)
	if err != nil {
		return err
	}
	if a.Token == "" {
		t.emitAt(l, "TaskStarted", d.started)
	}
	if a.Token != "" && d.failure == nil {
		return nil // the state waits for the callback
	}
	return t.taskDone(l, d.result, d.failure)
}

// recordBatch records several task results, on any executions, in one
// transaction that also completes their River jobs.
func (e *Engine) recordBatch(ctx context.Context, batch []*completion) error {
	begun, err := e.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer begun.Rollback(ctx) //nolint:errcheck // a no-op after commit
	pg := &pipe{Tx: begun}
	txs, err := e.lockBatch(ctx, pg, batch)
	if err != nil {
		return err
	}
	var live []*tx
	for _, d := range batch {
		t := txs[d.job.Args.ExecutionID]
		if t == nil {
			continue
		}
		if err := t.recordTask(d); err != nil && err != errStale {
			return err
		}
	}
	for _, t := range txs {
		live = append(live, t)
	}
	if err := flushAll(ctx, pg, live); err != nil {
		return err
	}
	raw, err := pg.raw(ctx)
	if err != nil {
		return err
	}
	if err := e.completeJobs(ctx, e.river.Driver().UnwrapExecutor(raw), batch); err != nil {
		return err
	}
	if err := raw.Commit(ctx); err != nil {
		return err
	}
	for _, t := range live {
		e.arm(t.timers)
	}
	return nil
}

// lockBatch locks the batch's executions in id order and reads their
// runs, and returns one transaction state per execution still running.
func (e *Engine) lockBatch(ctx context.Context, pg *pipe, batch []*completion) (map[int64]*tx, error) {
	var execIDs, runIDs []int64
	for _, d := range batch {
		execIDs = append(execIDs, d.job.Args.ExecutionID)
		runIDs = append(runIDs, d.job.Args.RunID)
	}
	sort.Slice(execIDs, func(i, j int) bool { return execIDs[i] < execIDs[j] })
	execs, err := store.LockExecutions(ctx, pg, execIDs)
	if err != nil {
		return nil, err
	}
	runs, err := store.GetRuns(ctx, pg, runIDs)
	if err != nil {
		return nil, err
	}
	txs := map[int64]*tx{}
	for _, exec := range execs {
		t := &tx{e: e, ctx: ctx, pg: pg, exec: exec, now: e.now(), rand: e.rand.fork()}
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

// completeJobs marks the batch's River jobs completed in one statement.
func (e *Engine) completeJobs(ctx context.Context, tx riverdriver.ExecutorTx, batch []*completion) error {
	now := time.Now().UTC()
	p := &riverdriver.JobSetStateIfRunningManyParams{}
	for _, d := range batch {
		params := riverdriver.JobSetStateCompleted(d.job.ID, now, nil)
		p.ID = append(p.ID, params.ID)
		p.Attempt = append(p.Attempt, params.Attempt)
		p.ErrData = append(p.ErrData, params.ErrData)
		p.FinalizedAt = append(p.FinalizedAt, params.FinalizedAt)
		p.MetadataDoMerge = append(p.MetadataDoMerge, false)
		p.MetadataUpdates = append(p.MetadataUpdates, nil)
		p.ScheduledAt = append(p.ScheduledAt, params.ScheduledAt)
		p.State = append(p.State, rivertype.JobStateCompleted)
	}
	_, err := e.river.Pilot().JobSetStateIfRunningMany(ctx, tx, p)
	return err
}
