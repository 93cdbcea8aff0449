package rest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// TestTestState calls POST /v1/test-state: the definition and the JSON
// fields as values, the answer in AWS's shape, refusals with AWS's codes.
func TestTestState(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	task := json.RawMessage(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},
		"ResultSelector":{"v.$":"$.Payload"},"Retry":[{"ErrorEquals":["Busy"],"MaxAttempts":1}],"Next":"After"}`)
	for _, tc := range []struct {
		name string
		body map[string]any
		want map[string]any
	}{
		{"pass", map[string]any{"definition": json.RawMessage(`{"Type":"Pass","Parameters":{"n.$":"$$.Execution.Name","v.$":"$v"},"End":true}`),
			"variables": map[string]any{"v": 1}, "context": map[string]any{"Execution": map[string]any{"Name": "e-1"}}},
			map[string]any{"status": "SUCCEEDED", "output": `{"n":"e-1","v":1}`}},
		{"definition as a string", map[string]any{"definition": `{"Type":"Succeed"}`, "input": []int{1}},
			map[string]any{"status": "SUCCEEDED", "output": `[1]`}},
		{"mocked task", map[string]any{"definition": task, "input": map[string]any{"a": 1}, "inspectionLevel": "DEBUG",
			"mock": map[string]any{"result": map[string]any{"Payload": "ok", "StatusCode": 200}}},
			map[string]any{"status": "SUCCEEDED", "output": `{"v":"ok"}`, "nextState": "After"}},
		{"retriable", map[string]any{"definition": task, "mock": map[string]any{"errorOutput": map[string]any{"error": "Busy", "cause": "c"}}},
			map[string]any{"status": "RETRIABLE", "error": "Busy", "cause": "c",
				"inspectionData": map[string]any{"errorDetails": map[string]any{"retryIndex": float64(0), "retryBackoffIntervalSeconds": float64(1)}}}},
		{"failed after retries", map[string]any{"definition": task, "stateConfiguration": map[string]any{"retrierRetryCount": 1},
			"mock": map[string]any{"errorOutput": map[string]any{"error": "Busy"}}},
			map[string]any{"status": "FAILED", "error": "Busy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := a.Expect(http.StatusOK, http.MethodPost, "/v1/test-state", tc.body)
			if tc.body["inspectionLevel"] == "DEBUG" {
				require.JSONEq(t, `{"Payload":"ok","StatusCode":200}`, got["inspectionData"].(map[string]any)["result"].(string))
				delete(got, "inspectionData")
			}
			require.Equal(t, tc.want, got)
		})
	}
	a.ExpectError(http.StatusBadRequest, "InvalidDefinition", http.MethodPost, "/v1/test-state", map[string]any{"definition": map[string]any{"Type": "Nope"}})
	a.ExpectError(http.StatusBadRequest, "ValidationException", http.MethodPost, "/v1/test-state",
		map[string]any{"definition": task, "mock": map[string]any{"result": 1, "errorOutput": map[string]any{"error": "E"}}})
	a.ExpectError(http.StatusBadRequest, "ValidationException", http.MethodPost, "/v1/test-state", map[string]any{"definition": task})
	a.ExpectError(http.StatusBadRequest, "InvalidRequest", http.MethodPost, "/v1/test-state", map[string]any{"stateName": "X"})
}
