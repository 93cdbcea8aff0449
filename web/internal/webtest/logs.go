package webtest

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/internal/logsink"
)

// LogRun writes the log records of events of the execution executionARN
// of the machine machineARN through a PostgreSQL log sink on a's
// database, as a stream at level ALL with execution data would, and
// waits until they are stored. Events without an ID are numbered 1, 2, …
// (each pointing to the one before) and those without a Timestamp are one
// millisecond apart from start.
func (a *API) LogRun(machineARN, executionARN string, start time.Time, events ...runner.Event) {
	a.t.Helper()
	s := logsink.Stream{StateMachineARN: machineARN, Level: logsink.LevelAll, IncludeExecutionData: true,
		LogGroupARN: "arn:aws:logs:us-east-1:000000000000:log-group:/stepwise/test:*"}
	records := make([]logsink.Record, len(events))
	for i, ev := range events {
		if ev.ID == 0 {
			ev.ID, ev.PreviousID = int64(i+1), int64(i)
		}
		if ev.Timestamp.IsZero() {
			ev.Timestamp = start.Add(time.Duration(i) * time.Millisecond)
		}
		records[i] = s.Record(executionARN, logsink.Event{Event: ev})
	}
	sink := logsink.NewPostgres(a.E.Pool(), nil)
	sink.Log(records)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(a.t, sink.Flush(ctx))
	require.NoError(a.t, sink.Close(ctx))
	require.Zero(a.t, sink.Dropped(), "log records dropped")
}

// PassRun is the events of a run of PassMachine that ends with end
// (ExecutionSucceeded, ExecutionFailed, ...; "" for one still running),
// with input and output {"n": 1}: state P is left only by a run that
// succeeds; error and cause go on the end event.
func PassRun(end, error, cause string) []runner.Event {
	in := map[string]any{"n": 1}
	events := []runner.Event{{Type: "ExecutionStarted", Input: in}, {Type: "PassStateEntered", State: "P", Input: in}}
	if end == "" {
		return events
	}
	if end == "ExecutionSucceeded" {
		events = append(events, runner.Event{Type: "PassStateExited", State: "P", Output: in})
	}
	return append(events, runner.Event{Type: end, Output: in, Error: error, Cause: cause})
}

// ExpressMachine creates the EXPRESS machine name running PassMachine and
// returns its ARN with a function making the ARNs of its executions
// (express:NAME:EXEC:id-EXEC).
func (a *API) ExpressMachine(name string) (string, func(execution string) string) {
	a.t.Helper()
	machine := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines",
		map[string]any{"name": name, "type": "EXPRESS", "definition": json.RawMessage(PassMachine)})["arn"].(string)
	m, err := arn.ParseStateMachine(machine)
	require.NoError(a.t, err)
	return machine, func(execution string) string { return m.Space.Express(name, execution, "id-"+execution) }
}
