package rest_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

func TestExpressREST(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	const pass = `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"done":true},"ResultPath":"$.result","End":true}}}`
	const unserved = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:nowhere","End":true}}}`
	for name, def := range map[string]string{"quick": pass, "far": unserved} {
		created := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines", map[string]any{"name": name, "definition": def, "type": "EXPRESS"})
		require.Equal(t, "EXPRESS", created["type"])
	}
	a.Machine("plain", pass)
	tests := []struct {
		name, machine, status, errName string
		output                         map[string]any
	}{
		{"succeeds", "quick", "SUCCEEDED", "", map[string]any{"x": 1.0, "result": map[string]any{"done": true}}},
		{"fails unserved", "far", "FAILED", "States.Runtime", nil},
		{"standard still works", "plain", "SUCCEEDED", "", map[string]any{"x": 1.0, "result": map[string]any{"done": true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := a.Expect(http.StatusOK, http.MethodPost, "/v1/state-machines/"+tt.machine+"/start-sync", map[string]any{"input": map[string]any{"x": 1}})
			require.Equal(t, tt.status, out["status"], "%v", out)
			if tt.output != nil {
				require.Equal(t, tt.output, out["output"])
			}
			if tt.errName != "" {
				require.Equal(t, tt.errName, out["error"])
				require.Contains(t, out["cause"], "nowhere")
			}
			if tt.machine != "plain" {
				require.Regexp(t, `^arn:aws:states:us-east-1:000000000000:express:`+tt.machine+`:[0-9a-f-]{36}:[0-9a-f-]{36}$`, out["arn"])
				require.Equal(t, 64.0, out["billing"].(map[string]any)["billedMemoryMB"])
			}
		})
	}
	// Express executions are counted in the engine's metrics, though never
	// stored.
	a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines", map[string]any{"name": "counted", "definition": pass, "type": "EXPRESS"})
	a.Expect(http.StatusOK, http.MethodPost, "/v1/state-machines/counted/start-sync", map[string]any{})
	metrics := a.Call(http.MethodGet, "/metrics", "")
	require.Contains(t, string(metrics.Body), `stepwise_engine_executions_finished_total{state_machine="counted",status="SUCCEEDED"} 1`)

	described := a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/quick", nil)
	require.Equal(t, "EXPRESS", described["type"])
	a.ExpectError(400, "ValidationException", http.MethodPut, "/v1/state-machines/quick", map[string]any{"definition": pass, "type": "STANDARD"})
	started := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/quick/executions", map[string]any{})
	require.Contains(t, started["arn"], ":express:")
	require.Equal(t, "RUNNING", started["status"])
	a.ExpectError(400, "InvalidDefinition", http.MethodPost, "/v1/state-machines",
		map[string]any{"name": "callback", "type": "EXPRESS",
			"definition": `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","End":true}}}`})
}
