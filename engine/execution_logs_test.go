package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/logsink"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// passThenFail enters a Pass state and fails: at level ALL it logs five
// events, at ERROR the Fail state's entry and the failure, at FATAL the
// failure only.
const passThenFail = `{"StartAt":"P","States":{
	"P":{"Type":"Pass","Result":{"made":"here"},"Next":"F"},
	"F":{"Type":"Fail","Error":"Broken","Cause":"on purpose"}}}`

const logGroup = "arn:aws:logs:us-east-1:000000000000:log-group:/stepwise/tests:*"

// logCase is one level with or without execution data, and the event
// types its records must have.
type logCase struct {
	level    string
	withData bool
	types    []string
}

var logCases = []logCase{
	{"ALL", true, []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "FailStateEntered", "ExecutionFailed"}},
	{"ALL", false, []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "FailStateEntered", "ExecutionFailed"}},
	{"ERROR", true, []string{"FailStateEntered", "ExecutionFailed"}},
	{"ERROR", false, []string{"FailStateEntered", "ExecutionFailed"}},
	{"FATAL", true, []string{"ExecutionFailed"}},
	{"FATAL", false, []string{"ExecutionFailed"}},
	{"OFF", false, nil},
}

// TestExecutionLogs runs a failing machine, STANDARD and EXPRESS, at
// each level, with and without execution data, on an engine with each
// sink, and checks the records each sink got: their types, AWS's fields
// and the data, under the execution's ARN (an express ARN for EXPRESS
// executions, run by StartSyncExpress).
func TestExecutionLogs(t *testing.T) {
	t.Parallel()
	engines, sinks := logSinks(t, &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval})
	for sinkName, e := range engines {
		for _, typ := range []string{store.TypeStandard, store.TypeExpress} {
			for _, tc := range logCases {
				name := fmt.Sprintf("%s-%s-%s-data-%t", typ, sinkName, tc.level, tc.withData)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					sm := createLogged(t, e, name, typ, tc)
					requireSinkRecords(t, sinks[sinkName], sm.ARN, runLogged(t, e, name, typ), tc)
				})
			}
		}
	}
}

// runLogged runs an execution of machine name of type typ on input
// {"secret":42} to its end, and returns its ARN: a Standard one started
// and waited for, an Express one run by StartSyncExpress.
func runLogged(t *testing.T, e *engine.Engine, name, typ string) string {
	const input = `{"secret":42}`
	if typ == store.TypeStandard {
		return runToEnd(t, e, name, input).ARN
	}
	res, err := e.StartSyncExpress(context.Background(), engine.StartInput{StateMachine: name, Input: input})
	require.NoError(t, err)
	require.Equal(t, "FAILED", res.Status)
	require.Contains(t, res.ExecutionARN, ":express:")
	return res.ExecutionARN
}

// sinkReader reads the records a sink got for the executions of the
// machine machineARN.
type sinkReader func(t *testing.T, machineARN string) []logsink.Record

// logSinks starts an engine with cfg and the PostgreSQL sink and another
// with the stdout sink, each on its own database, and returns them with
// readers of their records, by sink name.
func logSinks(t *testing.T, cfg *engine.Config) (map[string]*engine.Engine, map[string]sinkReader) {
	pool := testkit.NewPool(t)
	pgCfg, stdoutCfg := *cfg, *cfg
	pgCfg.LogSink = logsink.NewPostgres(pool, &logsink.PostgresConfig{FlushInterval: 10 * time.Millisecond})
	var buf testkit.SyncBuffer
	stdoutCfg.LogSink = logsink.NewStdout(&buf)
	engines := map[string]*engine.Engine{
		"postgres": testengine.Start(t, pool, &pgCfg),
		"stdout":   testengine.Start(t, testkit.NewPool(t), &stdoutCfg),
	}
	sinks := map[string]sinkReader{
		"postgres": func(t *testing.T, machineARN string) []logsink.Record {
			rows, err := store.ListLogRecords(context.Background(), pool, machineARN, time.Time{}, 100)
			require.NoError(t, err)
			out := make([]logsink.Record, len(rows))
			for i, r := range rows {
				require.Equal(t, "/stepwise/tests", r.LogGroup)
				require.Equal(t, r.Type, recordType(t, r.Record))
				require.NoError(t, json.Unmarshal([]byte(r.Record), &out[i]))
			}
			return out
		},
		"stdout": func(t *testing.T, machineARN string) []logsink.Record {
			var out []logsink.Record
			for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
				if line == "" {
					continue
				}
				var r logsink.Record
				require.NoError(t, json.Unmarshal([]byte(line), &r), "each line is one JSON record: %s", line)
				if machine := machineARN[strings.LastIndex(machineARN, ":")+1:]; strings.Contains(r.ExecutionARN, ":"+machine+":") {
					out = append(out, r)
				}
			}
			return out
		},
	}
	return engines, sinks
}

// createLogged creates machine name (passThenFail) of type typ logging
// as tc says.
func createLogged(t *testing.T, e *engine.Engine, name, typ string, tc logCase) *store.StateMachine {
	t.Helper()
	logging := &engine.LoggingConfiguration{Level: tc.level, IncludeExecutionData: tc.withData}
	if tc.level != "OFF" {
		logging.Destinations = []string{logGroup}
	}
	sm, _, err := e.CreateStateMachine(context.Background(), name, engine.MachineSpec{Definition: passThenFail, Type: typ, Logging: logging})
	require.NoError(t, err)
	return sm
}

// requireSinkRecords waits for the records of the execution executionARN
// of machine machineARN that read returns and checks them against tc;
// at level OFF it requires none, even a little later.
func requireSinkRecords(t *testing.T, read sinkReader, machineARN, executionARN string, tc logCase) {
	t.Helper()
	var records []logsink.Record
	require.Eventually(t, func() bool {
		records = read(t, machineARN)
		return len(records) >= len(tc.types)
	}, 10*time.Second, 20*time.Millisecond)
	if tc.level == "OFF" {
		time.Sleep(100 * time.Millisecond) // nothing may arrive late either
		require.Empty(t, read(t, machineARN))
		return
	}
	requireRecords(t, records, executionARN, tc)
}

// recordType reads the type field of a stored record.
func recordType(t *testing.T, record string) string {
	var r struct {
		Type string `json:"type"`
	}
	require.NoError(t, json.Unmarshal([]byte(record), &r))
	return r.Type
}

// requireRecords checks records against tc: their types in order, ids
// and previous ids as AWS writes them (strings), the timestamp in
// milliseconds, and execution data only when tc includes it.
func requireRecords(t *testing.T, records []logsink.Record, executionARN string, tc logCase) {
	t.Helper()
	slices.SortFunc(records, func(a, b logsink.Record) int { return atoi(t, a.ID) - atoi(t, b.ID) })
	types := make([]string, len(records))
	for i, r := range records {
		types[i] = r.Type
		require.Equal(t, executionARN, r.ExecutionARN)
		require.Equal(t, strconv.Itoa(atoi(t, r.ID)-1), r.PreviousEventID)
		ms, err := strconv.ParseInt(r.EventTimestamp, 10, 64)
		require.NoError(t, err)
		require.WithinDuration(t, time.Now(), time.UnixMilli(ms), time.Minute)
		switch r.Type {
		case "ExecutionStarted", "PassStateEntered", "FailStateEntered":
			_, has := r.Details["input"]
			require.Equal(t, tc.withData, has, "%s input: %v", r.Type, r.Details)
			if want := `{"secret":42}`; tc.withData {
				if r.Type == "FailStateEntered" {
					want = `{"made":"here"}`
				}
				require.JSONEq(t, want, r.Details["input"].(string))
				require.Equal(t, map[string]any{"truncated": false}, r.Details["inputDetails"])
			}
		case "PassStateExited":
			_, has := r.Details["output"]
			require.Equal(t, tc.withData, has, "%s output: %v", r.Type, r.Details)
			require.Equal(t, "P", r.Details["name"])
		case "ExecutionFailed":
			require.Equal(t, "Broken", r.Details["error"])
			require.Equal(t, "on purpose", r.Details["cause"])
		}
	}
	require.Equal(t, tc.types, types)
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// TestLogRetention: PruneLogRecords deletes the records of events older
// than Config.LogRetention from the PostgreSQL sink, and nothing when
// the retention is 0; a started engine does it by itself.
func TestLogRetention(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	for _, tc := range []struct {
		name      string
		retention time.Duration
		deleted   int64
		left      []string
	}{
		{"one hour", time.Hour, 2, []string{"ExecutionStarted"}},
		{"for ever", 0, 0, []string{"ExecutionFailed", "ExecutionAborted", "ExecutionStarted"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pool := testkit.NewPool(t)
			e, err := engine.New(pool, &engine.Config{LogSink: logsink.NewPostgres(pool, nil), LogRetention: tc.retention})
			require.NoError(t, err)
			const machine = "arn:aws:states:us-east-1:000000000000:stateMachine:old"
			row := func(typ string, at time.Time) store.LogRecord {
				return store.LogRecord{StateMachineARN: machine, ExecutionARN: machine + ":x", LogGroup: "g", Type: typ, EventTimestamp: at, Record: `{}`}
			}
			require.NoError(t, store.InsertLogRecords(ctx, pool, []store.LogRecord{
				row("ExecutionFailed", now.Add(-48*time.Hour)), row("ExecutionAborted", now.Add(-2*time.Hour)), row("ExecutionStarted", now.Add(-time.Minute)),
			}))
			deleted, err := e.PruneLogRecords(ctx)
			require.NoError(t, err)
			require.Equal(t, tc.deleted, deleted)
			rows, err := store.ListLogRecords(ctx, pool, machine, time.Time{}, 10)
			require.NoError(t, err)
			var left []string
			for _, r := range rows {
				left = append(left, r.Type)
			}
			require.Equal(t, tc.left, left)

			require.NoError(t, store.InsertLogRecords(ctx, pool, []store.LogRecord{row("ExecutionTimedOut", now.Add(-3*time.Hour))}))
			require.NoError(t, e.Start(ctx))
			t.Cleanup(func() { _ = e.Stop(context.Background()) })
			want := len(tc.left) // the record 3 hours old is deleted
			if tc.retention == 0 {
				want++ // or kept
			}
			require.Eventually(t, func() bool {
				rows, err := store.ListLogRecords(ctx, pool, machine, time.Time{}, 10)
				return err == nil && len(rows) == want
			}, 10*time.Second, 20*time.Millisecond)
		})
	}
}

// TestLoggingConfiguration: a configuration is validated with AWS's
// rules (ErrInvalidLoggingConfiguration naming the field), stored with
// the machine, replaced by UpdateStateMachine and SetLogging (no new
// version), and the machine's executions follow the change.
func TestLoggingConfiguration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var buf testkit.SyncBuffer
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval, LogSink: logsink.NewStdout(&buf)})

	for _, tc := range []struct {
		logging engine.LoggingConfiguration
		field   string
	}{
		{engine.LoggingConfiguration{Level: "DEBUG"}, "loggingConfiguration.level"},
		{engine.LoggingConfiguration{Level: "ALL"}, "loggingConfiguration.destinations must have exactly 1 member"},
		{engine.LoggingConfiguration{Level: "ERROR", Destinations: []string{logGroup, logGroup}}, "loggingConfiguration.destinations has 2 members"},
		{engine.LoggingConfiguration{Level: "FATAL", Destinations: []string{"arn:aws:s3:::bucket"}}, "loggingConfiguration.destinations[0].cloudWatchLogsLogGroup.logGroupArn"},
		{engine.LoggingConfiguration{Level: "OFF", Destinations: []string{""}}, "loggingConfiguration.destinations[0]"},
	} {
		_, _, err := e.CreateStateMachine(ctx, "invalid", engine.MachineSpec{Definition: passThenFail, Logging: &tc.logging})
		require.ErrorIs(t, err, engine.ErrInvalidLoggingConfiguration)
		require.ErrorContains(t, err, tc.field)
	}
	_, err := e.StateMachine(ctx, "invalid")
	require.ErrorIs(t, err, engine.ErrStateMachineDoesNotExist, "an invalid configuration creates nothing")

	sm, _, err := e.CreateStateMachine(ctx, "configured", engine.MachineSpec{Definition: passThenFail})
	require.NoError(t, err)
	got, err := e.Logging(ctx, sm.ID)
	require.NoError(t, err)
	require.Equal(t, engine.LoggingConfiguration{Level: "OFF"}, got, "a machine created without one is OFF")

	fatal := engine.LoggingConfiguration{Level: "FATAL", Destinations: []string{logGroup}}
	v, err := e.UpdateStateMachine(ctx, "configured", engine.MachineSpec{Definition: passThenFail, Logging: &fatal})
	require.NoError(t, err)
	require.Equal(t, 2, v.Version)
	got, err = e.Logging(ctx, sm.ID)
	require.NoError(t, err)
	require.Equal(t, fatal, got)
	requireLogged(t, e, &buf, "configured", "ExecutionFailed")

	all := engine.LoggingConfiguration{Level: "ALL", IncludeExecutionData: true, Destinations: []string{logGroup}}
	require.NoError(t, e.SetLogging(ctx, sm.ARN, all))
	d, err := e.DescribeStateMachine(ctx, "configured", 0)
	require.NoError(t, err)
	require.Equal(t, 2, d.StateMachine.LatestVersion, "SetLogging makes no version")
	got, err = e.Logging(ctx, sm.ID)
	require.NoError(t, err)
	require.Equal(t, all, got)
	requireLogged(t, e, &buf, "configured", "ExecutionStarted", "PassStateEntered", "PassStateExited", "FailStateEntered", "ExecutionFailed")

	require.ErrorIs(t, e.SetLogging(ctx, "missing", all), engine.ErrStateMachineDoesNotExist)
}

// requireLogged runs machine once and requires the records of exactly
// types for that execution on buf.
func requireLogged(t *testing.T, e *engine.Engine, buf *testkit.SyncBuffer, machine string, types ...string) {
	t.Helper()
	exec := runToEnd(t, e, machine, "")
	var got []string
	require.Eventually(t, func() bool {
		got = nil
		for _, line := range strings.Split(buf.String(), "\n") {
			var r logsink.Record
			if json.Unmarshal([]byte(line), &r) == nil && r.ExecutionARN == exec.ARN {
				got = append(got, r.Type)
			}
		}
		return len(got) >= len(types)
	}, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, types, got)
}

// runToEnd starts an execution of machine with input and waits for its
// end.
func runToEnd(t *testing.T, e *engine.Engine, machine, input string) *store.Execution {
	t.Helper()
	exec, _, err := e.StartExecution(context.Background(), engine.StartInput{StateMachine: machine, Input: input})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	exec, err = e.Wait(ctx, exec.ARN)
	require.NoError(t, err)
	return exec
}
