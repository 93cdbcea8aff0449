package store

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// TaskLease is the lease of one task a process runs itself: the task of
// run RunID at sequence number Seq, with its arguments (as JSON) for
// whoever takes it over.
type TaskLease struct {
	RunID int64
	Seq   int64
	Args  string
}

// LeaseKey names one task's lease.
type LeaseKey struct {
	RunID int64
	Seq   int64
}

// LeaseBatch is one row of leases: those of the local tasks one commit
// of engine Owner dispatched, held until Until. ID is Owner's own count.
type LeaseBatch struct {
	Owner string
	ID    int64
	Until time.Time
	Tasks []TaskLease
}

// InsertTaskLeases writes a batch of leases.
func InsertTaskLeases(ctx context.Context, q Querier, b LeaseBatch) error {
	n := len(b.Tasks)
	runs, seqs, args := make([]int64, n), make([]int64, n), make([]string, n)
	for i, l := range b.Tasks {
		runs[i], seqs[i], args[i] = l.RunID, l.Seq, l.Args
	}
	return queries(q).InsertTaskLeases(ctx, db.InsertTaskLeasesParams{Owner: b.Owner, ID: b.ID, Until: b.Until,
		RunIds: runs, Seqs: seqs, Args: args})
}

// DeleteTaskLeases deletes owner's batches ids.
func DeleteTaskLeases(ctx context.Context, q Querier, owner string, ids []int64) error {
	return queries(q).DeleteTaskLeases(ctx, db.DeleteTaskLeasesParams{Owner: owner, Ids: ids})
}

// ExtendTaskLeases moves owner's batches ids on to until and returns the
// ids of those it moved; a batch locked by another transaction is
// skipped.
func ExtendTaskLeases(ctx context.Context, q Querier, owner string, ids []int64, until time.Time) ([]int64, error) {
	return queries(q).ExtendTaskLeases(ctx, db.ExtendTaskLeasesParams{Owner: owner, Ids: ids, Until: until})
}

// HeldTaskLeases returns the ids of those of owner's batches ids that
// exist.
func HeldTaskLeases(ctx context.Context, q Querier, owner string, ids []int64) ([]int64, error) {
	return queries(q).HeldTaskLeases(ctx, db.HeldTaskLeasesParams{Owner: owner, Ids: ids})
}

// TakeExpiredTaskLeases deletes up to limit batches that ran out and
// returns the arguments of their tasks still waiting (see WaitingTasks),
// and how many batches it deleted.
func TakeExpiredTaskLeases(ctx context.Context, q Querier, limit int) (args []string, batches int, err error) {
	rows, err := queries(q).TakeExpiredTaskLeases(ctx, int32(limit))
	if err != nil {
		return nil, 0, err
	}
	var taken []db.ReleaseTaskLeasesRow
	for _, r := range rows {
		taken = append(taken, db.ReleaseTaskLeasesRow(r))
	}
	args, err = waitingArgs(ctx, q, taken)
	return args, len(rows), err
}

// ReleaseTaskLeases deletes all of owner's batches and returns the
// arguments of their tasks still waiting, and how many batches it
// deleted.
func ReleaseTaskLeases(ctx context.Context, q Querier, owner string) (args []string, batches int, err error) {
	rows, err := queries(q).ReleaseTaskLeases(ctx, owner)
	if err != nil {
		return nil, 0, err
	}
	args, err = waitingArgs(ctx, q, rows)
	return args, len(rows), err
}

// waitingArgs returns the arguments of the tasks of batches whose runs
// still wait on them: a task whose result is recorded, or that was
// cancelled, or whose run is gone, must not run again.
func waitingArgs(ctx context.Context, q Querier, batches []db.ReleaseTaskLeasesRow) ([]string, error) {
	var keys []LeaseKey
	byKey := map[LeaseKey]string{}
	for _, b := range batches {
		for i := range b.RunIds {
			k := LeaseKey{RunID: b.RunIds[i], Seq: b.Seqs[i]}
			keys = append(keys, k)
			byKey[k] = b.Args[i]
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	waiting, err := WaitingTasks(ctx, q, keys)
	if err != nil {
		return nil, err
	}
	args := make([]string, len(waiting))
	for i, k := range waiting {
		args[i] = byKey[k]
	}
	return args, nil
}

// WaitingTasks returns those of the given tasks whose runs still wait on
// them: the run is RUNNING at the task's sequence number, in a RUNNING
// execution.
func WaitingTasks(ctx context.Context, q Querier, keys []LeaseKey) ([]LeaseKey, error) {
	runs, seqs := keyColumns(keys)
	rows, err := queries(q).WaitingTasks(ctx, db.WaitingTasksParams{RunIds: runs, Seqs: seqs})
	out := make([]LeaseKey, len(rows))
	for i, r := range rows {
		out[i] = LeaseKey{RunID: r.ID, Seq: r.Seq}
	}
	return out, err
}

func keyColumns(keys []LeaseKey) (runs, seqs []int64) {
	runs, seqs = make([]int64, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		runs[i], seqs[i] = k.RunID, k.Seq
	}
	return runs, seqs
}
