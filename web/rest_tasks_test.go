package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestApprovalByCallback(t *testing.T) {
	t.Parallel()
	a := newAPI(t, nil)
	a.machine("approval", example(t, "approval", "definition.asl.json"))
	input := json.RawMessage(example(t, "approval", "input.json"))

	arn := a.start("approval", "yes", input)
	token := a.token()
	require.Len(t, token, 43)
	require.Equal(t, "RUNNING", a.expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(arn), nil)["status"])
	a.expect(http.StatusNoContent, http.MethodPost, "/v1/tasks/heartbeat", map[string]any{"taskToken": token})
	a.expect(http.StatusNoContent, http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": map[string]any{"approvedBy": "grace"}})
	done := a.wait(arn)
	require.Equal(t, "SUCCEEDED", done["status"], "%v", done)
	require.Equal(t, map[string]any{"orderId": "order-3001", "status": "APPROVED", "approval": map[string]any{"approvedBy": "grace"}}, done["output"])

	// The task is closed: a second answer, or a heartbeat, is refused.
	a.expectError(http.StatusGone, "TaskTimedOut", http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": map[string]any{}})
	a.expectError(http.StatusGone, "TaskTimedOut", http.MethodPost, "/v1/tasks/heartbeat", map[string]any{"taskToken": token})

	rejected := a.start("approval", "no", map[string]any{"orderId": "o-2", "amount": 99})
	token = a.token()
	a.expect(http.StatusNoContent, http.MethodPost, "/v1/tasks/failure", map[string]any{"taskToken": token, "error": "Rejected", "cause": "too dear"})
	failed := a.wait(rejected)
	require.Equal(t, "FAILED", failed["status"])
	require.Equal(t, "Rejected", failed["error"])
	require.Equal(t, "too dear", failed["cause"])
	a.expectError(http.StatusGone, "TaskTimedOut", http.MethodPost, "/v1/tasks/failure", map[string]any{"taskToken": token})

	pending := a.start("approval", "pending", map[string]any{"orderId": "o-3", "amount": 1})
	token = a.token()
	a.expectError(400, "InvalidOutput", http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": strings.Repeat("x", 300*1024)})
	a.expectError(400, "InvalidRequest", http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token})
	a.expectError(400, "UnknownField", http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "result": map[string]any{}})
	a.expect(http.StatusOK, http.MethodPost, "/v1/executions/"+url.PathEscape(pending)+"/stop", nil)
	a.expectError(http.StatusGone, "TaskTimedOut", http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": map[string]any{}})

	for _, path := range []string{"/v1/tasks/success", "/v1/tasks/failure", "/v1/tasks/heartbeat"} {
		body := map[string]any{"taskToken": "not-a-token"}
		if path == "/v1/tasks/success" {
			body["output"] = map[string]any{}
		}
		a.expectError(400, "InvalidToken", http.MethodPost, path, body)
		body["taskToken"] = strings.Repeat("A", 43)
		a.expectError(404, "TaskDoesNotExist", http.MethodPost, path, body)
	}
	a.expectError(400, "InvalidToken", http.MethodPost, "/v1/tasks/heartbeat", map[string]any{})
	a.expectError(400, "InvalidRequest", http.MethodPost, "/v1/tasks/heartbeat", nil)
}
