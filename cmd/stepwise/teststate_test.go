package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTestStateCommand runs stepwise test-state against a server: a
// state of a machine file with a mock, a state given as JSON with an
// error mock and a retry count, and usage errors.
func TestTestStateCommand(t *testing.T) {
	t.Parallel()
	a := newRemoteAPI(t)
	ep, key := "--endpoint="+a.endpoint, "--api-key="+testKey
	machine := writeFile(t, t.TempDir(), "m.json", `{"StartAt":"Charge","States":{
		"Charge":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:charge","ResultPath":"$.paid",
			"Retry":[{"ErrorEquals":["Busy"],"MaxAttempts":2,"IntervalSeconds":5}],"Next":"Done"},
		"Done":{"Type":"Succeed"}}}`)
	answer := func(args ...string) map[string]any {
		t.Helper()
		var out map[string]any
		require.NoError(t, json.Unmarshal([]byte(requireCLI(t, append([]string{"test-state", ep, key}, args...)...)), &out))
		return out
	}

	out := answer("--definition", machine, "--state", "Charge", "--input", `{"amount":5}`, "--mock-result", `true`, "--inspection-level", "DEBUG")
	require.Equal(t, "SUCCEEDED", out["status"])
	require.Equal(t, "Done", out["nextState"])
	require.JSONEq(t, `{"amount":5,"paid":true}`, out["output"].(string))
	require.NotNil(t, out["inspectionData"])

	out = answer("--definition", machine, "--state", "Charge", "--mock-error", "Busy", "--mock-cause", "later", "--retry-count", "1")
	require.Equal(t, "RETRIABLE", out["status"])
	out = answer("--definition", machine, "--state", "Charge", "--mock-error", "Busy", "--retry-count", "2")
	require.Equal(t, "FAILED", out["status"])

	out = answer("--definition", `{"Type":"Pass","Parameters":{"v.$":"$x"},"Next":"N"}`, "--variables", `{"x":3}`, "--reveal-secrets")
	require.Equal(t, map[string]any{"status": "SUCCEEDED", "output": `{"v":3}`, "nextState": "N"}, out)

	code, _, stderr := cli(t, "test-state", "--definition", machine, "--state", "Charge", ep, key)
	require.Equal(t, exitFailed, code, "a Task no function serves needs a mock")
	require.Contains(t, stderr, "ValidationException")
	code, _, _ = cli(t, "test-state", ep, key)
	require.Equal(t, exitUsage, code)
	code, _, stderr = cli(t, "test-state", "--definition", machine, "--mock-result", "1", "--mock-error", "E", ep, key)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, "exclusive")
}
