package rest_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"github.com/stepwise-run/stepwise/web/internal/webtest"
	"github.com/stretchr/testify/require"
)

func TestStateMachineLifecycle(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)

	r := a.Do(http.MethodPost, "/v1/state-machines", map[string]any{
		"name": "greet", "definition": json.RawMessage(webtest.PassMachine),
		"inputSchema": map[string]any{"type": "object", "required": []string{"who"}},
	})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	require.Equal(t, "/v1/state-machines/greet", r.Header.Get("Location"))
	created := r.JSON(t)
	require.Equal(t, "greet", created["name"])
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:stateMachine:greet", created["arn"])
	require.EqualValues(t, 1, created["version"])
	require.EqualValues(t, 1, created["latestVersion"])
	require.Equal(t, "P", created["definition"].(map[string]any)["StartAt"])
	require.NotNil(t, created["inputSchema"])

	// A definition given as a string holding JSON.
	a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines", map[string]any{"name": "as-string", "definition": webtest.PassMachine})

	updated := a.Expect(http.StatusOK, http.MethodPut, "/v1/state-machines/greet",
		map[string]any{"definition": json.RawMessage(`{"StartAt":"Q","States":{"Q":{"Type":"Pass","Result":"v2","End":true}}}`)})
	require.EqualValues(t, 2, updated["version"])
	require.EqualValues(t, 2, updated["latestVersion"])
	require.Nil(t, updated["inputSchema"], "version 2 has no input schema")

	got := a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/greet", nil)
	require.EqualValues(t, 2, got["version"])
	require.Equal(t, "Q", got["definition"].(map[string]any)["StartAt"])
	versions := got["versions"].([]any)
	require.Len(t, versions, 2)
	require.EqualValues(t, 2, versions[0].(map[string]any)["version"], "newest first")
	require.Equal(t, true, versions[1].(map[string]any)["hasInputSchema"])

	v1 := a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/greet?version=1", nil)
	require.Equal(t, "P", v1["definition"].(map[string]any)["StartAt"])
	byARN := a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/arn%3Aaws%3Astates%3Aus-east-1%3A000000000000%3AstateMachine%3Agreet", nil)
	require.Equal(t, "greet", byARN["name"])

	deleted := a.Expect(http.StatusOK, http.MethodDelete, "/v1/state-machines/greet", nil)
	require.EqualValues(t, 0, deleted["abortedExecutions"])
	a.ExpectError(http.StatusNotFound, "StateMachineDoesNotExist", http.MethodGet, "/v1/state-machines/greet", nil)
}

func TestStateMachineErrors(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("m", webtest.PassMachine)
	post := func(body any) (int, string, *webtest.Response) {
		r := a.Do(http.MethodPost, "/v1/state-machines", body)
		code := ""
		if r.Status >= 400 {
			code = r.ErrorCode(t)
		}
		return r.Status, code, r
	}
	for _, tc := range []struct {
		name   string
		body   any
		status int
		code   string
	}{
		{"taken name", map[string]any{"name": "m", "definition": json.RawMessage(webtest.PassMachine)}, 409, "StateMachineAlreadyExists"},
		{"bad name", map[string]any{"name": "a b", "definition": json.RawMessage(webtest.PassMachine)}, 400, "InvalidName"},
		{"empty name", map[string]any{"definition": json.RawMessage(webtest.PassMachine)}, 400, "InvalidName"},
		{"no definition", map[string]any{"name": "x"}, 400, "InvalidRequest"},
		{"definition not an object", map[string]any{"name": "x", "definition": []int{1}}, 400, "InvalidRequest"},
		{"invalid definition", map[string]any{"name": "x", "definition": map[string]any{"StartAt": "Nope", "States": map[string]any{}}}, 400, "InvalidDefinition"},
		{"bad input schema", map[string]any{"name": "x", "definition": json.RawMessage(webtest.PassMachine), "inputSchema": map[string]any{"type": 12}}, 400, "InvalidDefinition"},
		{"name of the wrong type", map[string]any{"name": 5, "definition": json.RawMessage(webtest.PassMachine)}, 400, "InvalidRequest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, code, r := post(tc.body)
			require.Equal(t, tc.status, status, "%s", r.Body)
			require.Equal(t, tc.code, code)
		})
	}

	r := a.ExpectError(400, "InvalidDefinition", http.MethodPost, "/v1/state-machines",
		map[string]any{"name": "x", "definition": map[string]any{"StartAt": "Nope", "States": map[string]any{"A": map[string]any{"Type": "Pass", "End": true}}}})
	diags := r.ErrorDetails(t)["diagnostics"].([]any)
	require.NotEmpty(t, diags)
	first := diags[0].(map[string]any)
	require.NotEmpty(t, first["code"])
	require.Contains(t, first, "pointer")
	require.NotEmpty(t, first["message"])

	r = a.ExpectError(400, "InvalidRequest", http.MethodPost, "/v1/state-machines", map[string]any{"name": 5})
	require.Equal(t, "name", r.ErrorDetails(t)["field"])

	a.ExpectError(404, "StateMachineDoesNotExist", http.MethodPut, "/v1/state-machines/nope", map[string]any{"definition": json.RawMessage(webtest.PassMachine)})
	a.ExpectError(400, "InvalidDefinition", http.MethodPut, "/v1/state-machines/m", map[string]any{"definition": map[string]any{"StartAt": 1}})
	a.ExpectError(400, "UnknownField", http.MethodPut, "/v1/state-machines/m", map[string]any{"name": "m", "definition": json.RawMessage(webtest.PassMachine)})
	a.ExpectError(404, "StateMachineDoesNotExist", http.MethodGet, "/v1/state-machines/nope", nil)
	a.ExpectError(404, "StateMachineDoesNotExist", http.MethodGet, "/v1/state-machines/m?version=7", nil)
	a.ExpectError(400, "InvalidParameter", http.MethodGet, "/v1/state-machines/m?version=x", nil)
	a.ExpectError(404, "StateMachineDoesNotExist", http.MethodDelete, "/v1/state-machines/nope", nil)
	a.ExpectError(400, "InvalidParameter", http.MethodDelete, "/v1/state-machines/m?force=maybe", nil)
}

func TestListStateMachinesPages(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	var want []string
	for i := range 7 {
		name := "m" + strconv.Itoa(i)
		a.Machine(name, webtest.PassMachine)
		want = append(want, name)
	}
	items, sizes := a.Pages("/v1/state-machines?limit=3", "stateMachines")
	var got []string
	for _, sm := range items {
		got = append(got, sm["name"].(string))
	}
	require.Equal(t, want, got)
	require.Equal(t, []int{3, 3, 1}, sizes)
	a.ExpectError(400, "InvalidParameter", http.MethodGet, "/v1/state-machines?limit=0", nil)
	a.ExpectError(400, "InvalidParameter", http.MethodGet, "/v1/state-machines?limit=1001", nil)
	a.ExpectError(400, "InvalidParameter", http.MethodGet, "/v1/state-machines?cursor=garbage", nil)
}

func TestDeleteStateMachineWithRunningExecutions(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("waits", webtest.WaitMachine)
	a.Start("waits", "one", map[string]any{})
	a.Start("waits", "two", map[string]any{})
	r := a.ExpectError(409, "StateMachineInUse", http.MethodDelete, "/v1/state-machines/waits", nil)
	require.Contains(t, r.JSON(t)["error"].(map[string]any)["message"], "2 running")
	a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/waits", nil)

	out := a.Expect(http.StatusOK, http.MethodDelete, "/v1/state-machines/waits?force=true", nil)
	require.EqualValues(t, 2, out["abortedExecutions"])
	a.ExpectError(404, "StateMachineDoesNotExist", http.MethodGet, "/v1/state-machines/waits", nil)
	list := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions", nil)
	require.Empty(t, list["executions"])
}

func TestValidateDefinition(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	ok := a.Expect(http.StatusOK, http.MethodPost, "/v1/state-machines/validate", map[string]any{"definition": json.RawMessage(webtest.PassMachine)})
	require.Equal(t, true, ok["valid"])
	require.Equal(t, []any{}, ok["diagnostics"])

	bad := a.Expect(http.StatusOK, http.MethodPost, "/v1/state-machines/validate",
		map[string]any{"definition": `{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Missing"}}}`})
	require.Equal(t, false, bad["valid"])
	diags := bad["diagnostics"].([]any)
	require.NotEmpty(t, diags)
	var found map[string]any
	for _, d := range diags {
		if d.(map[string]any)["pointer"] == "/States/A/Next" {
			found = d.(map[string]any)
		}
	}
	require.NotNil(t, found, "a diagnostic points at the bad Next: %v", diags)
	require.Equal(t, "MISSING_TRANSITION_TARGET", found["code"])
	require.Contains(t, found["message"], "Missing")

	notJSON := a.Expect(http.StatusOK, http.MethodPost, "/v1/state-machines/validate", map[string]any{"definition": "{nope"})
	require.Equal(t, false, notJSON["valid"])
	require.Equal(t, "INVALID_JSON", notJSON["diagnostics"].([]any)[0].(map[string]any)["code"])

	schema := a.Expect(http.StatusOK, http.MethodPost, "/v1/state-machines/validate",
		map[string]any{"definition": json.RawMessage(webtest.PassMachine), "inputSchema": map[string]any{"type": 12}})
	require.Equal(t, false, schema["valid"])
	require.Equal(t, "INVALID_INPUT_SCHEMA", schema["diagnostics"].([]any)[0].(map[string]any)["code"])

	a.ExpectError(400, "InvalidRequest", http.MethodPost, "/v1/state-machines/validate", map[string]any{})
	a.ExpectError(400, "UnknownField", http.MethodPost, "/v1/state-machines/validate", map[string]any{"definition": json.RawMessage(webtest.PassMachine), "name": "x"})
}
