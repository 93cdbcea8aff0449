package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// Execution statuses.
const (
	StatusRunning   = "RUNNING"
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
)

// Execution is one run of a state machine version. Input and Output are
// JSON text. Its fields are db.StepwiseExecution's, so rows convert to it
// without a copy.
type Execution struct {
	ID             int64      `db:"id"`
	ARN            string     `db:"arn"`
	StateMachineID int64      `db:"state_machine_id"`
	Version        int        `db:"version"`
	Name           string     `db:"name"`
	Status         string     `db:"status"`
	Input          string     `db:"input"`
	Output         *string    `db:"output"`
	Error          *string    `db:"error"`
	Cause          *string    `db:"cause"`
	StartedAt      time.Time  `db:"started_at"`
	StoppedAt      *time.Time `db:"stopped_at"`
	LastEventID    int64      `db:"last_event_id"`
	RedriveCount   int        `db:"redrive_count"`
	// ParentID, ParentRunID and ParentSeq are the execution, run and
	// sequence number of the Task that started this one as a nested
	// execution, and ParentPattern its integration pattern ("", ".sync",
	// ".sync:2" or ".waitForTaskToken"); nil for an execution started
	// through the API.
	ParentID      *int64  `db:"parent_id"`
	ParentRunID   *int64  `db:"parent_run_id"`
	ParentSeq     *int64  `db:"parent_seq"`
	ParentPattern *string `db:"parent_pattern"`
	// TestCase is the mock configuration's test case the execution runs
	// (started as StateMachineArn#TestCase); nil for none.
	TestCase *string `db:"test_case"`
	// Waited says a caller waits for the execution's end, so the
	// transaction that ends it notifies (NotifyEnded). Set at creation by
	// a start that waits, later by MarkWaited.
	Waited bool `db:"waited"`
	// Watched says a caller watches the execution move, so every
	// transaction that adds events to it or changes its status notifies
	// (NotifyProgress). Set by MarkWatched, never cleared.
	Watched bool `db:"watched"`
	// VersionARN and AliasARN are the published version and the alias
	// the execution was started through; nil when it was started on the
	// machine itself (an alias start has both).
	VersionARN *string `db:"version_arn"`
	AliasARN   *string `db:"alias_arn"`
	// MachinePath, MapRunID and MapIndex are set on a child execution of
	// a Distributed Map's Map run: the item processor's path in the
	// definition, the Map run, and the child's place in item order.
	MachinePath *string `db:"machine_path"`
	MapRunID    *int64  `db:"map_run_id"`
	MapIndex    *int32  `db:"map_index"`
	// MapCounted says the Map run has counted the child's end.
	MapCounted bool `db:"map_counted"`
}

func asExecution(r *db.StepwiseExecution) *Execution { return (*Execution)(r) }

func oneExecution(row db.StepwiseExecution, err error) (*Execution, error) {
	return onePtr(row, err, asExecution)
}

func executions(rows []db.StepwiseExecution, err error) ([]*Execution, error) {
	return ptrs(rows, err, asExecution)
}

// InsertExecution creates a RUNNING execution. It returns ErrConflict when
// the machine already has an execution of that name.
func InsertExecution(ctx context.Context, q Querier, e *Execution) (*Execution, error) {
	out, err := oneExecution(queries(q).InsertExecution(ctx, db.InsertExecutionParams{ARN: e.ARN,
		StateMachineID: e.StateMachineID, Version: e.Version, Name: e.Name, Input: e.Input, StartedAt: e.StartedAt}))
	if err == ErrNotFound {
		return nil, ErrConflict
	}
	return out, err
}

// GetExecution reads an execution by id.
func GetExecution(ctx context.Context, q Querier, id int64) (*Execution, error) {
	return oneExecution(queries(q).GetExecution(ctx, id))
}

// GetExecutionByName reads a machine's execution by name.
func GetExecutionByName(ctx context.Context, q Querier, machineID int64, name string) (*Execution, error) {
	return oneExecution(queries(q).GetExecutionByName(ctx, db.GetExecutionByNameParams{StateMachineID: machineID, Name: name}))
}

// GetExecutionByARN reads an execution by ARN.
func GetExecutionByARN(ctx context.Context, q Querier, arn string) (*Execution, error) {
	return oneExecution(queries(q).GetExecutionByARN(ctx, arn))
}

// RedriveExecution sets a stopped execution RUNNING again.
func RedriveExecution(ctx context.Context, q Querier, id, lastEventID int64) error {
	return queries(q).RedriveExecution(ctx, db.RedriveExecutionParams{ID: id, LastEventID: lastEventID})
}

// Bounds standing for "no bound" in the execution listing.
var (
	startOfTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	endOfTime   = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
)

const maxID = 1<<63 - 1

// ExecutionFilter selects a page of executions for ListExecutions. Zero
// fields match everything.
type ExecutionFilter struct {
	StateMachineID int64
	Status         string
	NamePrefix     string
	// VersionARN and AliasARN keep the executions started through that
	// version or alias; empty keeps all.
	VersionARN, AliasARN string
	// Redriven is "" (all), "REDRIVEN" or "NOT_REDRIVEN".
	Redriven string
	// MapRunID lists a Map run's child executions; 0 lists the
	// executions that are no Map run's children.
	MapRunID int64
	// StartedAfter and StartedBefore bound started_at to
	// [StartedAfter, StartedBefore).
	StartedAfter  time.Time
	StartedBefore time.Time
	// AfterStart and AfterID are the position of the previous page's last
	// execution; the page holds the executions older than it.
	AfterStart time.Time
	AfterID    int64
	// Limit is the page size; required.
	Limit int
}

// ListExecutions returns executions newest first (by start time, then
// id), filtered and positioned by p.
func ListExecutions(ctx context.Context, q Querier, p ExecutionFilter) ([]*Execution, error) {
	after, before := orTime(p.StartedAfter, startOfTime), orTime(p.StartedBefore, endOfTime)
	atStart, atID := p.AfterStart, p.AfterID
	if atStart.IsZero() {
		atStart, atID = endOfTime, maxID
	}
	return executions(queries(q).ListExecutions(ctx, db.ListExecutionsParams{StateMachineID: p.StateMachineID, Status: p.Status,
		StartedAfter: after, StartedBefore: before, AtStart: atStart, AtID: atID,
		NameLike: likePrefix(p.NamePrefix), VersionARN: p.VersionARN, AliasARN: p.AliasARN, Redriven: p.Redriven, MapRunID: p.MapRunID, MaxRows: int32(p.Limit)}))
}

func likePrefix(p string) string {
	out := make([]byte, 0, len(p)+1)
	for i := 0; i < len(p); i++ {
		if p[i] == '%' || p[i] == '_' || p[i] == '\\' {
			out = append(out, '\\')
		}
		out = append(out, p[i])
	}
	return string(out) + "%"
}

// RunningExecution identifies a RUNNING execution.
type RunningExecution struct {
	ID  int64  `db:"id"`
	ARN string `db:"arn"`
}

// ListRunningExecutions returns up to limit of a machine's RUNNING
// executions with ids above afterID, in id order.
func ListRunningExecutions(ctx context.Context, q Querier, machineID, afterID int64, limit int) ([]RunningExecution, error) {
	rows, err := queries(q).ListRunningExecutions(ctx, db.ListRunningExecutionsParams{StateMachineID: machineID,
		AfterID: afterID, MaxRows: int32(limit)})
	return vals(rows, err, func(r *db.ListRunningExecutionsRow) *RunningExecution { return (*RunningExecution)(r) })
}

// CountRunningExecutions counts a machine's RUNNING executions.
func CountRunningExecutions(ctx context.Context, q Querier, id int64) (int64, error) {
	return queries(q).CountRunningExecutions(ctx, id)
}

// CountExecutionsByStatus counts the executions in each status; statuses
// without executions are absent.
func CountExecutionsByStatus(ctx context.Context, q Querier) (map[string]int64, error) {
	rows, err := queries(q).CountExecutionsByStatus(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.Status] = r.Count
	}
	return out, nil
}

// LockExecutions reads several executions and locks them until the
// transaction ends (every transaction that moves an execution takes its
// lock first), in id order so that transactions locking overlapping sets
// cannot deadlock.
func LockExecutions(ctx context.Context, q Querier, ids []int64) ([]*Execution, error) {
	return executions(queries(q).LockExecutions(ctx, ids))
}

// LockExecutionWithRun locks an execution and reads one of its runs in the
// same round trip (see LockExecutionsWithRuns); the run is nil when it does
// not exist or belongs to another execution. The run is read by a second
// statement in the same batch, not joined to the locking one: a statement
// that waited for the lock sees the execution as the lock's holder left it
// but every other row as it was before the wait (READ COMMITTED), so a
// joined run could be one transition old.
func LockExecutionWithRun(ctx context.Context, q Querier, id, runID int64) (*Execution, *Run, error) {
	var runIDs []int64
	if runID != 0 {
		runIDs = []int64{runID}
	}
	execs, runs, err := LockExecutionsWithRuns(ctx, q, []int64{id}, runIDs)
	if err != nil {
		return nil, nil, err
	}
	if len(execs) == 0 {
		return nil, nil, ErrNotFound
	}
	for _, r := range runs {
		if r.ID == runID && r.ExecutionID == id {
			return execs[0], r, nil
		}
	}
	return execs[0], nil, nil
}

// LockExecutionsWithRuns locks several executions (as LockExecutions) and
// reads runs, in one round trip when q can send a batch; there they come
// with their parents. The runs are read after the locks are held, so they
// are up to date.
func LockExecutionsWithRuns(ctx context.Context, q Querier, ids, runIDs []int64) ([]*Execution, []*Run, error) {
	sender, ok := q.(interface {
		SendBatch(context.Context, *pgx.Batch) pgx.BatchResults
	})
	if !ok || len(runIDs) == 0 {
		execs, err := LockExecutions(ctx, q, ids)
		if err != nil || len(runIDs) == 0 {
			return execs, nil, err
		}
		runs, err := GetRuns(ctx, q, runIDs)
		return execs, runs, err
	}
	// The batch queues the generated statements' texts and scans their
	// rows by column name (the db tags of Execution and Run), as the
	// generated methods cannot read a batch's results: an adapter that
	// let them cost three allocations more per call on the engine's
	// hottest read (88 against 85, BenchmarkHotPath).
	b := &pgx.Batch{}
	b.Queue(db.LockExecutionsSQL, ids)
	b.Queue(db.GetRunsAndParentsSQL, runIDs)
	res := sender.SendBatch(ctx, b)
	defer res.Close()
	rows, _ := res.Query()
	execs, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Execution])
	if err != nil {
		return nil, nil, err
	}
	rows, _ = res.Query()
	runs, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Run])
	return execs, runs, err
}

// NewExecutionIDs reserves ids for n executions and their top-level
// runs. Its rows are scanned into two variables, not by the generated
// method, which allocates a row each (79 allocations against 19 for 32
// ids, BenchmarkHotPath).
func NewExecutionIDs(ctx context.Context, q Querier, n int) (execs, runs []int64, err error) {
	rows, _ := q.Query(ctx, db.NewExecutionIDsSQL, int32(n))
	var e, r int64
	_, err = pgx.ForEachRow(rows, []any{&e, &r}, func() error {
		execs, runs = append(execs, e), append(runs, r)
		return nil
	})
	return execs, runs, err
}

// updateExecutionsBatch writes back executions' status, result and last
// event id. A Go constant, not sqlc's: sqlc types every element of an
// array parameter as non-null (sqlc-dev/sqlc#1851), and output, error,
// cause and stopped_at hold NULLs.
const updateExecutionsBatch = `
UPDATE stepwise_executions AS x
SET status = u.status, output = u.output, error = u.error, cause = u.cause,
    stopped_at = u.stopped_at, last_event_id = u.last_event_id
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bigint[])
     AS u(id, status, output, error, cause, stopped_at, last_event_id)
WHERE x.id = u.id`

// UpdateExecutionsBatch writes the status, result and last event id of
// locked executions in one statement.
func UpdateExecutionsBatch(ctx context.Context, q Querier, execs []*Execution) error {
	if len(execs) == 0 {
		return nil
	}
	c := executionColumns{}
	for _, e := range execs {
		c.add(e)
	}
	_, err := q.Exec(ctx, updateExecutionsBatch, c.ids, c.status, c.outputs, c.errs, c.causes, c.stopped, c.last)
	return err
}

// NewExecution is an execution to create, with its top-level run, both
// with the ids NewExecutionIDs gave.
type NewExecution struct {
	Execution *Execution
	Run       *Run
}

// insertExecutionsAndRuns creates executions with their top-level runs as
// their first transaction left them. A name already taken in its state
// machine is a unique violation that fails the statement. A Go constant,
// not sqlc's, for the NULLs in its array parameters (see
// updateExecutionsBatch).
const insertExecutionsAndRuns = `
WITH e AS (
    INSERT INTO stepwise_executions (id, arn, state_machine_id, version, name, status, input, output,
                                     error, cause, started_at, stopped_at, last_event_id,
                                     parent_id, parent_run_id, parent_seq, parent_pattern, test_case, waited,
                                     version_arn, alias_arn, machine_path, map_run_id, map_index)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::integer[], $5::text[], $6::text[],
                         $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[],
                         $12::timestamptz[], $13::bigint[], $30::bigint[], $31::bigint[], $32::bigint[],
                         $33::text[], $34::text[], $35::boolean[], $36::text[], $37::text[],
                         $38::text[], $39::bigint[], $40::integer[])
)
INSERT INTO stepwise_runs (id, execution_id, machine_path, status, state, state_input, state_entered_at,
                           entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
                           output, error, cause)
SELECT u.id, u.execution_id, '[]', u.status, u.state, u.state_input, u.state_entered_at, u.entered_event_id,
       u.retries::integer[], u.seq, u.waiting, u.fork, u.task_token, u.heartbeat_at, u.output, u.error, u.cause
FROM unnest($14::bigint[], $15::bigint[], $16::text[], $17::text[], $18::text[], $19::timestamptz[],
            $20::bigint[], $21::text[], $22::bigint[], $23::text[], $24::text[], $25::text[],
            $26::timestamptz[], $27::text[], $28::text[], $29::text[])
     AS u(id, execution_id, status, state, state_input, state_entered_at, entered_event_id, retries,
          seq, waiting, fork, task_token, heartbeat_at, output, error, cause)`

// InsertExecutionsAndRuns creates executions and their top-level runs, as
// they are now, in one statement. A name already taken fails it with a
// unique violation (ErrConflict when q runs the statement at once; a pipe
// that queues it reports the violation when it sends it).
func InsertExecutionsAndRuns(ctx context.Context, q Querier, news []NewExecution) error {
	x := executionColumns{}
	r := runColumns{}
	for _, ne := range news {
		x.add(ne.Execution)
		r.add(ne.Run)
	}
	_, err := q.Exec(ctx, insertExecutionsAndRuns, x.ids, x.arns, x.machines, x.versions, x.names,
		x.status, x.inputs, x.outputs, x.errs, x.causes, x.started, x.stopped, x.last,
		r.ids, r.execs, r.status, r.state, r.input, r.enteredAt, r.entered, r.retries, r.seq,
		r.waiting, r.fork, r.token, r.heartbeat, r.output, r.errs, r.causes,
		x.parents, x.parentRuns, x.parentSeqs, x.patterns, x.testCases, x.waited, x.versionARNs, x.aliasARNs,
		x.paths, x.mapRuns, x.mapIndexes)
	return conflict(err)
}

// executionColumns holds executions as one array per column.
type executionColumns struct {
	ids, machines, last         []int64
	versions                    []int32
	arns, names, status, inputs []string
	outputs, errs, causes       []*string
	started                     []time.Time
	stopped                     []*time.Time
	parents, parentRuns         []*int64
	parentSeqs                  []*int64
	patterns, testCases         []*string
	waited                      []bool
	versionARNs, aliasARNs      []*string
	paths                       []*string
	mapRuns                     []*int64
	mapIndexes                  []*int32
}

func (c *executionColumns) add(e *Execution) {
	c.ids, c.machines, c.last = append(c.ids, e.ID), append(c.machines, e.StateMachineID), append(c.last, e.LastEventID)
	c.versions = append(c.versions, int32(e.Version))
	c.arns, c.names, c.status, c.inputs = append(c.arns, e.ARN), append(c.names, e.Name), append(c.status, e.Status), append(c.inputs, e.Input)
	c.outputs, c.errs, c.causes = append(c.outputs, e.Output), append(c.errs, e.Error), append(c.causes, e.Cause)
	c.started, c.stopped = append(c.started, e.StartedAt), append(c.stopped, e.StoppedAt)
	c.parents, c.parentRuns = append(c.parents, e.ParentID), append(c.parentRuns, e.ParentRunID)
	c.parentSeqs, c.patterns = append(c.parentSeqs, e.ParentSeq), append(c.patterns, e.ParentPattern)
	c.testCases, c.waited = append(c.testCases, e.TestCase), append(c.waited, e.Waited)
	c.versionARNs, c.aliasARNs = append(c.versionARNs, e.VersionARN), append(c.aliasARNs, e.AliasARN)
	c.paths, c.mapRuns, c.mapIndexes = append(c.paths, e.MachinePath), append(c.mapRuns, e.MapRunID), append(c.mapIndexes, e.MapIndex)
}

// MarkWaited records that a caller waits for an execution's end, so that
// the transaction ending it notifies, and returns its status then. It
// waits for a transaction holding the execution's lock, so a status of
// RUNNING means the end is yet to commit and will notify.
func MarkWaited(ctx context.Context, q Querier, id int64) (string, error) {
	status, err := queries(q).MarkWaited(ctx, id)
	return status, notFound(err)
}

// MarkWatched records that a caller watches an execution move, so that
// every transaction adding events to it or changing its status notifies,
// and returns its last event id and status then. It waits for a
// transaction holding the execution's lock, so any later change will
// notify.
func MarkWatched(ctx context.Context, q Querier, id int64) (lastEventID int64, status string, err error) {
	r, err := queries(q).MarkWatched(ctx, id)
	return r.LastEventID, r.Status, notFound(err)
}

// Channels of NOTIFY, each with "ID SENDER" as payload: an execution id
// and the name of the process that committed the change (which wakes its
// own callers without the notification).
const (
	// EndedChannel is notified by NotifyEnded.
	EndedChannel = "stepwise_ended"
	// ProgressChannel is notified by NotifyProgress.
	ProgressChannel = "stepwise_progress"
)

// NotifyEnded tells the processes listening on EndedChannel that the
// executions ids end when this transaction, of process sender, commits.
func NotifyEnded(ctx context.Context, q Querier, ids []int64, sender string) error {
	return notify(ctx, q, EndedChannel, ids, sender)
}

// NotifyProgress tells the processes listening on ProgressChannel that
// the executions ids change (new events or status) when this
// transaction, of process sender, commits.
func NotifyProgress(ctx context.Context, q Querier, ids []int64, sender string) error {
	return notify(ctx, q, ProgressChannel, ids, sender)
}

// notify sends NOTIFY on channel with "ID SENDER" for each of ids as
// payload, when this transaction commits.
func notify(ctx context.Context, q Querier, channel string, ids []int64, sender string) error {
	_, err := q.Exec(ctx, "SELECT pg_notify($1, id::text || ' ' || $3) FROM unnest($2::bigint[]) AS id", channel, ids, sender)
	return err
}

// ExecutionProgress returns an execution's last event id and status, a
// cheap read for watching it move.
func ExecutionProgress(ctx context.Context, q Querier, executionID int64) (lastEventID int64, status string, err error) {
	r, err := queries(q).ExecutionProgress(ctx, executionID)
	return r.LastEventID, r.Status, notFound(err)
}

// NestedToStop returns the running executions that runs started with
// .sync or .sync:2, which stop when the task that waits on them ends
// otherwise.
func NestedToStop(ctx context.Context, q Querier, runIDs []int64) ([]int64, error) {
	return queries(q).NestedToStop(ctx, runIDs)
}

// ListChildExecutions returns up to limit of the executions that Tasks of
// the execution parentID started (see Execution.ParentID), with ids above
// afterID, in id order.
func ListChildExecutions(ctx context.Context, q Querier, parentID, afterID int64, limit int) ([]*Execution, error) {
	return executions(queries(q).ListChildExecutions(ctx, db.ListChildExecutionsParams{ParentID: parentID,
		AfterID: afterID, MaxRows: int32(limit)}))
}
