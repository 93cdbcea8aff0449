package asl_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/internal/history"
)

// TestJSONataStates runs one small JSONata machine per feature.
func TestJSONataStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, def, input string
		want             string // output JSON when the run succeeds
		err, cause       string // error name (and cause prefix) when it fails
	}{
		{name: "pass output expression",
			def:   `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"sum":"{% $sum($states.input.xs) %}","lit":"x"},"End":true}}}`,
			input: `{"xs":[1,2,3]}`, want: `{"sum":6,"lit":"x"}`},
		{name: "pass without output passes input",
			def:   `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`,
			input: `{"a":1}`, want: `{"a":1}`},
		{name: "state-level JSONata in a JSONPath machine",
			def:   `{"StartAt":"A","States":{"A":{"Type":"Pass","Parameters":{"v.$":"$.a"},"Next":"B"},"B":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $states.input.v * 2 %}","End":true}}}`,
			input: `{"a":21}`, want: `42`},
		{name: "context object",
			def:   `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.context.State.Name %}","End":true}}}`,
			input: `{}`, want: `"P"`},
		{name: "choice condition and default",
			def:   `{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.n > 5 %}","Next":"Big","Output":"big"}],"Default":"Small","Output":"small"},"Big":{"Type":"Succeed"},"Small":{"Type":"Succeed"}}}`,
			input: `{"n":3}`, want: `"small"`},
		{name: "choice condition must be boolean",
			def:   `{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.n %}","Next":"D"}],"Default":"D"},"D":{"Type":"Succeed"}}}`,
			input: `{"n":3}`, err: asl.ErrorQueryEvaluationError, cause: "An error occurred while executing the state 'C' (entered at the event id #2). The JSONata expression '$states.input.n' specified for the field 'Condition' returned an unexpected result type. Expected 'boolean', but was 'number' for value: 3"},
		{name: "wait seconds expression",
			def:   `{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Seconds":"{% $states.input.s %}","Output":"{% $now() %}","End":true}}}`,
			input: `{"s":60}`, want: `"2024-05-01T12:00:00.000Z"`},
		{name: "fail error and cause expressions",
			def:   `{"QueryLanguage":"JSONata","StartAt":"F","States":{"F":{"Type":"Fail","Error":"{% $states.input.e %}","Cause":"{% 'because ' & $states.input.c %}"}}}`,
			input: `{"e":"Custom","c":"x"}`, err: "Custom", cause: "because x"},
		{name: "map items and item selector",
			def:   `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.xs %}","ItemSelector":{"v":"{% $states.context.Map.Item.Value %}","i":"{% $states.context.Map.Item.Index %}"},"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.input.v * 10 + $states.input.i %}","End":true}}},"Output":"{% $sum($states.result) %}","End":true}}}`,
			input: `{"xs":[1,2]}`, want: `31`},
		{name: "map items must be an array",
			def:   `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% 'no' %}","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`,
			input: `{}`, err: asl.ErrorQueryEvaluationError},
		{name: "parallel arguments and result",
			def:   `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Parallel","Arguments":{"x":"{% $states.input.x %}"},"Branches":[{"StartAt":"A","States":{"A":{"Type":"Pass","Output":"{% $states.input.x + 1 %}","End":true}}},{"StartAt":"B","States":{"B":{"Type":"Pass","Output":"{% $states.input.x + 2 %}","End":true}}}],"Output":"{% $states.result %}","End":true}}}`,
			input: `{"x":1}`, want: `[2,3]`},
		{name: "catch output with error output",
			def:   `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Catch":[{"ErrorEquals":["States.ALL"],"Output":"{% $states.errorOutput.Error %}","Next":"D"}],"End":true},"D":{"Type":"Succeed"}}}`,
			input: `{}`, want: `"States.TaskFailed"`},
		{name: "undefined result",
			def:   `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"r":"{% $nope %}"},"End":true}}}`,
			input: `{}`, err: asl.ErrorQueryEvaluationError, cause: "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression '$nope' specified for the field 'Output/r' returned nothing (undefined)."},
		{name: "evaluation error",
			def:   `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $nope() %}","End":true}}}`,
			input: `{}`, err: asl.ErrorQueryEvaluationError, cause: "An error occurred while executing the state 'P' (entered at the event id #2). The JSONata expression '$nope()' specified for the field 'Output' threw an error during evaluation. T1006: Attempted to invoke a non-function"},
		{name: "AWS functions",
			def:   `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"p":"{% $partition([1,2,3],2) %}","r":"{% $range(1,5,2) %}","h":"{% $hash('a','SHA-1') %}","j":"{% $parse('[1]') %}"},"End":true}}}`,
			input: `{}`, want: `{"p":[[1,2],[3]],"r":[1,3,5],"h":"86f7e437faa5a7fce15d1ddcb9eaeaea377667b8","j":[1]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runDef(t, tt.def, tt.input, nil)
			if tt.err == "" {
				requireOutput(t, res, tt.want)
				return
			}
			requireError(t, res, tt.err)
			if tt.cause != "" {
				require.Equal(t, tt.cause, res.Error.Cause)
			}
		})
	}
}

// TestVariables covers Assign in both query languages and the scoping of
// Parallel branches and Map iterations.
func TestVariables(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, def, input, want string
	}{
		{name: "JSONPath assign reads the result, output sees the old value",
			def:   `{"StartAt":"A","States":{"A":{"Type":"Pass","Result":{"q":7},"Assign":{"v.$":"$.q","n":1},"Next":"B"},"B":{"Type":"Pass","Assign":{"v":"new"},"Parameters":{"v.$":"$v","n.$":"$n"},"End":true}}}`,
			input: `{}`, want: `{"v":7,"n":1}`},
		{name: "variable paths in InputPath, intrinsics and Choice",
			def:   `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"o":{"id":5},"t":"id={}"},"Next":"C"},"C":{"Type":"Choice","Choices":[{"Variable":"$o.id","NumericEquals":5,"Assign":{"hit":true},"Next":"D"}],"Default":"D"},"D":{"Type":"Pass","Parameters":{"s.$":"States.Format($t, $o.id)","hit.$":"$hit"},"End":true}}}`,
			input: `{}`, want: `{"s":"id=5","hit":true}`},
		{name: "JSONata assign and read",
			def:   `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":"{% $states.input.a %}"},"Output":"{% $exists($x) %}","Next":"B"},"B":{"Type":"Pass","Output":"{% [$states.input, $x] %}","End":true}}}`,
			input: `{"a":3}`, want: `[false,3]`},
		{name: "mixed languages share variables",
			def:   `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":41},"Next":"B"},"B":{"Type":"Pass","QueryLanguage":"JSONata","Output":"{% $x + 1 %}","End":true}}}`,
			input: `{}`, want: `42`},
		{name: "inner scopes read outer variables; outer does not see inner",
			def:   `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":1},"Next":"M"},"M":{"Type":"Map","Items":[1,2],"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","Assign":{"inner":"{% $x + $states.input %}"},"Next":"J"},"J":{"Type":"Pass","Output":"{% $inner %}","End":true}}},"Next":"E"},"E":{"Type":"Pass","Output":"{% {'r': $states.input, 'x': $x, 'inner': $exists($inner)} %}","End":true}}}`,
			input: `{}`, want: `{"r":[2,3],"x":1,"inner":false}`},
		{name: "catch assign",
			def:   `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"err.$":"$.Error"},"ResultPath":null,"Next":"D"}],"End":true},"D":{"Type":"Pass","Parameters":{"e.$":"$err"},"End":true}}}`,
			input: `{}`, want: `{"e":"States.TaskFailed"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireOutput(t, runDef(t, tt.def, tt.input, nil), tt.want)
		})
	}
}

// TestStepAssignments checks that the pure step takes variables in the
// Context and returns assignments in the Decision.
func TestStepAssignments(t *testing.T) {
	t.Parallel()
	m, err := asl.Parse([]byte(`{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"y":"{% $x * 2 %}"},"End":true}}}`))
	require.NoError(t, err)
	require.True(t, m.Assigns)
	vars := map[string]any{"x": int64(4)}
	d := m.Enter("A", map[string]any{}, &asl.Context{StateName: "A", Variables: vars})
	require.Equal(t, asl.KindSucceed, d.Kind)
	require.Equal(t, map[string]any{"y": int64(8)}, d.Assign)
	require.Equal(t, map[string]any{"x": int64(4)}, vars, "the step must not change its input")
	require.Equal(t, map[string]any{"x": int64(4), "y": int64(8)}, asl.Merge(vars, d.Assign))
}

// TestAssignedVariablesEvents checks the runner's StateExited events.
func TestAssignedVariablesEvents(t *testing.T) {
	t.Parallel()
	res := runDef(t, `{"StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"s":"x","n":1},"End":true}}}`, `{}`, nil)
	var exited *runner.Event
	for i := range res.Events {
		if res.Events[i].Type == history.PassStateExited {
			exited = &res.Events[i]
		}
	}
	require.NotNil(t, exited)
	require.Equal(t, map[string]string{"s": `"x"`, "n": `1`}, exited.AssignedVariables)
}

// TestJSONataParseErrors checks that definition problems are found at
// parse time with their location and code.
func TestJSONataParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, def, pointer, code string
	}{
		{"JSONPath field in JSONata state", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","InputPath":"$.a","End":true}}}`, "/States/P/InputPath", asl.CodeJSONPathField},
		{"ResultPath in JSONata catcher", `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"r:x","Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.e","Next":"T"}],"End":true}}}`, "/States/T/Catch/0/ResultPath", asl.CodeJSONPathField},
		{"Output in JSONPath state", `{"StartAt":"P","States":{"P":{"Type":"Pass","Output":{},"End":true}}}`, "/States/P/Output", asl.CodeJSONataField},
		{"bad expression", `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{"a":"{% (1 %}"},"End":true}}}`, "/States/P/Output/a", asl.CodeInvalidJSONata},
		{"Variable in JSONata choice", `{"QueryLanguage":"JSONata","StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsNull":true,"Next":"C"}]}}}`, "/States/C/Choices/0/Variable", asl.CodeJSONPathField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := asl.Parse([]byte(tt.def))
			var pe *asl.ParseError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tt.pointer, pe.Pointer, pe.Message)
			require.Equal(t, tt.code, pe.Code, pe.Message)
			require.NotEmpty(t, asl.Validate([]byte(tt.def)))
		})
	}
}

// BenchmarkJSONataPassOutput measures a Pass state whose Output is a
// JSONata expression: one Enter is one evaluation.
func BenchmarkJSONataPassOutput(b *testing.B) {
	m, err := asl.Parse([]byte(`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% {'total': $sum($states.input.items.(price * qty)), 'n': $count($states.input.items)} %}","End":true}}}`))
	if err != nil {
		b.Fatal(err)
	}
	input := map[string]any{"items": []any{
		map[string]any{"price": 2.5, "qty": int64(2)},
		map[string]any{"price": int64(10), "qty": int64(1)},
	}}
	c := &asl.Context{StateName: "P"}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if d := m.Enter("P", input, c); d.Kind != asl.KindSucceed {
			b.Fatalf("unexpected decision %+v", d)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}

// BenchmarkJSONataPassOutputParallel is the same on every core.
func BenchmarkJSONataPassOutputParallel(b *testing.B) {
	m, err := asl.Parse([]byte(`{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% $states.input.a + 1 %}","End":true}}}`))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		c := &asl.Context{StateName: "P"}
		input := map[string]any{"a": int64(1)}
		for pb.Next() {
			m.Enter("P", input, c)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}

// TestDistributedMapScope checks that a distributed Map's iterations do
// not see the variables around the Map, while an inline Map's do.
func TestDistributedMapScope(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"INLINE", "DISTRIBUTED"} {
		def := `{"QueryLanguage":"JSONata","StartAt":"A","States":{"A":{"Type":"Pass","Assign":{"x":1},"Next":"M"},"M":{"Type":"Map","Items":[0],"ItemProcessor":{"ProcessorConfig":{"Mode":"` + mode + `"},"StartAt":"I","States":{"I":{"Type":"Pass","Output":"{% $exists($x) %}","End":true}}},"End":true}}}`
		requireOutput(t, runDef(t, def, `{}`, nil), map[string]string{"INLINE": `[true]`, "DISTRIBUTED": `[false]`}[mode])
	}
}

// TestJSONataTask checks Arguments, $states.result in Output and Assign,
// and that a Task's output defaults to its result.
func TestJSONataTask(t *testing.T) {
	t.Parallel()
	var got []any
	tasks := func(_ context.Context, call *asl.TaskCall, _ string) (any, error) {
		got = append(got, call.Input)
		return map[string]any{"n": int64(21)}, nil
	}
	def := `{"QueryLanguage":"JSONata","StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Arguments":{"id":"{% $states.input.id %}"},
			"Assign":{"doubled":"{% $states.result.n * 2 %}"},"Output":"{% $states.result.n %}","Next":"U"},
		"U":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Next":"V"},
		"V":{"Type":"Pass","Output":"{% [$states.input.n, $doubled] %}","End":true}}}`
	requireOutput(t, runDef(t, def, `{"id":"x"}`, tasks), `[21,42]`)
	require.Equal(t, []any{map[string]any{"id": "x"}, int64(21)}, got, "Arguments, then the first task's Output")
}
