package rest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

const logGroupARN = "arn:aws:logs:us-east-1:000000000000:log-group:/stepwise/greet:*"

// TestStateMachineLogging: loggingConfiguration on POST and PUT
// /v1/state-machines, on PUT .../logging without a new version, and in
// GET's answer.
func TestStateMachineLogging(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	all := map[string]any{"level": "ALL", "includeExecutionData": true, "destinations": []string{logGroupARN}}
	created := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines", map[string]any{
		"name": "greet", "definition": json.RawMessage(webtest.PassMachine), "loggingConfiguration": all,
	})
	require.Equal(t, map[string]any{"level": "ALL", "includeExecutionData": true, "destinations": []any{logGroupARN}}, created["loggingConfiguration"])

	plain := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines", map[string]any{"name": "plain", "definition": json.RawMessage(webtest.PassMachine)})
	require.Equal(t, map[string]any{"level": "OFF", "includeExecutionData": false}, plain["loggingConfiguration"])

	updated := a.Expect(http.StatusOK, http.MethodPut, "/v1/state-machines/greet", map[string]any{"definition": json.RawMessage(webtest.PassMachine)})
	require.EqualValues(t, 2, updated["version"])
	require.Equal(t, "ALL", updated["loggingConfiguration"].(map[string]any)["level"], "an update without one keeps it")

	set := a.Expect(http.StatusOK, http.MethodPut, "/v1/state-machines/greet/logging", map[string]any{"level": "ERROR", "destinations": []string{logGroupARN}})
	require.EqualValues(t, 2, set["latestVersion"], "no new version")
	got := a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/greet?version=1", nil)
	require.Equal(t, map[string]any{"level": "ERROR", "includeExecutionData": false, "destinations": []any{logGroupARN}}, got["loggingConfiguration"],
		"the machine's, whatever the version")

	for _, tc := range []struct {
		name, method, path string
		body               any
	}{
		{"create", http.MethodPost, "/v1/state-machines", map[string]any{"name": "bad", "definition": json.RawMessage(webtest.PassMachine),
			"loggingConfiguration": map[string]any{"level": "ALL"}}},
		{"update", http.MethodPut, "/v1/state-machines/greet", map[string]any{"definition": json.RawMessage(webtest.PassMachine),
			"loggingConfiguration": map[string]any{"level": "LOUD"}}},
		{"set", http.MethodPut, "/v1/state-machines/greet/logging", map[string]any{"level": "FATAL", "destinations": []string{"not-an-arn"}}},
	} {
		r := a.ExpectError(http.StatusBadRequest, "InvalidLoggingConfiguration", tc.method, tc.path, tc.body)
		require.Contains(t, string(r.Body), "loggingConfiguration.", tc.name)
	}
	a.ExpectError(http.StatusNotFound, "StateMachineDoesNotExist", http.MethodPut, "/v1/state-machines/missing/logging", map[string]any{"level": "OFF"})
}
