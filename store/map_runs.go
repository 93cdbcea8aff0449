package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// Map run statuses (AWS's MapRunStatus).
const (
	MapRunRunning   = "RUNNING"
	MapRunSucceeded = "SUCCEEDED"
	MapRunFailed    = "FAILED"
	MapRunAborted   = "ABORTED"
)

// MapRun is a Distributed Map's run: the child executions one Map state
// started, and the settings that control them. Its fields are
// db.StepwiseMapRun's.
type MapRun struct {
	ID                         int64      `db:"id"`
	ARN                        string     `db:"arn"`
	ExecutionID                int64      `db:"execution_id"`
	RunID                      int64      `db:"run_id"`
	State                      string     `db:"state"`
	Label                      string     `db:"label"`
	Status                     string     `db:"status"`
	MaxConcurrency             int32      `db:"max_concurrency"`
	ToleratedFailureCount      int64      `db:"tolerated_failure_count"`
	ToleratedFailurePercentage float32    `db:"tolerated_failure_percentage"`
	ReaderPosition             string     `db:"reader_position"`
	ItemsRead                  int64      `db:"items_read"`
	Children                   int32      `db:"children"`
	ReaderDone                 bool       `db:"reader_done"`
	ResultsWritten             int64      `db:"results_written"`
	StartedAt                  time.Time  `db:"started_at"`
	StoppedAt                  *time.Time `db:"stopped_at"`
	RedriveCount               int32      `db:"redrive_count"`
	RedriveDate                *time.Time `db:"redrive_date"`
}

func asMapRun(r *db.StepwiseMapRun) *MapRun { return (*MapRun)(r) }

// InsertMapRun creates a RUNNING Map run and sets m.ID.
func InsertMapRun(ctx context.Context, q Querier, m *MapRun) error {
	id, err := queries(q).InsertMapRun(ctx, db.InsertMapRunParams{ARN: m.ARN, ExecutionID: m.ExecutionID, RunID: m.RunID,
		State: m.State, Label: m.Label, MaxConcurrency: m.MaxConcurrency, ToleratedFailureCount: m.ToleratedFailureCount,
		ToleratedFailurePercentage: m.ToleratedFailurePercentage, StartedAt: m.StartedAt})
	m.ID, m.Status, m.ReaderPosition = id, MapRunRunning, "{}"
	return err
}

// GetMapRun reads a Map run by id.
func GetMapRun(ctx context.Context, q Querier, id int64) (*MapRun, error) {
	r, err := queries(q).GetMapRun(ctx, id)
	return onePtr(r, err, asMapRun)
}

// GetMapRunByARN reads a Map run by ARN.
func GetMapRunByARN(ctx context.Context, q Querier, arn string) (*MapRun, error) {
	r, err := queries(q).GetMapRunByARN(ctx, arn)
	return onePtr(r, err, asMapRun)
}

// ListMapRuns returns up to limit of an execution's Map runs with ids
// above afterID, oldest first.
func ListMapRuns(ctx context.Context, q Querier, executionID, afterID int64, limit int) ([]*MapRun, error) {
	rows, err := queries(q).ListMapRuns(ctx, db.ListMapRunsParams{ExecutionID: executionID, AfterID: afterID,
		MaxRows: int32(limit)})
	return ptrs(rows, err, asMapRun)
}

// AdvanceMapRunReader records m's reader position, items read, children
// created and whether the reader is done.
func AdvanceMapRunReader(ctx context.Context, q Querier, m *MapRun) error {
	return queries(q).AdvanceMapRunReader(ctx, db.AdvanceMapRunReaderParams{ID: m.ID, ReaderPosition: m.ReaderPosition,
		ItemsRead: m.ItemsRead, Children: m.Children, ReaderDone: m.ReaderDone})
}

// EndMapRun ends a RUNNING Map run with status.
func EndMapRun(ctx context.Context, q Querier, id int64, status string, at time.Time, resultsWritten int64) error {
	return queries(q).EndMapRun(ctx, db.EndMapRunParams{ID: id, Status: status, StoppedAt: &at, ResultsWritten: resultsWritten})
}

// UpdateMapRunSettings changes a Map run's concurrency and tolerance.
func UpdateMapRunSettings(ctx context.Context, q Querier, m *MapRun) error {
	return queries(q).UpdateMapRunSettings(ctx, db.UpdateMapRunSettingsParams{ID: m.ID, MaxConcurrency: m.MaxConcurrency,
		ToleratedFailureCount: m.ToleratedFailureCount, ToleratedFailurePercentage: m.ToleratedFailurePercentage})
}

// MapRunChildCounts counts a Map run's children in each status.
func MapRunChildCounts(ctx context.Context, q Querier, id int64) (map[string]int64, error) {
	rows, err := queries(q).MapRunChildCounts(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Status] = r.Count
	}
	return out, nil
}

// MapChild is a Map run's child execution as its result is reported.
type MapChild struct {
	ID           int64      `db:"id"`
	ARN          string     `db:"arn"`
	Name         string     `db:"name"`
	Status       string     `db:"status"`
	Input        string     `db:"input"`
	Output       *string    `db:"output"`
	Error        *string    `db:"error"`
	Cause        *string    `db:"cause"`
	StartedAt    time.Time  `db:"started_at"`
	StoppedAt    *time.Time `db:"stopped_at"`
	RedriveCount int        `db:"redrive_count"`
	MapIndex     *int32     `db:"map_index"`
}

// MapRunChildren returns up to limit of a Map run's children in item
// order, from item index from.
func MapRunChildren(ctx context.Context, q Querier, id int64, from, limit int) ([]*MapChild, error) {
	rows, err := queries(q).MapRunChildren(ctx, db.MapRunChildrenParams{MapRunID: id, FromIndex: int32(from), MaxRows: int32(limit)})
	return ptrs(rows, err, func(r *db.MapRunChildrenRow) *MapChild { return (*MapChild)(r) })
}

// AbortMapRunsOf ends the RUNNING Map runs of runs ABORTED.
func AbortMapRunsOf(ctx context.Context, q Querier, runs []int64, at time.Time) error {
	return queries(q).AbortMapRunsOf(ctx, db.AbortMapRunsOfParams{RunIds: runs, StoppedAt: at})
}

// RedriveMapRun sets a Map run RUNNING again and counts the redrive.
func RedriveMapRun(ctx context.Context, q Querier, id int64, at time.Time) error {
	return queries(q).RedriveMapRun(ctx, db.RedriveMapRunParams{ID: id, RedriveDate: at})
}

// ChildToRedrive is a Map run's child that ended other than SUCCEEDED.
type ChildToRedrive struct {
	ID       int64 `db:"id"`
	MapIndex int32 `db:"map_index"`
}

// MapRunChildrenToRedrive returns up to limit of a Map run's children
// that failed, timed out or were aborted, in item order from index from.
func MapRunChildrenToRedrive(ctx context.Context, q Querier, id int64, from, limit int) ([]ChildToRedrive, error) {
	rows, err := queries(q).MapRunChildrenToRedrive(ctx, db.MapRunChildrenToRedriveParams{MapRunID: id, FromIndex: int32(from), MaxRows: int32(limit)})
	return vals(rows, err, func(r *db.MapRunChildrenToRedriveRow) *ChildToRedrive { return (*ChildToRedrive)(r) })
}

// CountRunningMapChildren counts the RUNNING children of an execution's
// Map runs.
func CountRunningMapChildren(ctx context.Context, q Querier, executionID int64) (int64, error) {
	return queries(q).CountRunningMapChildren(ctx, executionID)
}

// MapChildEnd is how a Map run's child ended.
type MapChildEnd struct {
	Status string  `db:"status"`
	Error  *string `db:"error"`
	Cause  *string `db:"cause"`
}

// CountMapChildEnd marks the end of child id of Map run mapRunID counted
// and returns it; nil when it was counted already (or has not ended, or
// is another Map run's).
func CountMapChildEnd(ctx context.Context, q Querier, id, mapRunID int64) (*MapChildEnd, error) {
	r, err := queries(q).CountMapChildEnd(ctx, db.CountMapChildEndParams{ID: id, MapRunID: mapRunID})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return (*MapChildEnd)(&r), nil
}

// CountMapChildEnds marks the ends of Map run id's ended children
// counted.
func CountMapChildEnds(ctx context.Context, q Querier, id int64) error {
	return queries(q).CountMapChildEnds(ctx, id)
}
