package viewer_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// expressViewerPath is an Express execution's viewer endpoint.
func expressViewerPath(execARN string) string {
	return "/v1/express-executions/-/viewer?" + url.Values{"arn": {execARN}}.Encode()
}

// TestExpressViewerSummary: an Express execution's summary is rebuilt
// from its log records; with every event logged the states are coloured
// as a Standard execution's, with only some (level ERROR) they are not.
func TestExpressViewerSummary(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	machine, execARN := a.ExpressMachine("fast")
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a.LogRun(machine, execARN("ok"), start, webtest.PassRun("ExecutionSucceeded", "", "")...)
	a.LogRun(machine, execARN("err"), start.Add(time.Second),
		runner.Event{ID: 3, PreviousID: 2, Type: "ExecutionFailed", Error: "Boom", Cause: "why"})

	ok := a.Expect(http.StatusOK, http.MethodGet, expressViewerPath(execARN("ok")), nil)
	require.Equal(t, true, ok["complete"])
	require.Equal(t, "SUCCEEDED", ok["execution"].(map[string]any)["status"])
	require.Equal(t, "succeeded", ok["states"].(map[string]any)["P"].(map[string]any)["status"])
	require.EqualValues(t, 4, ok["eventCount"])
	require.JSONEq(t, webtest.PassMachine, mustJSON(t, ok["definition"]))

	partial := a.Expect(http.StatusOK, http.MethodGet, expressViewerPath(execARN("err")), nil)
	require.Equal(t, false, partial["complete"])
	require.Empty(t, partial["states"])
	require.Equal(t, map[string]any{"ExecutionFailed": 1.0}, partial["eventTypes"])
	require.Equal(t, "Boom", partial["execution"].(map[string]any)["error"])

	a.ExpectError(http.StatusNotFound, "ExecutionDoesNotExist", http.MethodGet, expressViewerPath(execARN("never")), nil)
}

// mustJSON encodes v.
func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
