package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// Run statuses.
const (
	RunPending   = "PENDING"
	RunRunning   = "RUNNING"
	RunSucceeded = "SUCCEEDED"
	RunFailed    = "FAILED"
	RunAborted   = "ABORTED"
)

// Run is the progress of one (sub)machine inside an execution: the
// top-level run, or a Parallel branch or Map iteration with a parent.
// Seq grows with every change; jobs carry the Seq they expect.
type Run struct {
	ID             int64      `db:"id"`
	ExecutionID    int64      `db:"execution_id"`
	ParentID       *int64     `db:"parent_id"`
	Idx            int        `db:"idx"`
	MachinePath    string     `db:"machine_path"`
	Status         string     `db:"status"`
	State          string     `db:"state"`
	StateInput     *string    `db:"state_input"`
	StateEnteredAt *time.Time `db:"state_entered_at"`
	EnteredEventID int64      `db:"entered_event_id"`
	Retries        []int32    `db:"retries"`
	Seq            int64      `db:"seq"`
	Waiting        *string    `db:"waiting"`
	Fork           *string    `db:"fork"`
	TaskToken      *string    `db:"task_token"`
	HeartbeatAt    *time.Time `db:"heartbeat_at"`
	Output         *string    `db:"output"`
	Error          *string    `db:"error"`
	Cause          *string    `db:"cause"`
}

// InsertRun creates a run and returns its id.
func InsertRun(ctx context.Context, q Querier, r *Run) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, sql("InsertRun"), r.ExecutionID, r.ParentID, r.Idx, r.MachinePath, r.Status, r.State, r.StateInput).Scan(&id)
	return id, err
}

// InsertPendingRuns creates PENDING child runs of parent, one per input,
// numbered from 0, all starting at state start.
func InsertPendingRuns(ctx context.Context, q Querier, executionID, parent int64, machinePath, start string, inputs []string) error {
	idx := make([]int32, len(inputs))
	for i := range idx {
		idx[i] = int32(i)
	}
	_, err := q.Exec(ctx, sql("InsertPendingRuns"), executionID, parent, machinePath, start, idx, inputs)
	return err
}

func oneRun(ctx context.Context, q Querier, query string, args ...any) (*Run, error) {
	rows, _ := q.Query(ctx, sql(query), args...)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Run])
	return r, notFound(err)
}

// GetRun reads a run.
func GetRun(ctx context.Context, q Querier, id int64) (*Run, error) {
	return oneRun(ctx, q, "GetRun", id)
}

// GetRunByToken finds the run waiting on a task token.
func GetRunByToken(ctx context.Context, q Querier, token string) (*Run, error) {
	return oneRun(ctx, q, "GetRunByToken", token)
}

// TopRun reads an execution's top-level run.
func TopRun(ctx context.Context, q Querier, executionID int64) (*Run, error) {
	return oneRun(ctx, q, "TopRun", executionID)
}

// PendingRun is a child run waiting to start.
type PendingRun struct {
	ID  int64 `db:"id"`
	Idx int   `db:"idx"`
	Seq int64 `db:"seq"`
}

// ClaimPendingRuns sets up to limit PENDING children of parent RUNNING,
// from index from on in index order, and returns them with their new
// sequence numbers.
func ClaimPendingRuns(ctx context.Context, q Querier, parent int64, from, limit int) ([]PendingRun, error) {
	rows, _ := q.Query(ctx, sql("ClaimPendingRuns"), parent, from, limit)
	return pgx.CollectRows(rows, pgx.RowToStructByName[PendingRun])
}

// ChildResult is how one child run ended.
type ChildResult struct {
	Idx    int     `db:"idx"`
	Status string  `db:"status"`
	Output *string `db:"output"`
	Error  *string `db:"error"`
	Cause  *string `db:"cause"`
}

// ChildResults lists a parent's children in index order.
func ChildResults(ctx context.Context, q Querier, parent int64) ([]ChildResult, error) {
	rows, _ := q.Query(ctx, sql("ChildOutputs"), parent)
	return pgx.CollectRows(rows, pgx.RowToStructByName[ChildResult])
}

// ActiveDescendants lists the ids of the pending and running runs below a
// run.
func ActiveDescendants(ctx context.Context, q Querier, id int64) ([]int64, error) {
	rows, _ := q.Query(ctx, sql("ActiveDescendants"), id)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// AbortRuns marks runs ABORTED.
func AbortRuns(ctx context.Context, q Querier, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := q.Exec(ctx, sql("AbortRuns"), ids)
	return err
}

// TouchHeartbeat records a heartbeat for the task a run waits on; it
// returns ErrNotFound when the run no longer waits on that task.
func TouchHeartbeat(ctx context.Context, q Querier, id, seq int64) error {
	tag, err := q.Exec(ctx, sql("TouchHeartbeat"), id, seq)
	if err == nil && tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return err
}

// DeleteChildren removes a run's child runs (before a retried fork).
func DeleteChildren(ctx context.Context, q Querier, parent int64) error {
	_, err := q.Exec(ctx, sql("DeleteChildren"), parent)
	return err
}

// ResetChildren sets every child of parent that did not succeed back to
// PENDING (for a redrive) and returns their ids.
func ResetChildren(ctx context.Context, q Querier, parent int64) ([]int64, error) {
	rows, _ := q.Query(ctx, sql("ResetChildren"), parent)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// RunBrief is a run's id and status.
type RunBrief struct {
	ID     int64  `db:"id"`
	Status string `db:"status"`
}

// ExecutionRuns lists every run of an execution.
func ExecutionRuns(ctx context.Context, q Querier, executionID int64) ([]RunBrief, error) {
	rows, _ := q.Query(ctx, sql("ExecutionRuns"), executionID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[RunBrief])
}

// TaskToken is a callback token and the task it belongs to.
type TaskToken struct {
	Token       string `db:"token"`
	ExecutionID int64  `db:"execution_id"`
	RunID       int64  `db:"run_id"`
	Seq         int64  `db:"seq"`
	Closed      bool   `db:"closed"`
}

// InsertTaskToken records a callback token.
func InsertTaskToken(ctx context.Context, q Querier, t *TaskToken) error {
	_, err := q.Exec(ctx, sql("InsertTaskToken"), t.Token, t.ExecutionID, t.RunID, t.Seq)
	return err
}

// GetTaskToken reads a callback token.
func GetTaskToken(ctx context.Context, q Querier, token string) (*TaskToken, error) {
	rows, _ := q.Query(ctx, sql("GetTaskToken"), token)
	t, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[TaskToken])
	return t, notFound(err)
}

// CloseTaskToken marks a callback token's task closed.
func CloseTaskToken(ctx context.Context, q Querier, token string) error {
	_, err := q.Exec(ctx, sql("CloseTaskToken"), token)
	return err
}

// TaskJobsOfRun lists the River jobs still to run, or running, a run's
// task (normally one).
func TaskJobsOfRun(ctx context.Context, q Querier, id int64) ([]int64, error) {
	rows, _ := q.Query(ctx, sql("TaskJobsOfRun"), id)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// GetRuns reads several runs.
func GetRuns(ctx context.Context, q Querier, ids []int64) ([]*Run, error) {
	rows, _ := q.Query(ctx, sql("GetRuns"), ids)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Run])
}
