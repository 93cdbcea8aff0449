package rest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
	"github.com/stretchr/testify/require"
)

func TestApprovalByCallback(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("approval", testkit.Example(t, "approval"))
	input := json.RawMessage(testkit.ExampleInput(t, "approval"))

	arn := a.Start("approval", "yes", input)
	token := a.Token()
	require.Len(t, token, 43)
	require.Equal(t, "RUNNING", a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(arn), nil)["status"])
	a.Expect(http.StatusNoContent, http.MethodPost, "/v1/tasks/heartbeat", map[string]any{"taskToken": token})
	a.Expect(http.StatusNoContent, http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": map[string]any{"approvedBy": "grace"}})
	done := a.Wait(arn)
	require.Equal(t, "SUCCEEDED", done["status"], "%v", done)
	require.Equal(t, map[string]any{"orderId": "order-3001", "status": "APPROVED", "approval": map[string]any{"approvedBy": "grace"}}, done["output"])

	// The task is closed: a second answer, or a heartbeat, is refused.
	a.ExpectError(http.StatusGone, history.TaskTimedOut, http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": map[string]any{}})
	a.ExpectError(http.StatusGone, history.TaskTimedOut, http.MethodPost, "/v1/tasks/heartbeat", map[string]any{"taskToken": token})

	rejected := a.Start("approval", "no", map[string]any{"orderId": "o-2", "amount": 99})
	token = a.Token()
	a.Expect(http.StatusNoContent, http.MethodPost, "/v1/tasks/failure", map[string]any{"taskToken": token, "error": "Rejected", "cause": "too dear"})
	failed := a.Wait(rejected)
	require.Equal(t, "FAILED", failed["status"])
	require.Equal(t, "Rejected", failed["error"])
	require.Equal(t, "too dear", failed["cause"])
	a.ExpectError(http.StatusGone, history.TaskTimedOut, http.MethodPost, "/v1/tasks/failure", map[string]any{"taskToken": token})

	pending := a.Start("approval", "pending", map[string]any{"orderId": "o-3", "amount": 1})
	token = a.Token()
	a.ExpectError(400, "InvalidOutput", http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": strings.Repeat("x", 300*1024)})
	a.ExpectError(400, "InvalidRequest", http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token})
	a.ExpectError(400, "UnknownField", http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "result": map[string]any{}})
	a.Expect(http.StatusOK, http.MethodPost, "/v1/executions/"+url.PathEscape(pending)+"/stop", nil)
	a.ExpectError(http.StatusGone, history.TaskTimedOut, http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": map[string]any{}})

	for _, path := range []string{"/v1/tasks/success", "/v1/tasks/failure", "/v1/tasks/heartbeat"} {
		body := map[string]any{"taskToken": "not-a-token"}
		if path == "/v1/tasks/success" {
			body["output"] = map[string]any{}
		}
		a.ExpectError(400, "InvalidToken", http.MethodPost, path, body)
		body["taskToken"] = strings.Repeat("A", 43)
		a.ExpectError(404, "TaskDoesNotExist", http.MethodPost, path, body)
	}
	a.ExpectError(400, "InvalidToken", http.MethodPost, "/v1/tasks/heartbeat", map[string]any{})
	a.ExpectError(400, "InvalidRequest", http.MethodPost, "/v1/tasks/heartbeat", nil)
}
