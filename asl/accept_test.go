package asl_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

// acceptCase is a definition AWS accepts, an input, and AWS's result: the
// output JSON, or the error name when err is set.
type acceptCase struct {
	name, def, input, want string
	err                    bool
}

// runAccepted validates each case's definition, requires no diagnostic,
// then runs it and checks AWS's result.
func runAccepted(t *testing.T, cases []acceptCase) {
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Empty(t, asl.Validate([]byte(tt.def)))
			res := runDef(t, tt.def, tt.input, nil)
			if tt.err {
				requireError(t, res, tt.want)
				return
			}
			requireOutput(t, res, tt.want)
		})
	}
}

// TestDotBeforeBracket: AWS reads a dot before a bracket, as in $.[0] or
// $.Items.[0].State, as the bracket alone.
func TestDotBeforeBracket(t *testing.T) {
	t.Parallel()
	runAccepted(t, []acceptCase{
		{name: "root index", def: single(`{"Type":"Pass","InputPath":"$.[0]","End":true}`),
			input: `[{"a":1},2]`, want: `{"a":1}`},
		{name: "inner index", def: single(`{"Type":"Pass","Parameters":{"s.$":"$.Items.[0].State"},"End":true}`),
			input: `{"Items":[{"State":"ok"}]}`, want: `{"s":"ok"}`},
		{name: "wildcard then names", def: single(`{"Type":"Pass","Parameters":{"k.$":"$.[*].['key']"},"End":true}`),
			input: `[{"bucket":"b1","key":"k1"},{"bucket":"b2","key":"k2"}]`, want: `{"k":["k1","k2"]}`},
		{name: "wildcard then several names", def: single(`{"Type":"Pass","Parameters":{"objects.$":"$.[*].['bucket','key']"},"End":true}`),
			input: `[{"bucket":"b1","key":"k1","size":1},{"bucket":"b2","key":"k2","size":2}]`, want: `{"objects":[{"bucket":"b1","key":"k1"},{"bucket":"b2","key":"k2"}]}`},
		{name: "several names of one object", def: single(`{"Type":"Pass","InputPath":"$.o.['bucket','key']","End":true}`),
			input: `{"o":{"bucket":"b","key":"k","size":1}}`, want: `{"bucket":"b","key":"k"}`},
		{name: "result path", def: single(`{"Type":"Pass","Result":"x","ResultPath":"$.a.[1]","End":true}`),
			input: `{"a":[0,1]}`, want: `{"a":[0,"x"]}`},
		{name: "choice variable", def: `{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$.[1]","NumericEquals":2,"Next":"Y"}],"Default":"N"},"Y":{"Type":"Pass","Result":"y","End":true},"N":{"Type":"Pass","Result":"n","End":true}}}`,
			input: `[1,2]`, want: `"y"`},
	})
}

// TestScriptExpression: AWS's JSONPath evaluates a script expression such
// as [(@.length-1)] to the index it selects.
func TestScriptExpression(t *testing.T) {
	t.Parallel()
	runAccepted(t, []acceptCase{
		{name: "last element", def: single(`{"Type":"Pass","InputPath":"$[(@.length-1)]","End":true}`),
			input: `[1,2,3]`, want: `3`},
		{name: "inner last element", def: single(`{"Type":"Pass","Parameters":{"last.$":"$.items[(@.length-1)].id"},"End":true}`),
			input: `{"items":[{"id":"a"},{"id":"b"}]}`, want: `{"last":"b"}`},
		{name: "out of range", def: single(`{"Type":"Pass","InputPath":"$[(@.length)]","End":true}`),
			input: `[1,2,3]`, want: asl.ErrorRuntime, err: true},
		{name: "in each element", def: single(`{"Type":"Pass","Parameters":{"l.$":"$[*][(@.length-1)]"},"End":true}`),
			input: `[[1,2],[3]]`, want: `{"l":[2,3]}`},
	})
}

// TestCustomStatesErrors: AWS accepts error names that start with
// "States." but are not predefined; a Fail state or a task may raise one,
// and it matches only itself (and States.ALL).
func TestCustomStatesErrors(t *testing.T) {
	t.Parallel()
	parallel := func(raise, catch string) string {
		return `{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"` + raise + `","Cause":"c"}}}],
			"Catch":[{"ErrorEquals":` + catch + `,"ResultPath":"$.err","Next":"Caught"}],"End":true},"Caught":{"Type":"Pass","End":true}}}`
	}
	runAccepted(t, []acceptCase{
		{name: "caught by name", def: parallel("States.QuorumMet", `["States.QuorumMet"]`),
			input: `{}`, want: `{"err":{"Error":"States.QuorumMet","Cause":"c"}}`},
		{name: "caught by States.ALL", def: parallel("States.FauxFailure1", `["States.ALL"]`),
			input: `{}`, want: `{"err":{"Error":"States.FauxFailure1","Cause":"c"}}`},
		{name: "another custom name does not match", def: parallel("States.FauxFailure1", `["States.FauxFailure2","States.Timeout"]`),
			input: `{}`, want: "States.FauxFailure1", err: true},
		{name: "raised by a Fail state", def: single(`{"Type":"Fail","Error":"States.FauxFailure1"}`),
			input: `{}`, want: "States.FauxFailure1", err: true},
	})
}

// TestCustomStatesErrorRetried: a retrier naming a custom States. error
// retries a task that raises it.
func TestCustomStatesErrorRetried(t *testing.T) {
	t.Parallel()
	def := single(`{"Type":"Task","Resource":"arn:aws:states:::x","Retry":[{"ErrorEquals":["States.FauxFailure1"],"IntervalSeconds":1,"MaxAttempts":2}],"End":true}`)
	require.Empty(t, asl.Validate([]byte(def)))
	calls := 0
	res := runDef(t, def, `{}`, func(context.Context, *asl.TaskCall, string) (any, error) {
		calls++
		if calls < 3 {
			return nil, asl.NewError("States.FauxFailure1", "try %d", calls)
		}
		return "done", nil
	})
	requireOutput(t, res, `"done"`)
	require.Equal(t, 3, calls)
}

// TestQueryLanguageScopes: only a top-level JSONata machine refuses
// JSONPath states. A JSONata state in a JSONPath machine makes JSONata the
// default of the machines nested in it, whose states may declare JSONPath;
// the item processor of a Distributed Map is a state machine of its own.
func TestQueryLanguageScopes(t *testing.T) {
	t.Parallel()
	inner := `"StartAt":"B","States":{"B":{"Type":"Pass","QueryLanguage":"JSONPath","Parameters":{"v.$":"$.x"},"End":true}}`
	runAccepted(t, []acceptCase{
		{name: "JSONata distributed map in a JSONPath machine",
			def:   `{"StartAt":"M","States":{"M":{"Type":"Map","QueryLanguage":"JSONata","Items":"{% $states.input.items %}","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},` + inner + `}}}}`,
			input: `{"items":[{"x":1},{"x":2}]}`, want: `[{"v":1},{"v":2}]`},
		{name: "JSONata inline map in a JSONPath machine",
			def:   `{"StartAt":"M","States":{"M":{"Type":"Map","QueryLanguage":"JSONata","Items":"{% $states.input.items %}","End":true,"ItemProcessor":{` + inner + `}}}}`,
			input: `{"items":[{"x":1}]}`, want: `[{"v":1}]`},
		{name: "distributed map in a JSONata machine",
			def:   `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":"{% $states.input.items %}","End":true,"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},` + inner + `}}}}`,
			input: `{"items":[{"x":"a"}]}`, want: `[{"v":"a"}]`},
	})
	refused := `{"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map","Items":[1],"End":true,"ItemProcessor":{` + inner + `}}}}`
	require.NotEmpty(t, asl.Validate([]byte(refused)))
	_, err := asl.Parse([]byte(refused))
	var pe *asl.ParseError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "/States/M/ItemProcessor/States/B/QueryLanguage", pe.Pointer)
}

// TestRangeSequence: AWS's $range gives a JSONata sequence, so a range of
// one value is the value itself (AWS records $range(1, 9, 9) as 1).
func TestRangeSequence(t *testing.T) {
	t.Parallel()
	def := single(`{"QueryLanguage":"JSONata","Type":"Pass","Output":"{% $range($states.input.a, $states.input.b, $states.input.c) %}","End":true}`)
	runAccepted(t, []acceptCase{
		{name: "one value", def: def, input: `{"a":1,"b":9,"c":9}`, want: `1`},
		{name: "several values", def: def, input: `{"a":1,"b":9,"c":2}`, want: `[1,3,5,7,9]`},
		{name: "descending one value", def: def, input: `{"a":0,"b":-1,"c":-2}`, want: `0`},
		{name: "kept in an array constructor", def: single(`{"QueryLanguage":"JSONata","Type":"Pass","Output":{"r":"{% [$range(4, 4, 1)] %}"},"End":true}`),
			input: `{}`, want: `{"r":[4]}`},
	})
}
