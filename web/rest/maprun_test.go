package rest_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// TestMapRuns runs a Distributed Map and lists, describes and updates its
// Map run and lists its child executions while it runs and after.
func TestMapRuns(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("dist", testkit.DistributedMap)
	arn := a.Start("dist", "d1", map[string]any{"items": []int{1, 2, 3}})
	mapRunARN := a.MapRun(arn)
	require.Contains(t, mapRunARN, ":mapRun:dist/M:")
	path := "/v1/map-runs/" + url.PathEscape(mapRunARN)

	list := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(arn)+"/map-runs", nil)
	listed := list["mapRuns"].([]any)[0].(map[string]any)
	require.Equal(t, arn, listed["executionArn"])
	require.Equal(t, "M", listed["state"])
	require.NotContains(t, listed, "counts", "lists leave the counts out")

	running := a.Expect(http.StatusOK, http.MethodGet, path, nil)
	require.Equal(t, mapRunARN, running["arn"])
	require.Equal(t, arn, running["executionArn"])
	require.Equal(t, "RUNNING", running["status"])
	require.EqualValues(t, 1, running["maxConcurrency"])
	require.LessOrEqual(t, running["counts"].(map[string]any)["running"], float64(1))
	require.NotContains(t, running, "stoppedAt")
	byQuery := a.Expect(http.StatusOK, http.MethodGet, "/v1/map-runs/-?arn="+url.QueryEscape(mapRunARN), nil)
	require.Equal(t, mapRunARN, byQuery["arn"])

	updated := a.Expect(http.StatusOK, http.MethodPatch, path, map[string]any{"maxConcurrency": 3, "toleratedFailureCount": 2})
	require.EqualValues(t, 3, updated["maxConcurrency"])
	require.EqualValues(t, 2, updated["toleratedFailureCount"])
	require.EqualValues(t, 0, updated["toleratedFailurePercentage"], "what the body leaves out stays")
	require.Contains(t, updated, "counts")

	require.Equal(t, "SUCCEEDED", a.Wait(arn)["status"])
	done := a.Expect(http.StatusOK, http.MethodGet, path, nil)
	require.Equal(t, "SUCCEEDED", done["status"])
	require.NotEmpty(t, done["stoppedAt"])
	counts := done["counts"].(map[string]any)
	for name, want := range map[string]float64{"pending": 0, "running": 0, "succeeded": 3, "failed": 0, "timedOut": 0, "aborted": 0, "total": 3} {
		require.Equal(t, want, counts[name], name)
	}

	children, sizes := a.Pages(path+"/executions?limit=2", "executions")
	require.Equal(t, []int{2, 1}, sizes)
	for _, child := range children {
		require.Equal(t, "SUCCEEDED", child["status"])
		require.Equal(t, mapRunARN, child["mapRunArn"])
		described := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(child["arn"].(string)), nil)
		require.Equal(t, mapRunARN, described["mapRunArn"], "a child's description names its Map run")
	}
	succeeded := a.Expect(http.StatusOK, http.MethodGet, path+"/executions?status=SUCCEEDED", nil)
	require.Len(t, succeeded["executions"], 3)
	failed := a.Expect(http.StatusOK, http.MethodGet, path+"/executions?status=FAILED", nil)
	require.Empty(t, failed["executions"])
	require.NotContains(t, a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(arn), nil), "mapRunArn")
	machine := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions?stateMachine=dist", nil)
	require.Len(t, machine["executions"], 1, "a machine's listing leaves its Map runs' children out")

	a.ExpectError(http.StatusBadRequest, "ValidationException", http.MethodPatch, path, map[string]any{"maxConcurrency": 2})
}

// TestMapRunErrors checks the answers to Map run requests that cannot be
// served.
func TestMapRunErrors(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("echo", webtest.PassMachine)
	plain := a.Start("echo", "plain", map[string]any{})
	missing := "/v1/map-runs/" + url.PathEscape("arn:aws:states:us-east-1:000000000000:mapRun:dist/M:0f0e")
	a.ExpectError(http.StatusNotFound, "ResourceNotFound", http.MethodGet, missing, nil)
	a.ExpectError(http.StatusNotFound, "ResourceNotFound", http.MethodGet, missing+"/executions", nil)
	a.ExpectError(http.StatusNotFound, "ResourceNotFound", http.MethodPatch, missing, map[string]any{"maxConcurrency": 2})
	a.ExpectError(http.StatusBadRequest, "InvalidArn", http.MethodGet, "/v1/map-runs/-?arn="+url.QueryEscape(plain), nil)
	a.ExpectError(http.StatusBadRequest, "ValidationException", http.MethodPatch, missing, map[string]any{})
	a.ExpectError(http.StatusBadRequest, "ValidationException", http.MethodPatch, missing, map[string]any{"toleratedFailurePercentage": 101})
	a.ExpectError(http.StatusBadRequest, "UnknownField", http.MethodPatch, missing, map[string]any{"concurrency": 2})
	a.ExpectError(http.StatusBadRequest, "InvalidParameter", http.MethodGet, missing+"/executions?status=DONE", nil)
	a.ExpectError(http.StatusNotFound, "ExecutionDoesNotExist", http.MethodGet,
		"/v1/executions/arn:aws:states:us-east-1:000000000000:execution:dist:none/map-runs", nil)
	require.Empty(t, a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(plain)+"/map-runs", nil)["mapRuns"])

	// A cursor continues only the listing of the execution it came from.
	another := pagetoken.Token{Kind: pagetoken.MapRuns, Of: 1 << 40, ID: 1}.String()
	a.ExpectError(http.StatusBadRequest, "InvalidParameter", http.MethodGet,
		"/v1/executions/"+url.PathEscape(plain)+"/map-runs?cursor="+another, nil)
}
