package store

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// retentionLockKey is the PostgreSQL advisory lock the retention sweep
// holds in each of its transactions, so that one engine at a time deletes.
const retentionLockKey = 0x5374_6570_5265_7401 // "StepRet" and 1

// SetMachineRetention sets how long a machine's closed executions are
// kept, in seconds: nil follows the installation's retention, negative
// keeps them for ever.
func SetMachineRetention(ctx context.Context, q Querier, machineID int64, seconds *int64) error {
	return queries(q).SetMachineRetention(ctx, db.SetMachineRetentionParams{ID: machineID, RetentionSeconds: seconds})
}

// ShortestRetention is the shortest positive retention any machine sets;
// 0 when none sets one.
func ShortestRetention(ctx context.Context, q Querier) (time.Duration, error) {
	s, err := queries(q).ShortestRetention(ctx)
	return time.Duration(s) * time.Second, err
}

// TryRetentionLock takes the retention sweep's advisory lock for the rest
// of transaction q, and reports false, at once, when another transaction
// holds it.
func TryRetentionLock(ctx context.Context, q Querier) (bool, error) {
	return queries(q).TryRetentionLock(ctx, retentionLockKey)
}

// Expired is a closed execution past its retention: its id and start
// time, the position a sweep reads on from. Its fields are
// db.ExpiredExecutionsRow's.
type Expired struct {
	ID        int64
	StartedAt time.Time
}

// ExpiredQuery selects executions past their retention.
type ExpiredQuery struct {
	// After is the last execution a previous batch returned; zero starts
	// at the oldest.
	After Expired
	// Now is the time retention is counted back from.
	Now time.Time
	// Default is the retention of machines that set none; 0 or negative
	// keeps their executions.
	Default time.Duration
	// Shortest is the shortest retention that applies anywhere (positive).
	Shortest time.Duration
	// Limit is the most executions returned.
	Limit int
}

// ExpiredExecutions locks and returns, in start order after q.After, up
// to q.Limit closed executions that are not children of a Map run and
// have been closed for longer than their machine's retention; rows
// another transaction holds are skipped.
func ExpiredExecutions(ctx context.Context, tx Querier, q ExpiredQuery) ([]Expired, error) {
	def := int64(q.Default / time.Second)
	if q.Default <= 0 {
		def = -1
	}
	rows, err := queries(tx).ExpiredExecutions(ctx, db.ExpiredExecutionsParams{
		AfterStarted: q.After.StartedAt, AfterID: q.After.ID, StartedBefore: q.Now.Add(-q.Shortest),
		DefaultSeconds: def, Now: q.Now, MaxRows: int32(q.Limit),
	})
	return vals(rows, err, func(r *db.ExpiredExecutionsRow) *Expired { return (*Expired)(r) })
}

// DeleteMapChildren deletes up to limit child executions of the Map runs
// of executions ids, with everything of theirs, and returns how many.
func DeleteMapChildren(ctx context.Context, tx Querier, ids []int64, limit int) (int64, error) {
	return queries(tx).DeleteMapChildren(ctx, db.DeleteMapChildrenParams{Ids: ids, MaxRows: int32(limit)})
}

// DeleteExecutions deletes executions ids with everything that belongs
// to them (runs with their variables and leases, history, task tokens,
// activity tasks, Map runs with their child executions), and returns
// how many it deleted.
func DeleteExecutions(ctx context.Context, tx Querier, ids []int64) (int64, error) {
	return queries(tx).DeleteExecutions(ctx, ids)
}
