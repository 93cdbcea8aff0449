package logsink_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/internal/logsink"
)

const (
	machineARN   = "arn:aws:states:us-east-1:000000000000:stateMachine:orders"
	executionARN = "arn:aws:states:us-east-1:000000000000:execution:orders:run-1"
	logGroupARN  = "arn:aws:logs:us-east-1:000000000000:log-group:/aws/vendedlogs/states/orders:*"
)

var at = time.Date(2026, 12, 3, 7, 0, 0, 123_000_000, time.UTC)

// TestRecord checks the JSON of records in AWS's CloudWatch Logs form,
// with and without execution data, from an engine event (payloads
// already JSON) and from an Express runner event (decoded values).
func TestRecord(t *testing.T) {
	t.Parallel()
	engineEvent := logsink.Event{
		Event:    runner.Event{ID: 3, PreviousID: 2, Type: "TaskScheduled", Timestamp: at, State: "Charge"},
		RawInput: json.RawMessage(`{"amount":5}`),
		Details:  map[string]any{"resource": "arn:aws:lambda:us-east-1:000000000000:function:charge", "parameters": `{"amount":5}`},
	}
	runnerEvent := logsink.Event{Event: runner.Event{ID: 7, PreviousID: 6, Type: "PassStateExited", Timestamp: at, State: "Done",
		Output: map[string]any{"ok": true}, AssignedVariables: map[string]string{"x": "1"}}}
	failure := logsink.Event{Event: runner.Event{ID: 9, PreviousID: 8, Type: "ExecutionFailed", Timestamp: at, Error: "Broken", Cause: "why"}}
	for _, tc := range []struct {
		name     string
		ev       logsink.Event
		withData bool
		want     string
	}{
		{"task with data", engineEvent, true, `{"id":"3","type":"TaskScheduled","previous_event_id":"2","event_timestamp":"1796281200123","execution_arn":"` + executionARN + `",
			"details":{"name":"Charge","resource":"arn:aws:lambda:us-east-1:000000000000:function:charge","parameters":"{\"amount\":5}",
			"input":"{\"amount\":5}","inputDetails":{"truncated":false}}}`},
		{"task without data", engineEvent, false, `{"id":"3","type":"TaskScheduled","previous_event_id":"2","event_timestamp":"1796281200123","execution_arn":"` + executionARN + `",
			"details":{"name":"Charge","resource":"arn:aws:lambda:us-east-1:000000000000:function:charge"}}`},
		{"runner event with data", runnerEvent, true, `{"id":"7","type":"PassStateExited","previous_event_id":"6","event_timestamp":"1796281200123","execution_arn":"` + executionARN + `",
			"details":{"name":"Done","output":"{\"ok\":true}","outputDetails":{"truncated":false},"assignedVariables":{"x":"1"}}}`},
		{"runner event without data", runnerEvent, false, `{"id":"7","type":"PassStateExited","previous_event_id":"6","event_timestamp":"1796281200123","execution_arn":"` + executionARN + `",
			"details":{"name":"Done"}}`},
		{"failure", failure, false, `{"id":"9","type":"ExecutionFailed","previous_event_id":"8","event_timestamp":"1796281200123","execution_arn":"` + executionARN + `",
			"details":{"error":"Broken","cause":"why"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := logsink.Stream{StateMachineARN: machineARN, Level: logsink.LevelAll, IncludeExecutionData: tc.withData, LogGroupARN: logGroupARN}
			r := s.Record(executionARN, tc.ev)
			text, err := json.Marshal(r)
			require.NoError(t, err)
			require.JSONEq(t, tc.want, string(text))
			require.Equal(t, "/aws/vendedlogs/states/orders", r.LogGroup)
			require.Equal(t, machineARN, r.StateMachineARN)
			require.Equal(t, at, r.Time)
		})
	}
}

// TestStdout: the stdout sink writes one JSON record per line.
func TestStdout(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	sink := logsink.NewStdout(&buf)
	s := logsink.Stream{StateMachineARN: machineARN, Level: logsink.LevelAll, LogGroupARN: logGroupARN}
	sink.Log([]logsink.Record{
		s.Record(executionARN, logsink.Event{Event: runner.Event{ID: 1, Type: "ExecutionStarted", Timestamp: at}}),
		s.Record(executionARN, logsink.Event{Event: runner.Event{ID: 2, PreviousID: 1, Type: "ExecutionSucceeded", Timestamp: at}}),
	})
	require.NoError(t, sink.Close(context.Background()))
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	require.Len(t, lines, 2)
	for i, line := range lines {
		var r map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &r))
		require.Equal(t, []string{"ExecutionStarted", "ExecutionSucceeded"}[i], r["type"])
		require.Equal(t, executionARN, r["execution_arn"])
		require.Len(t, r, 6, "AWS's six fields only: %s", line)
	}
}

// TestLogGroupName reads the log group from its ARN.
func TestLogGroupName(t *testing.T) {
	t.Parallel()
	require.Equal(t, "/aws/vendedlogs/states/orders", logsink.LogGroupName(logGroupARN))
	require.Equal(t, "plain", logsink.LogGroupName("arn:aws:logs:us-east-1:000000000000:log-group:plain"))
	require.Equal(t, "", logsink.LogGroupName(""))
}
