package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// InsertEventsBatch appends history events of any executions in one
// statement.
func InsertEventsBatch(ctx context.Context, q Querier, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	n := len(events)
	execs, ids := make([]int64, n), make([]int64, n)
	types, times := make([]string, n), make([]time.Time, n)
	states, details := make([]*string, n), make([]*string, n)
	for i, e := range events {
		execs[i], ids[i], types[i], times[i], states[i], details[i] = e.ExecutionID, e.ID, e.Type, e.Timestamp, e.State, e.Details
	}
	_, err := q.Exec(ctx, sql("InsertEventsBatch"), execs, ids, types, times, states, details)
	return err
}

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
	_, err := q.Exec(ctx, sql("UpdateExecutionsBatch"), c.ids, c.status, c.outputs, c.errs, c.causes, c.stopped, c.last)
	return err
}

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
	_, err := q.Exec(ctx, sql("SaveRunsBatch"), c.ids, c.status, c.state, c.input, keep, c.enteredAt, c.entered,
		c.retries, c.seq, c.waiting, c.fork, c.token, c.heartbeat, c.output, c.errs, c.causes)
	return err
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

// NewExecutionIDs reserves ids for n executions and their top-level
// runs.
func NewExecutionIDs(ctx context.Context, q Querier, n int) (execs, runs []int64, err error) {
	rows, _ := q.Query(ctx, sql("NewExecutionIDs"), n)
	var e, r int64
	_, err = pgx.ForEachRow(rows, []any{&e, &r}, func() error {
		execs, runs = append(execs, e), append(runs, r)
		return nil
	})
	return execs, runs, err
}

// NewExecution is an execution to create, with its top-level run, both
// with the ids NewExecutionIDs gave.
type NewExecution struct {
	Execution *Execution
	Run       *Run
}

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
	_, err := q.Exec(ctx, sql("InsertExecutionsAndRuns"), x.ids, x.arns, x.machines, x.versions, x.names,
		x.status, x.inputs, x.outputs, x.errs, x.causes, x.started, x.stopped, x.last,
		r.ids, r.execs, r.status, r.state, r.input, r.enteredAt, r.entered, r.retries, r.seq,
		r.waiting, r.fork, r.token, r.heartbeat, r.output, r.errs, r.causes)
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
}

func (c *executionColumns) add(e *Execution) {
	c.ids, c.machines, c.last = append(c.ids, e.ID), append(c.machines, e.StateMachineID), append(c.last, e.LastEventID)
	c.versions = append(c.versions, int32(e.Version))
	c.arns, c.names, c.status, c.inputs = append(c.arns, e.ARN), append(c.names, e.Name), append(c.status, e.Status), append(c.inputs, e.Input)
	c.outputs, c.errs, c.causes = append(c.outputs, e.Output), append(c.errs, e.Error), append(c.causes, e.Cause)
	c.started, c.stopped = append(c.started, e.StartedAt), append(c.stopped, e.StoppedAt)
}

// runColumns holds runs as one array per column.
type runColumns struct {
	ids, execs, entered, seq    []int64
	status, state, retries      []string
	input, waiting, fork, token []*string
	output, errs, causes        []*string
	enteredAt, heartbeat        []*time.Time
}

func (c *runColumns) add(r *Run) {
	c.ids, c.execs, c.entered, c.seq = append(c.ids, r.ID), append(c.execs, r.ExecutionID), append(c.entered, r.EnteredEventID), append(c.seq, r.Seq)
	c.status, c.state, c.retries = append(c.status, r.Status), append(c.state, r.State), append(c.retries, intArray(r.Retries))
	c.input, c.waiting, c.fork, c.token = append(c.input, r.StateInput), append(c.waiting, r.Waiting), append(c.fork, r.Fork), append(c.token, r.TaskToken)
	c.output, c.errs, c.causes = append(c.output, r.Output), append(c.errs, r.Error), append(c.causes, r.Cause)
	c.enteredAt, c.heartbeat = append(c.enteredAt, r.StateEnteredAt), append(c.heartbeat, r.HeartbeatAt)
}
