package rest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// logged is a server with a STANDARD machine "std" and an EXPRESS
// machine "fast", and the log records of one Standard execution of std
// at t0 and of four Express executions of fast a second apart after it:
// ok (succeeded), bad (failed), run (still running), late (timed out).
type logged struct {
	*webtest.API
	t0                      time.Time
	std                     string
	ok, bad, run, late      string
	stdMachine, fastMachine string
}

func newLogged(t *testing.T) *logged {
	a := webtest.New(t, nil)
	l := &logged{API: a, t0: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l.stdMachine = a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines",
		map[string]any{"name": "std", "definition": json.RawMessage(webtest.PassMachine)})["arn"].(string)
	var express func(string) string
	l.fastMachine, express = a.ExpressMachine("fast")
	m, err := arn.ParseStateMachine(l.stdMachine)
	require.NoError(t, err)
	l.std = m.Space.Execution("std", "s1")
	l.ok, l.bad, l.run, l.late = express("ok"), express("bad"), express("run"), express("late")
	a.LogRun(l.stdMachine, l.std, l.t0, webtest.PassRun("ExecutionSucceeded", "", "")...)
	a.LogRun(l.fastMachine, l.ok, l.at(1), webtest.PassRun("ExecutionSucceeded", "", "")...)
	a.LogRun(l.fastMachine, l.bad, l.at(2), webtest.PassRun("ExecutionFailed", "Boom", "it broke")...)
	a.LogRun(l.fastMachine, l.run, l.at(3), webtest.PassRun("", "", "")...)
	a.LogRun(l.fastMachine, l.late, l.at(4), webtest.PassRun("ExecutionTimedOut", "States.Timeout", "")...)
	return l
}

// at is s seconds after t0.
func (l *logged) at(s int) time.Time { return l.t0.Add(time.Duration(s) * time.Second) }

// stamp is at(s) as a query parameter.
func (l *logged) stamp(s int) string { return url.QueryEscape(l.at(s).Format(time.RFC3339)) }

// field collects field of each item of the list under key.
func field(t *testing.T, body map[string]any, key, field string) []any {
	t.Helper()
	var out []any
	for _, it := range body[key].([]any) {
		out = append(out, it.(map[string]any)[field])
	}
	return out
}

// TestExpressExecutions: GET /v1/express-executions reconstructs Express
// executions from their log records (never from Standard ones'), newest
// first, with status, times, error and cause, filtered and paged.
func TestExpressExecutions(t *testing.T) {
	t.Parallel()
	l := newLogged(t)
	all := l.Expect(http.StatusOK, http.MethodGet, "/v1/express-executions", nil)
	require.Equal(t, []any{l.late, l.run, l.bad, l.ok}, field(t, all, "executions", "arn"))
	require.Equal(t, []any{"TIMED_OUT", "RUNNING", "FAILED", "SUCCEEDED"}, field(t, all, "executions", "status"))
	require.Nil(t, all["nextCursor"])

	bad := all["executions"].([]any)[2].(map[string]any)
	require.Equal(t, map[string]any{"arn": l.bad, "name": "bad", "stateMachine": "fast", "stateMachineArn": l.fastMachine, "status": "FAILED",
		"startedAt": l.at(2).Format(time.RFC3339), "stoppedAt": l.at(2).Add(2 * time.Millisecond).Format(time.RFC3339Nano),
		"error": "Boom", "cause": "it broke"}, bad)
	run := all["executions"].([]any)[1].(map[string]any)
	require.NotContains(t, run, "stoppedAt")
	require.NotContains(t, run, "error")

	for _, tc := range []struct {
		query string
		want  []any
	}{
		{"status=FAILED", []any{l.bad}},
		{"status=RUNNING", []any{l.run}},
		{"status=SUCCEEDED&stateMachine=fast", []any{l.ok}},
		{"stateMachine=" + url.QueryEscape(l.fastMachine), []any{l.late, l.run, l.bad, l.ok}},
		{"stateMachine=std", nil},
		{"from=" + l.stamp(2), []any{l.late, l.run, l.bad}},
		{"from=" + l.stamp(2) + "&to=" + l.stamp(4), []any{l.run, l.bad}},
		{"to=" + l.stamp(2), []any{l.ok}},
	} {
		got := l.Expect(http.StatusOK, http.MethodGet, "/v1/express-executions?"+tc.query, nil)
		require.Equal(t, tc.want, field(t, got, "executions", "arn"), tc.query)
	}

	var paged []any
	for cursor, pages := "", 0; ; pages++ {
		require.Less(t, pages, 5)
		page := l.Expect(http.StatusOK, http.MethodGet, "/v1/express-executions?limit=3&cursor="+cursor, nil)
		paged = append(paged, field(t, page, "executions", "arn")...)
		next, _ := page["nextCursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	require.Equal(t, []any{l.late, l.run, l.bad, l.ok}, paged)
}

// TestLogRecords: GET /v1/log-records lists records newest first as AWS
// writes them, with their machine, filtered and paged.
func TestLogRecords(t *testing.T) {
	t.Parallel()
	l := newLogged(t)
	std := l.Expect(http.StatusOK, http.MethodGet, "/v1/log-records?execution="+url.QueryEscape(l.std), nil)
	require.Equal(t, []any{"ExecutionSucceeded", "PassStateExited", "PassStateEntered", "ExecutionStarted"}, field(t, std, "records", "type"))
	first := std["records"].([]any)[3].(map[string]any)
	require.Equal(t, "1", first["id"])
	require.Equal(t, "0", first["previous_event_id"])
	require.Equal(t, l.std, first["execution_arn"])
	require.Equal(t, l.stdMachine, first["state_machine_arn"])
	require.Equal(t, "std", first["state_machine"])
	require.Equal(t, `{"n":1}`, first["details"].(map[string]any)["input"])

	for _, tc := range []struct {
		query string
		n     int
	}{
		{"", 16},
		{"stateMachine=fast", 12},
		{"stateMachine=" + url.QueryEscape(l.stdMachine), 4},
		{"execution=" + url.QueryEscape(l.bad), 3},
		{"from=" + l.stamp(3), 5},
		{"to=" + l.stamp(1), 4},
		{"stateMachine=fast&from=" + l.stamp(1) + "&to=" + l.stamp(2), 4},
	} {
		got := l.Expect(http.StatusOK, http.MethodGet, "/v1/log-records?"+tc.query, nil)
		require.Len(t, got["records"], tc.n, tc.query)
	}

	var types []any
	for cursor, pages := "", 0; ; pages++ {
		require.Less(t, pages, 5)
		page := l.Expect(http.StatusOK, http.MethodGet, "/v1/log-records?limit=2&execution="+url.QueryEscape(l.ok)+"&cursor="+cursor, nil)
		types = append(types, field(t, page, "records", "type")...)
		next, _ := page["nextCursor"].(string)
		if next == "" {
			break
		}
		cursor = next
	}
	require.Equal(t, []any{"ExecutionSucceeded", "PassStateExited", "PassStateEntered", "ExecutionStarted"}, types)
}

// TestLogRecordsBadParameters: a bad parameter is InvalidParameter
// naming it; an unknown machine name is StateMachineDoesNotExist.
func TestLogRecordsBadParameters(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	page := a.Expect(http.StatusOK, http.MethodGet, "/v1/log-records?limit=1", nil)
	require.Equal(t, []any{}, page["records"])
	exprCursor := "eyJrIjoieGUiLCJ0IjoxfQ" // {"k":"xe","t":1}
	for _, tc := range []struct{ path, param string }{
		{"/v1/log-records?from=yesterday", "from"},
		{"/v1/log-records?to=2026-13-01T00:00:00Z", "to"},
		{"/v1/log-records?limit=0", "limit"},
		{"/v1/log-records?cursor=" + exprCursor, "cursor"},
		{"/v1/express-executions?status=ABORTING", "status"},
		{"/v1/express-executions?from=1", "from"},
		{"/v1/express-executions?limit=1001", "limit"},
		{"/v1/express-executions?cursor=nonsense", "cursor"},
	} {
		r := a.ExpectError(http.StatusBadRequest, "InvalidParameter", http.MethodGet, tc.path, nil)
		require.Equal(t, tc.param, r.ErrorDetails(t)["parameter"], tc.path)
	}
	a.ExpectError(http.StatusNotFound, "StateMachineDoesNotExist", http.MethodGet, "/v1/express-executions?stateMachine=missing", nil)
	a.ExpectError(http.StatusNotFound, "StateMachineDoesNotExist", http.MethodGet, "/v1/log-records?stateMachine=missing", nil)
	gone := a.Expect(http.StatusOK, http.MethodGet, "/v1/express-executions?stateMachine="+
		url.QueryEscape("arn:aws:states:us-east-1:000000000000:stateMachine:gone"), nil)
	require.Equal(t, []any{}, gone["executions"], "an ARN of a machine that is gone lists its records")
}
