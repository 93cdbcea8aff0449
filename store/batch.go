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
	n := len(execs)
	ids, last := make([]int64, n), make([]int64, n)
	status := make([]string, n)
	output, errs, causes := make([]*string, n), make([]*string, n), make([]*string, n)
	stopped := make([]*time.Time, n)
	for i, e := range execs {
		ids[i], status[i], output[i], errs[i], causes[i], stopped[i], last[i] = e.ID, e.Status, e.Output, e.Error, e.Cause, e.StoppedAt, e.LastEventID
	}
	_, err := q.Exec(ctx, sql("UpdateExecutionsBatch"), ids, status, output, errs, causes, stopped, last)
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
	n := len(saves)
	ids, entered, seq := make([]int64, n), make([]int64, n), make([]int64, n)
	status, state, retries := make([]string, n), make([]string, n), make([]string, n)
	keep := make([]bool, n)
	input, waiting, fork, token := make([]*string, n), make([]*string, n), make([]*string, n), make([]*string, n)
	output, errs, causes := make([]*string, n), make([]*string, n), make([]*string, n)
	enteredAt, heartbeat := make([]*time.Time, n), make([]*time.Time, n)
	for i, s := range saves {
		r := s.Run
		ids[i], status[i], state[i], input[i], keep[i] = r.ID, r.Status, r.State, r.StateInput, s.KeepInput
		enteredAt[i], entered[i], retries[i], seq[i] = r.StateEnteredAt, r.EnteredEventID, intArray(r.Retries), r.Seq
		waiting[i], fork[i], token[i], heartbeat[i] = r.Waiting, r.Fork, r.TaskToken, r.HeartbeatAt
		output[i], errs[i], causes[i] = r.Output, r.Error, r.Cause
	}
	_, err := q.Exec(ctx, sql("SaveRunsBatch"), ids, status, state, input, keep, enteredAt, entered,
		retries, seq, waiting, fork, token, heartbeat, output, errs, causes)
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

// NewExecution is an execution to create with its top-level run, which
// starts at StartState.
type NewExecution struct {
	Execution  *Execution
	StartState string
}

// CreatedExecution is an execution InsertExecutionsAndRuns created.
type CreatedExecution struct {
	Execution
	RunID int64 `db:"run_id"`
}

// InsertExecutionsAndRuns creates executions and their top-level runs in
// one statement, and returns those it created by ARN; a name already
// taken in its state machine is left out.
func InsertExecutionsAndRuns(ctx context.Context, q Querier, news []NewExecution) (map[string]*CreatedExecution, error) {
	n := len(news)
	arns, names, inputs, starts := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	machines, versions, started := make([]int64, n), make([]int32, n), make([]time.Time, n)
	for i, ne := range news {
		e := ne.Execution
		arns[i], machines[i], versions[i], names[i], inputs[i], started[i], starts[i] = e.ARN, e.StateMachineID, int32(e.Version), e.Name, e.Input, e.StartedAt, ne.StartState
	}
	rows, _ := q.Query(ctx, sql("InsertExecutionsAndRuns"), arns, machines, versions, names, inputs, started, starts)
	created, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[CreatedExecution])
	if err != nil {
		return nil, err
	}
	out := make(map[string]*CreatedExecution, len(created))
	for _, c := range created {
		out[c.ARN] = c
	}
	return out, nil
}
