package rest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
	"github.com/stretchr/testify/require"
)

// TestRESTActivityWorker serves an activity through the REST endpoints:
// create it, start an execution on it, poll for the task, answer it.
func TestRESTActivityWorker(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	act := a.Expect(http.StatusCreated, http.MethodPost, "/v1/activities", map[string]any{"name": "label"})
	arn := act["arn"].(string)
	require.Equal(t, "label", a.Expect(http.StatusOK, http.MethodGet, "/v1/activities/label", nil)["name"])
	list := a.Expect(http.StatusOK, http.MethodGet, "/v1/activities", nil)
	require.Len(t, list["activities"], 1)
	empty := a.Expect(http.StatusOK, http.MethodPost, "/v1/activities/label/poll?wait=100ms", map[string]any{"workerName": "w"})
	require.Empty(t, empty, "no task waiting: an empty answer")

	a.Machine("labels", `{"StartAt":"L","States":{"L":{"Type":"Task","Resource":"`+arn+`","End":true}}}`)
	exec := a.Start("labels", "l1", map[string]any{"parcel": 3})
	task := a.Expect(http.StatusOK, http.MethodPost, "/v1/activities/label/poll?wait=10s", map[string]any{"workerName": "w"})
	require.JSONEq(t, `{"parcel":3}`, mustJSON(t, task["input"]))
	a.Expect(http.StatusNoContent, http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": task["taskToken"], "output": map[string]any{"label": "L-3"}})
	done := a.Wait(exec)
	require.Equal(t, "SUCCEEDED", done["status"])

	a.ExpectError(http.StatusNotFound, "ActivityDoesNotExist", http.MethodPost, "/v1/activities/nope/poll?wait=0s", nil)
	a.ExpectError(http.StatusBadRequest, "InvalidParameter", http.MethodPost, "/v1/activities/label/poll?wait=2m", nil)
	a.Expect(http.StatusNoContent, http.MethodDelete, "/v1/activities/label", nil)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
