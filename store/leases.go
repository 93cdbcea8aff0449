package store

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// TaskLease is the lease of a task a process runs itself: the task of run
// RunID at sequence number Seq, held until Until, with its arguments (as
// JSON) for whoever takes it over.
type TaskLease struct {
	RunID int64
	Seq   int64
	Until time.Time
	Args  string
}

// LeaseKey names one task's lease.
type LeaseKey struct {
	RunID int64
	Seq   int64
}

// InsertTaskLeases writes leases (replacing a run's earlier one).
func InsertTaskLeases(ctx context.Context, q Querier, leases []TaskLease) error {
	if len(leases) == 0 {
		return nil
	}
	runs, seqs := make([]int64, len(leases)), make([]int64, len(leases))
	until, args := make([]time.Time, len(leases)), make([]string, len(leases))
	for i, l := range leases {
		runs[i], seqs[i], until[i], args[i] = l.RunID, l.Seq, l.Until, l.Args
	}
	return queries(q).InsertTaskLeases(ctx, db.InsertTaskLeasesParams{RunIds: runs, Seqs: seqs, Untils: until, Args: args})
}

// DeleteTaskLeases ends the given leases.
func DeleteTaskLeases(ctx context.Context, q Querier, keys []LeaseKey) error {
	runs, seqs := keyColumns(keys)
	return queries(q).DeleteTaskLeases(ctx, db.DeleteTaskLeasesParams{RunIds: runs, Seqs: seqs})
}

// DeleteRunLeases ends the leases of runs, whatever their sequence number.
func DeleteRunLeases(ctx context.Context, q Querier, runs []int64) error {
	return queries(q).DeleteRunLeases(ctx, runs)
}

// ExtendTaskLeases moves the given leases on to until and returns the
// runs of those it moved; leases locked by another transaction are skipped.
func ExtendTaskLeases(ctx context.Context, q Querier, keys []LeaseKey, until time.Time) ([]int64, error) {
	runs, seqs := keyColumns(keys)
	return queries(q).ExtendTaskLeases(ctx, db.ExtendTaskLeasesParams{RunIds: runs, Seqs: seqs, Until: until})
}

// HeldTaskLeases returns the runs of those of the given leases that exist.
func HeldTaskLeases(ctx context.Context, q Querier, keys []LeaseKey) ([]int64, error) {
	runs, seqs := keyColumns(keys)
	return queries(q).HeldTaskLeases(ctx, db.HeldTaskLeasesParams{RunIds: runs, Seqs: seqs})
}

// TakeExpiredTaskLeases deletes up to limit leases that ran out and
// returns their tasks' arguments.
func TakeExpiredTaskLeases(ctx context.Context, q Querier, limit int) ([]string, error) {
	return queries(q).TakeExpiredTaskLeases(ctx, int32(limit))
}

// ReleaseTaskLeases deletes the given leases and returns their tasks'
// arguments.
func ReleaseTaskLeases(ctx context.Context, q Querier, keys []LeaseKey) ([]string, error) {
	runs, seqs := keyColumns(keys)
	return queries(q).ReleaseTaskLeases(ctx, db.ReleaseTaskLeasesParams{RunIds: runs, Seqs: seqs})
}

func keyColumns(keys []LeaseKey) (runs, seqs []int64) {
	runs, seqs = make([]int64, len(keys)), make([]int64, len(keys))
	for i, k := range keys {
		runs[i], seqs[i] = k.RunID, k.Seq
	}
	return runs, seqs
}
