package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/stepwise-run/stepwise/store"
)

// Task leases: the durable record of the tasks run in the processes that
// dispatched them (see task_local.go). One row holds the leases of all
// the local tasks one commit dispatched. A process renews its rows while
// their tasks run and deletes a row once all its tasks have ended, riding
// on a later commit or, when none comes soon, on its own. A row that ran
// out, its process dead, is taken over and the tasks whose runs still
// wait on them are handed to River, for any worker. Whether a task still
// waits is read from its run (RUNNING at the task's sequence number), so
// a row deleted late, or never, runs nothing again.

// heldBatch is a row of leases a commit wrote: its id and how many
// tasks it holds.
type heldBatch struct {
	id    int64
	tasks int
}

// leaseBatch is what this process knows of a row of its leases.
type leaseBatch struct {
	// remaining counts the tasks that have not ended.
	remaining int
	// orphaned is set when a task ended without its result recorded: the
	// row is then left to run out, and its task to be handed to River.
	orphaned bool
}

// writeLeases writes, in one row, the leases of the local tasks the
// changes dispatched, and deletes the rows of this process whose tasks
// have all ended.
func (e *Engine) writeLeases(ctx context.Context, pg *pipeline, changes []*change) (heldBatch, error) {
	if ids := e.local.takeFinished(); len(ids) > 0 {
		// If the transaction fails these rows run out instead, and
		// whoever takes them over finds nothing waiting.
		if err := store.DeleteTaskLeases(ctx, pg, e.owner, ids); err != nil {
			return heldBatch{}, fmt.Errorf("delete task leases: %w", err)
		}
	}
	var tasks []store.TaskLease
	for _, t := range changes {
		for _, lt := range t.locals {
			text, _ := json.Marshal(lt.args)
			tasks = append(tasks, store.TaskLease{RunID: lt.args.RunID, Seq: lt.args.Seq, Args: string(text)})
		}
	}
	if len(tasks) == 0 {
		return heldBatch{}, nil
	}
	b := heldBatch{id: e.local.nextBatch(), tasks: len(tasks)}
	for _, t := range changes {
		for i := range t.locals {
			t.locals[i].batch = b.id
		}
	}
	err := store.InsertTaskLeases(ctx, pg, store.LeaseBatch{Owner: e.owner, ID: b.id,
		Until: e.now().Add(e.cfg.LocalTaskLease), Tasks: tasks})
	if err != nil {
		return heldBatch{}, fmt.Errorf("insert task leases: %w", err)
	}
	return b, nil
}

// keepLeases, until the engine closes, pushes the rows of this process's
// local tasks forward (cancelling the tasks whose rows are gone or whose
// runs no longer wait on them) and hands the tasks of rows that ran out,
// any process's, to River.
func (e *Engine) keepLeases() {
	e.every(e.cfg.LocalTaskLease/3, func() {
		for _, step := range []struct {
			what string
			fn   func(context.Context) error
		}{
			{"extend local task leases", e.extendLeases},
			{"cancel local tasks no longer waited on", e.cancelAbandoned},
			{"take over expired task leases", e.takeExpiredLeases},
		} {
			ctx, cancel := context.WithTimeout(context.Background(), e.cfg.DatabaseTimeout)
			if err := step.fn(ctx); err != nil {
				e.log.Warn(step.what, "error", err)
			}
			cancel()
		}
	})
}

// every calls fn every d until the engine closes.
func (e *Engine) every(d time.Duration, fn func()) {
	tick := time.NewTicker(d)
	defer tick.Stop()
	for {
		select {
		case <-e.closed:
			return
		case <-tick.C:
		}
		fn()
	}
}

// extendLeases renews the rows of this process's running tasks and
// cancels the tasks of rows that are gone (taken over); a row skipped
// because it was locked is checked again.
func (e *Engine) extendLeases(ctx context.Context) error {
	ids := e.local.heldIDs()
	if len(ids) == 0 {
		return nil
	}
	kept, err := store.ExtendTaskLeases(ctx, e.pool, e.owner, ids, e.now().Add(e.cfg.LocalTaskLease))
	if err != nil {
		return err
	}
	lost := missing(ids, kept)
	if len(lost) == 0 {
		return nil
	}
	still, err := store.HeldTaskLeases(ctx, e.pool, e.owner, lost)
	if err != nil {
		return err
	}
	e.cancelBatches(missing(lost, still))
	return nil
}

// cancelAbandoned cancels the local tasks whose runs no longer wait on
// them: another process stopped the execution, timed the task out or
// failed a sibling branch. (This process cancels its own at once.)
func (e *Engine) cancelAbandoned(ctx context.Context) error {
	keys := e.localKeys()
	if len(keys) == 0 {
		return nil
	}
	waiting, err := store.WaitingTasks(ctx, e.pool, keys)
	if err != nil {
		return err
	}
	still := make(map[store.LeaseKey]bool, len(waiting))
	for _, k := range waiting {
		still[k] = true
	}
	var gone []store.LeaseKey
	for _, k := range keys {
		if !still[k] {
			gone = append(gone, k)
		}
	}
	e.cancelLocal(gone)
	return nil
}

// sweepDelay is how long a row whose tasks have all ended waits for a
// commit to take its delete along before sweepLeases deletes it. The row
// names tasks whose results are recorded, or callback tasks whose
// function has run: should this process die meanwhile, the callback
// task's function would be called again.
const sweepDelay = 100 * time.Millisecond

// sweepLeases, until the engine closes, deletes the rows whose tasks have
// all ended that no commit took along within sweepDelay.
func (e *Engine) sweepLeases() {
	for {
		select {
		case <-e.closed:
			return
		case <-e.local.swept:
		}
		select {
		case <-e.closed:
			return
		case <-time.After(sweepDelay):
		}
		ctx, cancel := context.WithTimeout(context.Background(), e.cfg.DatabaseTimeout)
		if err := e.deleteFinished(ctx); err != nil {
			e.log.Warn("delete ended task leases", "error", err)
		}
		cancel()
	}
}

// deleteFinished deletes the rows whose tasks have all ended that no
// commit has taken along since.
func (e *Engine) deleteFinished(ctx context.Context) error {
	ids := e.local.takeFinished()
	if len(ids) == 0 {
		return nil
	}
	return store.DeleteTaskLeases(ctx, e.pool, e.owner, ids)
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

// expiredBatch is the most expired rows one transaction takes over.
const expiredBatch = 1000

// takeExpiredLeases hands the waiting tasks of rows that ran out to
// River.
func (e *Engine) takeExpiredLeases(ctx context.Context) error {
	for {
		n, err := e.toRiver(ctx, func(ctx context.Context, tx pgx.Tx) ([]string, int, error) {
			return store.TakeExpiredTaskLeases(ctx, tx, expiredBatch)
		})
		if err != nil || n < expiredBatch {
			return err
		}
	}
}

// toRiver deletes rows of leases with take, which returns the arguments
// of their tasks still waiting and how many rows it deleted, and inserts
// those tasks as River jobs, in one transaction; it returns the rows.
func (e *Engine) toRiver(ctx context.Context, take func(context.Context, pgx.Tx) ([]string, int, error)) (int, error) {
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	taken, rows, err := take(ctx, tx)
	if err != nil || rows == 0 {
		return 0, err
	}
	jobs := make([]river.InsertManyParams, 0, len(taken))
	for _, text := range taken {
		var a taskArgs
		if err := json.Unmarshal([]byte(text), &a); err != nil {
			return 0, fmt.Errorf("task lease arguments: %w", err)
		}
		jobs = append(jobs, taskJob(a))
	}
	if len(jobs) > 0 {
		if _, err := e.river.InsertManyTx(ctx, tx, jobs); err != nil {
			return 0, err
		}
	}
	return rows, tx.Commit(ctx)
}
