package asl_test

import "testing"

func TestPass(t *testing.T) {
	t.Parallel()
	runOutputs(t, []stateCase{
		{"passes input", `{"Type":"Pass","End":true}`, `{"a":1}`, `{"a":1}`},
		{"result replaces", `{"Type":"Pass","Result":{"x":1},"End":true}`, `{"a":1}`, `{"x":1}`},
		{"result path merges", `{"Type":"Pass","Result":"r","ResultPath":"$.b.c","End":true}`, `{"a":1}`, `{"a":1,"b":{"c":"r"}}`},
		{"result path null keeps input", `{"Type":"Pass","Result":"r","ResultPath":null,"End":true}`, `{"a":1}`, `{"a":1}`},
		{"input path", `{"Type":"Pass","InputPath":"$.a","End":true}`, `{"a":{"b":2}}`, `{"b":2}`},
		{"input path null", `{"Type":"Pass","InputPath":null,"End":true}`, `{"a":1}`, `{}`},
		{"output path", `{"Type":"Pass","OutputPath":"$.a.b","End":true}`, `{"a":{"b":[1]}}`, `[1]`},
		{"output path null", `{"Type":"Pass","OutputPath":null,"End":true}`, `{"a":1}`, `{}`},
		{"parameters", `{"Type":"Pass","Parameters":{"x.$":"$.a","lit":"$.a","n":{"y.$":"$.b[0]"}},"End":true}`, `{"a":1,"b":[7]}`, `{"x":1,"lit":"$.a","n":{"y":7}}`},
		{"parameters context", `{"Type":"Pass","Parameters":{"s.$":"$$.State.Name","in.$":"$$.Execution.Input.a"},"End":true}`, `{"a":1}`, `{"s":"S","in":1}`},
		{"parameters in arrays", `{"Type":"Pass","Parameters":{"l":[{"x.$":"$.a"},2]},"End":true}`, `{"a":1}`, `{"l":[{"x":1},2]}`},
		{"indefinite path gives array", `{"Type":"Pass","Parameters":{"v.$":"$.l[*].x"},"End":true}`, `{"l":[{"x":1},{"x":2}]}`, `{"v":[1,2]}`},
		{"result path into parameters output", `{"Type":"Pass","Parameters":{"x.$":"$.a"},"ResultPath":"$.p","End":true}`, `{"a":1}`, `{"a":1,"p":{"x":1}}`},
	})
}

func TestPassErrors(t *testing.T) {
	t.Parallel()
	runErrors(t, []stateCase{
		{"missing input path", `{"Type":"Pass","InputPath":"$.nope","End":true}`, `{}`, "States.Runtime"},
		{"missing output path", `{"Type":"Pass","OutputPath":"$.nope","End":true}`, `{}`, "States.Runtime"},
		{"missing parameter path", `{"Type":"Pass","Parameters":{"x.$":"$.nope"},"End":true}`, `{}`, "States.Runtime"},
		{"result path through a string", `{"Type":"Pass","Result":1,"ResultPath":"$.a.b","End":true}`, `{"a":"s"}`, "States.ResultPathMatchFailure"},
	})
}
