package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Activity is a named Task resource served by polling workers.
type Activity struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	ARN       string    `db:"arn"`
	CreatedAt time.Time `db:"created_at"`
}

// InsertActivity creates an activity, or returns the one of that name.
func InsertActivity(ctx context.Context, q Querier, name, arn string) (*Activity, error) {
	rows, _ := q.Query(ctx, sql("InsertActivity"), name, arn)
	return pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Activity])
}

// GetActivity reads an activity by name.
func GetActivity(ctx context.Context, q Querier, name string) (*Activity, error) {
	rows, _ := q.Query(ctx, sql("GetActivity"), name)
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Activity])
	return a, notFound(err)
}

// ListActivities returns up to limit activities named after "after".
func ListActivities(ctx context.Context, q Querier, after string, limit int) ([]*Activity, error) {
	rows, _ := q.Query(ctx, sql("ListActivities"), after, limit)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Activity])
}

// DeleteActivity removes an activity.
func DeleteActivity(ctx context.Context, q Querier, name string) error {
	_, err := q.Exec(ctx, sql("DeleteActivity"), name)
	return err
}

// ActivityTask is a task waiting for, or taken by, an activity worker.
type ActivityTask struct {
	Token       string `db:"token"`
	Activity    string `db:"activity"`
	ExecutionID int64  `db:"execution_id"`
	RunID       int64  `db:"run_id"`
	Seq         int64  `db:"seq"`
	Input       string `db:"input"`
}

// InsertActivityTask queues a task for the activity's workers.
func InsertActivityTask(ctx context.Context, q Querier, t *ActivityTask) error {
	_, err := q.Exec(ctx, sql("InsertActivityTask"), t.Token, t.Activity, t.ExecutionID, t.RunID, t.Seq, t.Input)
	return err
}

// ClaimActivityTask takes the oldest waiting task of an activity for a
// worker; ErrNotFound means none is waiting.
func ClaimActivityTask(ctx context.Context, q Querier, activity, worker string) (*ActivityTask, error) {
	rows, _ := q.Query(ctx, sql("ClaimActivityTask"), activity, worker)
	t, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[ActivityTask])
	return t, notFound(err)
}

// DeleteActivityTask removes a task that closed.
func DeleteActivityTask(ctx context.Context, q Querier, token string) error {
	_, err := q.Exec(ctx, sql("DeleteActivityTask"), token)
	return err
}
