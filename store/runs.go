package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/store/internal/db"
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
// Seq grows with every change; jobs carry the Seq they expect. Its fields
// are those of the generated rows of the queries that read runs.
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

// runRow is a generated row of a whole run; each converts to Run.
type runRow interface {
	db.GetRunRow | db.GetRunByTokenRow | db.TopRunRow
}

func oneRun[R runRow](row R, err error) (*Run, error) {
	if err != nil {
		return nil, notFound(err)
	}
	r := Run(row)
	return &r, nil
}

func runPtrs(rows []db.GetRunsRow, err error) ([]*Run, error) {
	return ptrs(rows, err, func(r *db.GetRunsRow) *Run { return (*Run)(r) })
}

// InsertRun creates a run and returns its id.
func InsertRun(ctx context.Context, q Querier, r *Run) (int64, error) {
	return queries(q).InsertRun(ctx, db.InsertRunParams{ExecutionID: r.ExecutionID, ParentID: r.ParentID, Idx: r.Idx,
		MachinePath: r.MachinePath, Status: r.Status, State: r.State, StateInput: r.StateInput})
}

// InsertPendingRuns creates PENDING child runs of parent, one per input,
// numbered from from, all starting at state start.
func InsertPendingRuns(ctx context.Context, q Querier, executionID, parent int64, machinePath, start string, from int, inputs []string) error {
	idx := make([]int32, len(inputs))
	for i := range idx {
		idx[i] = int32(from + i)
	}
	return queries(q).InsertPendingRuns(ctx, db.InsertPendingRunsParams{ExecutionID: executionID, ParentID: parent,
		MachinePath: machinePath, State: start, Idx: idx, Inputs: inputs})
}

// GetRun reads a run.
func GetRun(ctx context.Context, q Querier, id int64) (*Run, error) {
	return oneRun(queries(q).GetRun(ctx, id))
}

// GetRunByToken finds the run waiting on a task token.
func GetRunByToken(ctx context.Context, q Querier, token string) (*Run, error) {
	return oneRun(queries(q).GetRunByToken(ctx, token))
}

// TopRun reads an execution's top-level run.
func TopRun(ctx context.Context, q Querier, executionID int64) (*Run, error) {
	return oneRun(queries(q).TopRun(ctx, executionID))
}

// GetRuns reads several runs.
func GetRuns(ctx context.Context, q Querier, ids []int64) ([]*Run, error) {
	return runPtrs(queries(q).GetRuns(ctx, ids))
}

// ChildClaim asks for up to Limit PENDING children of run Parent, from
// index From on.
type ChildClaim struct {
	Parent      int64
	From, Limit int
}

// PendingChildren reads the PENDING children claims ask for, in one
// statement, ordered by parent and index. The caller, holding the
// execution's lock, begins them: it saves them RUNNING in its transaction.
func PendingChildren(ctx context.Context, q Querier, claims []ChildClaim) ([]*Run, error) {
	p := db.PendingChildrenParams{}
	for _, c := range claims {
		p.ParentIds = append(p.ParentIds, c.Parent)
		p.FromIdx = append(p.FromIdx, int32(c.From))
		p.MaxRows = append(p.MaxRows, int32(c.Limit))
	}
	rows, err := queries(q).PendingChildren(ctx, p)
	return ptrs(rows, err, func(r *db.PendingChildrenRow) *Run { return (*Run)(r) })
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
	rows, err := queries(q).ChildResults(ctx, parent)
	return vals(rows, err, func(r *db.ChildResultsRow) *ChildResult { return (*ChildResult)(r) })
}

// ActiveDescendants lists the ids of the pending and running runs below a
// run.
func ActiveDescendants(ctx context.Context, q Querier, id int64) ([]int64, error) {
	return queries(q).ActiveDescendants(ctx, id)
}

// AbortRuns marks runs ABORTED.
func AbortRuns(ctx context.Context, q Querier, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return queries(q).AbortRuns(ctx, ids)
}

// TouchHeartbeat records a heartbeat for the task a run waits on; it
// returns ErrNotFound when the run no longer waits on that task.
func TouchHeartbeat(ctx context.Context, q Querier, id, seq int64) error {
	tag, err := queries(q).TouchHeartbeat(ctx, db.TouchHeartbeatParams{ID: id, Seq: seq})
	if err == nil && tag.RowsAffected() == 0 {
		return ErrNotFound
	}
	return err
}

// DeleteChildren removes a run's child runs (before a retried fork).
func DeleteChildren(ctx context.Context, q Querier, parent int64) error {
	return queries(q).DeleteChildren(ctx, parent)
}

// ResetChildren sets every child of parent that did not succeed back to
// PENDING (for a redrive) and returns their ids.
func ResetChildren(ctx context.Context, q Querier, parent int64) ([]int64, error) {
	return queries(q).ResetChildren(ctx, parent)
}

// RunBrief is a run's id and status.
type RunBrief struct {
	ID     int64  `db:"id"`
	Status string `db:"status"`
}

// ExecutionRuns lists every run of an execution.
func ExecutionRuns(ctx context.Context, q Querier, executionID int64) ([]RunBrief, error) {
	rows, err := queries(q).ExecutionRuns(ctx, executionID)
	return vals(rows, err, func(r *db.ExecutionRunsRow) *RunBrief { return (*RunBrief)(r) })
}

// RunOutline is a run without its payloads: where it is and how it ended.
type RunOutline struct {
	ID             int64      `db:"id"`
	ParentID       *int64     `db:"parent_id"`
	Idx            int        `db:"idx"`
	MachinePath    string     `db:"machine_path"`
	Status         string     `db:"status"`
	State          string     `db:"state"`
	StateEnteredAt *time.Time `db:"state_entered_at"`
	EnteredEventID int64      `db:"entered_event_id"`
	Retries        []int32    `db:"retries"`
	TaskToken      *string    `db:"task_token"`
	Error          *string    `db:"error"`
	Cause          *string    `db:"cause"`
}

// ListRunOutlines returns every run of an execution in id order (a parent
// before its children).
func ListRunOutlines(ctx context.Context, q Querier, executionID int64) ([]RunOutline, error) {
	rows, err := queries(q).ListRunOutlines(ctx, executionID)
	return vals(rows, err, func(r *db.ListRunOutlinesRow) *RunOutline { return (*RunOutline)(r) })
}

// RunDetail is a run with its payloads.
type RunDetail struct {
	RunOutline
	StateInput *string `db:"state_input"`
	Output     *string `db:"output"`
}

// GetRunDetail reads run id of an execution with its payloads.
func GetRunDetail(ctx context.Context, q Querier, executionID, id int64) (*RunDetail, error) {
	r, err := queries(q).GetRunDetail(ctx, db.GetRunDetailParams{ExecutionID: executionID, ID: id})
	if err != nil {
		return nil, notFound(err)
	}
	return &RunDetail{
		RunOutline: RunOutline{ID: r.ID, ParentID: r.ParentID, Idx: r.Idx, MachinePath: r.MachinePath, Status: r.Status,
			State: r.State, StateEnteredAt: r.StateEnteredAt, EnteredEventID: r.EnteredEventID, Retries: r.Retries,
			TaskToken: r.TaskToken, Error: r.Error, Cause: r.Cause},
		StateInput: r.StateInput, Output: r.Output,
	}, nil
}

// saveRunsBatch writes back changed runs; keep_input leaves a run's
// (possibly large) state input as stored. A Go constant, not sqlc's: sqlc
// types every element of an array parameter as non-null
// (sqlc-dev/sqlc#1851), and most of these columns hold NULLs.
const saveRunsBatch = `
UPDATE stepwise_runs AS r
SET status = u.status, state = u.state,
    state_input = CASE WHEN u.keep_input THEN r.state_input ELSE u.state_input END,
    state_entered_at = u.state_entered_at, entered_event_id = u.entered_event_id,
    retries = u.retries::integer[], seq = u.seq, waiting = u.waiting, fork = u.fork,
    task_token = u.task_token, heartbeat_at = u.heartbeat_at,
    output = u.output, error = u.error, cause = u.cause
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[], $7::bigint[],
            $8::text[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::timestamptz[],
            $14::text[], $15::text[], $16::text[])
     AS u(id, status, state, state_input, keep_input, state_entered_at, entered_event_id,
          retries, seq, waiting, fork, task_token, heartbeat_at, output, error, cause)
WHERE r.id = u.id`

// RunSave is one run to write back; KeepInput leaves its stored state
// input as it is.
type RunSave struct {
	Run       *Run
	KeepInput bool
}

// SaveRunsBatch writes back changed runs in one statement.
func SaveRunsBatch(ctx context.Context, q Querier, saves []RunSave) error {
	if len(saves) == 0 {
		return nil
	}
	c := runColumns{}
	keep := make([]bool, 0, len(saves))
	for _, s := range saves {
		c.add(s.Run)
		keep = append(keep, s.KeepInput)
	}
	_, err := q.Exec(ctx, saveRunsBatch, c.ids, c.status, c.state, c.input, keep, c.enteredAt, c.entered,
		c.retries, c.seq, c.waiting, c.fork, c.token, c.heartbeat, c.output, c.errs, c.causes)
	return err
}

// insertRuns creates child runs as they are now: the children a Parallel
// or Map state begins in the transaction that forks them are written once,
// in their final form, not inserted PENDING and then updated. A Go
// constant, not sqlc's, for the NULLs in its array parameters (see
// updateExecutionsBatch).
const insertRuns = `
INSERT INTO stepwise_runs (id, execution_id, parent_id, idx, machine_path, status, state, state_input,
                           state_entered_at, entered_event_id, retries, seq, waiting, fork, task_token,
                           heartbeat_at, output, error, cause)
SELECT u.id, u.execution_id, u.parent_id, u.idx, u.machine_path, u.status, u.state, u.state_input,
       u.state_entered_at, u.entered_event_id, u.retries::integer[], u.seq, u.waiting, u.fork, u.task_token,
       u.heartbeat_at, u.output, u.error, u.cause
FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::integer[], $5::text[], $6::text[], $7::text[],
            $8::text[], $9::timestamptz[], $10::bigint[], $11::text[], $12::bigint[], $13::text[], $14::text[],
            $15::text[], $16::timestamptz[], $17::text[], $18::text[], $19::text[])
     AS u(id, execution_id, parent_id, idx, machine_path, status, state, state_input, state_entered_at,
          entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at, output, error, cause)`

// InsertRuns creates child runs, with the ids NewRunIDs gave, as they
// are now, in one statement.
func InsertRuns(ctx context.Context, q Querier, runs []*Run) error {
	c := runColumns{}
	for _, r := range runs {
		c.add(r)
		c.parents, c.idx, c.paths = append(c.parents, r.ParentID), append(c.idx, int32(r.Idx)), append(c.paths, r.MachinePath)
	}
	_, err := q.Exec(ctx, insertRuns, c.ids, c.execs, c.parents, c.idx, c.paths, c.status, c.state, c.input,
		c.enteredAt, c.entered, c.retries, c.seq, c.waiting, c.fork, c.token, c.heartbeat, c.output, c.errs, c.causes)
	return err
}

// newRunIDs reserves run ids (see NewRunIDs).
const newRunIDs = `SELECT nextval('stepwise_runs_id_seq') FROM generate_series(1, $1::integer)`

// NewRunIDs reserves ids for n runs, for InsertRuns.
func NewRunIDs(ctx context.Context, q Querier, n int) ([]int64, error) {
	rows, _ := q.Query(ctx, newRunIDs, int32(n))
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// runColumns holds runs as one array per column (parents, idx and paths
// only for InsertRuns).
type runColumns struct {
	ids, execs, entered, seq    []int64
	status, state, retries      []string
	input, waiting, fork, token []*string
	output, errs, causes        []*string
	enteredAt, heartbeat        []*time.Time
	parents                     []*int64
	idx                         []int32
	paths                       []string
}

func (c *runColumns) add(r *Run) {
	c.ids, c.execs, c.entered, c.seq = append(c.ids, r.ID), append(c.execs, r.ExecutionID), append(c.entered, r.EnteredEventID), append(c.seq, r.Seq)
	c.status, c.state, c.retries = append(c.status, r.Status), append(c.state, r.State), append(c.retries, intArray(r.Retries))
	c.input, c.waiting, c.fork, c.token = append(c.input, r.StateInput), append(c.waiting, r.Waiting), append(c.fork, r.Fork), append(c.token, r.TaskToken)
	c.output, c.errs, c.causes = append(c.output, r.Output), append(c.errs, r.Error), append(c.causes, r.Cause)
	c.enteredAt, c.heartbeat = append(c.enteredAt, r.StateEnteredAt), append(c.heartbeat, r.HeartbeatAt)
}

// intArray renders an integer array literal such as {1,0,2}.
func intArray(v []int32) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, n := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(n)))
	}
	b.WriteByte('}')
	return b.String()
}
