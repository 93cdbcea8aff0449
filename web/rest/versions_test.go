package rest_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// passOf is a one-state machine whose output is result.
func passOf(result string) string {
	return `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"` + result + `","End":true}}}`
}

func TestPublishedVersions(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("pv", passOf("a"))
	const path = "/v1/state-machines/pv/versions"
	v1 := a.Expect(http.StatusCreated, http.MethodPost, path, map[string]any{"description": "first"})
	require.EqualValues(t, 1, v1["version"])
	require.EqualValues(t, 1, v1["revision"])
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:stateMachine:pv:1", v1["arn"])
	require.Equal(t, "first", v1["description"])
	again := a.Expect(http.StatusOK, http.MethodPost, path, nil)
	require.EqualValues(t, 1, again["version"], "an unchanged revision keeps its version")

	a.Expect(http.StatusOK, http.MethodPut, "/v1/state-machines/pv", map[string]any{"definition": json.RawMessage(passOf("b"))})
	a.ExpectError(http.StatusConflict, "ConflictException", http.MethodPost, path, map[string]any{"revision": 1})
	a.ExpectError(http.StatusConflict, "ConflictException", http.MethodPost, path, map[string]any{"revisionId": v1["revisionId"]})
	a.ExpectError(http.StatusConflict, "ConflictException", http.MethodPost, path, map[string]any{"revisionId": "2"})
	v2 := a.Expect(http.StatusCreated, http.MethodPost, path, map[string]any{"revision": 2})
	require.EqualValues(t, 2, v2["version"])
	require.NotEqual(t, v1["revisionId"], v2["revisionId"])
	require.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, v2["revisionId"], "opaque, as AWS's")
	again = a.Expect(http.StatusOK, http.MethodPost, path, map[string]any{"revisionId": v2["revisionId"]})
	require.EqualValues(t, 2, again["version"])

	listed := a.Expect(http.StatusOK, http.MethodGet, path+"?limit=1", nil)
	require.Len(t, listed["versions"], 1)
	require.EqualValues(t, 2, listed["versions"].([]any)[0].(map[string]any)["version"], "newest first")
	next := a.Expect(http.StatusOK, http.MethodGet, path+"?limit=1&cursor="+listed["nextCursor"].(string), nil)
	require.EqualValues(t, 1, next["versions"].([]any)[0].(map[string]any)["version"])
	require.Nil(t, next["nextCursor"])

	one := a.Expect(http.StatusOK, http.MethodGet, path+"/1", nil)
	require.Equal(t, "a", one["definition"].(map[string]any)["States"].(map[string]any)["P"].(map[string]any)["Result"])
	a.ExpectError(http.StatusNotFound, "ResourceNotFound", http.MethodGet, path+"/9", nil)
	a.ExpectError(http.StatusBadRequest, "InvalidParameter", http.MethodGet, path+"/x", nil)

	out := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/pv/executions", map[string]any{"publishedVersion": 1})
	done := a.Wait(out["arn"].(string))
	require.Equal(t, "a", done["output"])
	require.Equal(t, v1["arn"], done["versionArn"])
	a.ExpectError(http.StatusBadRequest, "InvalidRequest", http.MethodPost, "/v1/state-machines/pv/executions", map[string]any{"publishedVersion": 1, "alias": "x"})

	a.Expect(http.StatusNoContent, http.MethodDelete, path+"/1", nil)
	a.ExpectError(http.StatusNotFound, "ResourceNotFound", http.MethodDelete, path+"/1", nil)
}

func TestAliases(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("al", passOf("a"))
	a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/al/versions", nil)
	a.Expect(http.StatusOK, http.MethodPut, "/v1/state-machines/al", map[string]any{"definition": json.RawMessage(passOf("b"))})
	a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/al/versions", nil)
	const path = "/v1/state-machines/al/aliases"
	routes := []map[string]any{{"version": 1, "weight": 50}, {"version": 2, "weight": 50}}
	created := a.Expect(http.StatusCreated, http.MethodPost, path, map[string]any{"name": "prod", "routes": routes})
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:stateMachine:al:prod", created["arn"])
	a.Expect(http.StatusOK, http.MethodPost, path, map[string]any{"name": "prod", "routes": routes})
	a.ExpectError(http.StatusConflict, "ConflictException", http.MethodPost, path, map[string]any{"name": "prod", "routes": []map[string]any{{"version": 1, "weight": 100}}})
	a.ExpectError(http.StatusBadRequest, "ValidationException", http.MethodPost, path, map[string]any{"name": "bad", "routes": routes[:1]})
	a.ExpectError(http.StatusNotFound, "ResourceNotFound", http.MethodPost, path, map[string]any{"name": "bad", "routes": []map[string]any{{"version": 9, "weight": 100}}})

	updated := a.Expect(http.StatusOK, http.MethodPut, path+"/prod", map[string]any{"description": "all on 2", "routes": []map[string]any{{"version": 2, "weight": 100}}})
	require.Equal(t, "all on 2", updated["description"])
	require.Len(t, updated["routes"], 1)
	a.ExpectError(http.StatusConflict, "ConflictException", http.MethodDelete, "/v1/state-machines/al/versions/2", nil)

	out := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/al/executions", map[string]any{"alias": "prod"})
	done := a.Wait(out["arn"].(string))
	require.Equal(t, "b", done["output"])
	require.Equal(t, created["arn"], done["aliasArn"])
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:stateMachine:al:2", done["versionArn"])

	listed := a.Expect(http.StatusOK, http.MethodGet, path+"?version=2", nil)
	require.Len(t, listed["aliases"], 1)
	require.Empty(t, a.Expect(http.StatusOK, http.MethodGet, path+"?version=1", nil)["aliases"])
	a.Expect(http.StatusNoContent, http.MethodDelete, path+"/prod", nil)
	a.ExpectError(http.StatusNotFound, "ResourceNotFound", http.MethodGet, path+"/prod", nil)
}
