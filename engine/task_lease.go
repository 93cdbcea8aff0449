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
// dispatched them (see task_local.go). A process renews its leases while
// their tasks run; a lease that ran out, its process dead, is taken over
// and its task handed to River, for any worker.

// leases returns the lease rows of the transaction's local tasks, written
// with it; the tasks run once it commits.
func (t *change) leases() []store.TaskLease {
	out := make([]store.TaskLease, 0, len(t.locals))
	for _, lt := range t.locals {
		text, _ := json.Marshal(lt.args)
		out = append(out, store.TaskLease{RunID: lt.args.RunID, Seq: lt.args.Seq,
			Until: t.now.Add(t.e.cfg.LocalTaskLease), Args: string(text)})
	}
	return out
}

// keepLeases, until the engine closes, pushes the leases of this
// process's local tasks forward (cancelling the tasks whose leases are
// gone) and hands the tasks of leases that ran out, any process's, to
// River.
func (e *Engine) keepLeases() {
	e.every(e.cfg.LocalTaskLease/3, func() {
		if keys := e.localKeys(); len(keys) > 0 {
			if err := e.extendLeases(keys); err != nil {
				e.log.Warn("extend local task leases", "error", err)
			}
		}
		if err := e.takeExpiredLeases(); err != nil {
			e.log.Warn("take over expired task leases", "error", err)
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

// extendLeases renews the leases of local tasks and cancels the tasks
// whose leases are gone (cancelled, or taken over); a lease skipped
// because it was locked is checked again.
func (e *Engine) extendLeases(keys []store.LeaseKey) error {
	ctx, cancel := context.WithTimeout(context.Background(), e.cfg.DatabaseTimeout)
	defer cancel()
	kept, err := store.ExtendTaskLeases(ctx, e.pool, keys, e.now().Add(e.cfg.LocalTaskLease))
	if err != nil {
		return err
	}
	lost := missing(keys, kept)
	if len(lost) == 0 {
		return nil
	}
	still, err := store.HeldTaskLeases(ctx, e.pool, lost)
	if err != nil {
		return err
	}
	e.cancelLocal(missing(lost, still))
	return nil
}

// missing returns the keys whose runs are not in kept.
func missing(keys []store.LeaseKey, kept []int64) []store.LeaseKey {
	have := make(map[int64]bool, len(kept))
	for _, id := range kept {
		have[id] = true
	}
	var out []store.LeaseKey
	for _, k := range keys {
		if !have[k.RunID] {
			out = append(out, k)
		}
	}
	return out
}

// expiredBatch is the most expired leases one transaction takes over.
const expiredBatch = 1000

// takeExpiredLeases hands the tasks whose leases ran out to River.
func (e *Engine) takeExpiredLeases() error {
	for {
		ctx, cancel := context.WithTimeout(context.Background(), e.cfg.DatabaseTimeout)
		n, err := e.toRiver(ctx, func(ctx context.Context, tx pgx.Tx) ([]string, error) {
			return store.TakeExpiredTaskLeases(ctx, tx, expiredBatch)
		})
		cancel()
		if err != nil || n < expiredBatch {
			return err
		}
	}
}

// toRiver deletes leases with take and inserts their tasks as River jobs,
// in one transaction; it returns how many it moved.
func (e *Engine) toRiver(ctx context.Context, take func(context.Context, pgx.Tx) ([]string, error)) (int, error) {
	tx, err := e.pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // a no-op after commit
	taken, err := take(ctx, tx)
	if err != nil || len(taken) == 0 {
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
	if _, err := e.river.InsertManyTx(ctx, tx, jobs); err != nil {
		return 0, err
	}
	return len(taken), tx.Commit(ctx)
}
