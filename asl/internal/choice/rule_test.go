package choice

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/internal/failure"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

func mustParse(t testing.TB, src string) *Rule {
	t.Helper()
	raw, ok := jsonvalue.MustDecode(src).(map[string]any)
	require.True(t, ok, "rule must be an object: %s", src)
	r, err := Parse(raw, "/r", false)
	require.NoError(t, err, src)
	return r
}

// testInput is the state input shared by the operator tests.
const testInput = `{
	"s": "banana", "empty": "", "upper": "B", "accent": "é", "emoji": "😀", "pua": "\uE000",
	"i0": 0, "i1": 1, "f0": 0.0, "f15": 1.5, "big": 9007199254740993, "bigf": 9007199254740992.0,
	"neg": -3, "max": 9223372036854775807,
	"t": true, "f": false, "n": null,
	"arr": [1, "x"], "obj": {"a": {"b": "deep"}},
	"ts": "2012-10-09T19:00:55Z", "tsFrac": "2012-10-09T19:00:55.5Z", "tsOff": "2012-10-09T20:00:55+01:00",
	"tsNoZone": "2012-10-09T19:00:55", "tsDate": "2023-02-24", "tsLower": "2012-10-09t19:00:55z",
	"star": "a*b", "slash": "a\\b",
	"other": {"s": "banana", "i": 1, "f": 1.0, "t": true, "ts": "2012-10-09T19:00:56Z", "bad": 5}
}`

var testContext = jsonvalue.MustDecode(`{"Execution": {"Name": "run-1", "Input": {"n": 3}}, "State": {"RetryCount": 0}}`)

func TestMatchOperators(t *testing.T) {
	t.Parallel()
	input := jsonvalue.MustDecode(testInput)
	tests := []struct {
		rule string
		want bool
	}{
		// StringEquals and ordering, by code point.
		{`{"Variable": "$.s", "StringEquals": "banana"}`, true},
		{`{"Variable": "$.s", "StringEquals": "Banana"}`, false},
		{`{"Variable": "$.empty", "StringEquals": ""}`, true},
		{`{"Variable": "$.i1", "StringEquals": "1"}`, false},
		{`{"Variable": "$.n", "StringEquals": "null"}`, false},
		{`{"Variable": "$.s", "StringLessThan": "bananas"}`, true},
		{`{"Variable": "$.s", "StringLessThan": "banana"}`, false},
		{`{"Variable": "$.upper", "StringLessThan": "a"}`, true},
		{`{"Variable": "$.s", "StringGreaterThan": "apple"}`, true},
		{`{"Variable": "$.s", "StringGreaterThan": "banana"}`, false},
		{`{"Variable": "$.s", "StringLessThanEquals": "banana"}`, true},
		{`{"Variable": "$.s", "StringGreaterThanEquals": "banana"}`, true},
		{`{"Variable": "$.s", "StringGreaterThanEquals": "c"}`, false},
		{`{"Variable": "$.accent", "StringGreaterThan": "z"}`, true},
		{`{"Variable": "$.emoji", "StringGreaterThan": "\uFFFF"}`, true},
		{`{"Variable": "$.pua", "StringLessThan": "😀"}`, true},
		{`{"Variable": "$.arr", "StringLessThan": "zzz"}`, false},
		// StringMatches.
		{`{"Variable": "$.s", "StringMatches": "ban*"}`, true},
		{`{"Variable": "$.s", "StringMatches": "*ana"}`, true},
		{`{"Variable": "$.s", "StringMatches": "b*n*a"}`, true},
		{`{"Variable": "$.s", "StringMatches": "*"}`, true},
		{`{"Variable": "$.empty", "StringMatches": "*"}`, true},
		{`{"Variable": "$.s", "StringMatches": "ban"}`, false},
		{`{"Variable": "$.s", "StringMatches": "*x*"}`, false},
		{`{"Variable": "$.star", "StringMatches": "a\\*b"}`, true},
		{`{"Variable": "$.s", "StringMatches": "b\\*"}`, false},
		{`{"Variable": "$.slash", "StringMatches": "a\\\\b"}`, true},
		{`{"Variable": "$.slash", "StringMatches": "a\\\\*"}`, true},
		{`{"Variable": "$.i1", "StringMatches": "*"}`, false},
		// Numeric, exact across int64 and float64.
		{`{"Variable": "$.i0", "NumericEquals": 0}`, true},
		{`{"Variable": "$.f0", "NumericEquals": 0}`, true},
		{`{"Variable": "$.i1", "NumericEquals": 1.0}`, true},
		{`{"Variable": "$.f15", "NumericEquals": 1.5}`, true},
		{`{"Variable": "$.f15", "NumericEquals": 1}`, false},
		{`{"Variable": "$.big", "NumericEquals": 9007199254740992.0}`, false},
		{`{"Variable": "$.big", "NumericGreaterThan": 9007199254740992.0}`, true},
		{`{"Variable": "$.bigf", "NumericLessThan": 9007199254740993}`, true},
		{`{"Variable": "$.max", "NumericLessThan": 9223372036854775808.0}`, true},
		{`{"Variable": "$.neg", "NumericLessThan": -2.5}`, true},
		{`{"Variable": "$.neg", "NumericGreaterThan": -3.5}`, true},
		{`{"Variable": "$.i1", "NumericGreaterThan": 0}`, true},
		{`{"Variable": "$.i1", "NumericGreaterThan": 1}`, false},
		{`{"Variable": "$.i1", "NumericGreaterThanEquals": 1}`, true},
		{`{"Variable": "$.i1", "NumericLessThanEquals": 1}`, true},
		{`{"Variable": "$.i1", "NumericLessThanEquals": 0.5}`, false},
		{`{"Variable": "$.t", "NumericEquals": 1}`, false},
		{`{"Variable": "$.n", "NumericEquals": 0}`, false},
		{`{"Variable": "$.s", "NumericLessThan": 100}`, false},
		// BooleanEquals.
		{`{"Variable": "$.t", "BooleanEquals": true}`, true},
		{`{"Variable": "$.f", "BooleanEquals": false}`, true},
		{`{"Variable": "$.f", "BooleanEquals": true}`, false},
		{`{"Variable": "$.i0", "BooleanEquals": false}`, false},
		{`{"Variable": "$.n", "BooleanEquals": false}`, false},
		// Timestamps.
		{`{"Variable": "$.ts", "TimestampEquals": "2012-10-09T19:00:55Z"}`, true},
		{`{"Variable": "$.tsOff", "TimestampEquals": "2012-10-09T19:00:55Z"}`, true},
		{`{"Variable": "$.tsFrac", "TimestampGreaterThan": "2012-10-09T19:00:55Z"}`, true},
		{`{"Variable": "$.tsFrac", "TimestampLessThan": "2012-10-09T19:00:55.6Z"}`, true},
		{`{"Variable": "$.ts", "TimestampLessThan": "2012-10-09T19:00:56Z"}`, true},
		{`{"Variable": "$.ts", "TimestampLessThan": "2012-10-09T19:00:55Z"}`, false},
		{`{"Variable": "$.ts", "TimestampLessThanEquals": "2012-10-09T19:00:55Z"}`, true},
		{`{"Variable": "$.ts", "TimestampGreaterThanEquals": "2012-10-09T19:00:55Z"}`, true},
		{`{"Variable": "$.ts", "TimestampGreaterThan": "2012-10-09T19:00:55Z"}`, false},
		{`{"Variable": "$.ts", "TimestampGreaterThan": "2012-10-09T19:00:55-00:01"}`, false},
		{`{"Variable": "$.tsNoZone", "TimestampEquals": "2012-10-09T19:00:55Z"}`, false},
		{`{"Variable": "$.tsDate", "TimestampLessThan": "2099-01-01T00:00:00Z"}`, false},
		{`{"Variable": "$.tsLower", "TimestampEquals": "2012-10-09T19:00:55Z"}`, false},
		{`{"Variable": "$.i0", "TimestampEquals": "2012-10-09T19:00:55Z"}`, false},
		// Path forms, reading the input.
		{`{"Variable": "$.s", "StringEqualsPath": "$.other.s"}`, true},
		{`{"Variable": "$.s", "StringLessThanPath": "$.other.s"}`, false},
		{`{"Variable": "$.s", "StringLessThanEqualsPath": "$.other.s"}`, true},
		{`{"Variable": "$.s", "StringGreaterThanPath": "$.empty"}`, true},
		{`{"Variable": "$.s", "StringGreaterThanEqualsPath": "$.other.s"}`, true},
		{`{"Variable": "$.s", "StringEqualsPath": "$.other.i"}`, false},
		{`{"Variable": "$.i1", "NumericEqualsPath": "$.other.f"}`, true},
		{`{"Variable": "$.i1", "NumericLessThanPath": "$.other.i"}`, false},
		{`{"Variable": "$.i0", "NumericLessThanPath": "$.other.i"}`, true},
		{`{"Variable": "$.f15", "NumericGreaterThanPath": "$.other.i"}`, true},
		{`{"Variable": "$.i1", "NumericLessThanEqualsPath": "$.other.i"}`, true},
		{`{"Variable": "$.i1", "NumericGreaterThanEqualsPath": "$.other.f"}`, true},
		{`{"Variable": "$.i1", "NumericEqualsPath": "$.other.s"}`, false},
		{`{"Variable": "$.t", "BooleanEqualsPath": "$.other.t"}`, true},
		{`{"Variable": "$.f", "BooleanEqualsPath": "$.other.t"}`, false},
		{`{"Variable": "$.t", "BooleanEqualsPath": "$.other.i"}`, false},
		{`{"Variable": "$.ts", "TimestampEqualsPath": "$.ts"}`, true},
		{`{"Variable": "$.ts", "TimestampLessThanPath": "$.other.ts"}`, true},
		{`{"Variable": "$.ts", "TimestampGreaterThanPath": "$.other.ts"}`, false},
		{`{"Variable": "$.ts", "TimestampLessThanEqualsPath": "$.other.ts"}`, true},
		{`{"Variable": "$.ts", "TimestampGreaterThanEqualsPath": "$.tsOff"}`, true},
		{`{"Variable": "$.ts", "TimestampEqualsPath": "$.other.bad"}`, false},
		{`{"Variable": "$.ts", "TimestampEqualsPath": "$.tsNoZone"}`, false},
		// Path forms reading the context object.
		{`{"Variable": "$$.Execution.Name", "StringEquals": "run-1"}`, true},
		{`{"Variable": "$$.Execution.Input.n", "NumericGreaterThanPath": "$.i1"}`, true},
		{`{"Variable": "$.i1", "NumericLessThanPath": "$$.Execution.Input.n"}`, true},
		{`{"Variable": "$$.State.RetryCount", "NumericEquals": 0}`, true},
		// Type tests.
		{`{"Variable": "$.n", "IsNull": true}`, true},
		{`{"Variable": "$.i0", "IsNull": true}`, false},
		{`{"Variable": "$.i0", "IsNull": false}`, true},
		{`{"Variable": "$.s", "IsPresent": true}`, true},
		{`{"Variable": "$.n", "IsPresent": true}`, true},
		{`{"Variable": "$.missing", "IsPresent": true}`, false},
		{`{"Variable": "$.missing", "IsPresent": false}`, true},
		{`{"Variable": "$.s.deeper", "IsPresent": false}`, true},
		{`{"Variable": "$.arr[5]", "IsPresent": false}`, true},
		{`{"Variable": "$$.Missing", "IsPresent": false}`, true},
		{`{"Variable": "$.obj.a.b", "IsPresent": true}`, true},
		{`{"Variable": "$.i0", "IsNumeric": true}`, true},
		{`{"Variable": "$.f15", "IsNumeric": true}`, true},
		{`{"Variable": "$.s", "IsNumeric": false}`, true},
		{`{"Variable": "$.t", "IsNumeric": true}`, false},
		{`{"Variable": "$.s", "IsString": true}`, true},
		{`{"Variable": "$.arr", "IsString": true}`, false},
		{`{"Variable": "$.f", "IsBoolean": true}`, true},
		{`{"Variable": "$.n", "IsBoolean": false}`, true},
		{`{"Variable": "$.ts", "IsTimestamp": true}`, true},
		{`{"Variable": "$.tsOff", "IsTimestamp": true}`, true},
		{`{"Variable": "$.tsFrac", "IsTimestamp": true}`, true},
		{`{"Variable": "$.tsNoZone", "IsTimestamp": true}`, false},
		{`{"Variable": "$.tsDate", "IsTimestamp": false}`, true},
		{`{"Variable": "$.s", "IsTimestamp": true}`, false},
		{`{"Variable": "$.i0", "IsTimestamp": false}`, true},
		// Whole input and array elements.
		{`{"Variable": "$", "IsPresent": true}`, true},
		{`{"Variable": "$.arr[1]", "StringEquals": "x"}`, true},
		{`{"Variable": "$['obj']['a'].b", "StringEquals": "deep"}`, true},
		// And, Or, Not.
		{`{"And": [{"Variable": "$.i1", "NumericEquals": 1}, {"Variable": "$.s", "StringEquals": "banana"}]}`, true},
		{`{"And": [{"Variable": "$.i1", "NumericEquals": 1}, {"Variable": "$.s", "StringEquals": "x"}]}`, false},
		{`{"Or": [{"Variable": "$.i1", "NumericEquals": 2}, {"Variable": "$.s", "StringEquals": "banana"}]}`, true},
		{`{"Or": [{"Variable": "$.i1", "NumericEquals": 2}, {"Variable": "$.s", "StringEquals": "x"}]}`, false},
		{`{"Not": {"Variable": "$.i1", "NumericEquals": 2}}`, true},
		{`{"Not": {"Variable": "$.i1", "NumericEquals": 1}}`, false},
		{`{"Not": {"Not": {"Variable": "$.t", "BooleanEquals": true}}}`, true},
		{`{"And": [{"Or": [{"Variable": "$.missing", "IsPresent": true}, {"Variable": "$.t", "IsBoolean": true}]}, {"Not": {"Variable": "$.n", "IsNull": false}}]}`, true},
		// And and Or stop at the first rule that decides, so a later
		// missing path raises nothing.
		{`{"And": [{"Variable": "$.i1", "NumericEquals": 2}, {"Variable": "$.missing", "NumericEquals": 1}]}`, false},
		{`{"Or": [{"Variable": "$.i1", "NumericEquals": 1}, {"Variable": "$.missing", "NumericEquals": 1}]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			t.Parallel()
			r := mustParse(t, tt.rule)
			got, err := r.Match(input, testContext)
			require.NoError(t, err)
			require.Equal(t, tt.want, got, "rule %s", r)
		})
	}
}

func TestMatchRuntimeErrors(t *testing.T) {
	t.Parallel()
	input := jsonvalue.MustDecode(testInput)
	tests := []struct {
		rule string
		path string
	}{
		{`{"Variable": "$.missing", "StringEquals": "x"}`, "$.missing"},
		{`{"Variable": "$.missing", "NumericEquals": 1}`, "$.missing"},
		{`{"Variable": "$.missing", "BooleanEquals": true}`, "$.missing"},
		{`{"Variable": "$.missing", "TimestampEquals": "2012-10-09T19:00:55Z"}`, "$.missing"},
		{`{"Variable": "$.missing", "StringMatches": "*"}`, "$.missing"},
		{`{"Variable": "$.missing", "IsNull": false}`, "$.missing"},
		{`{"Variable": "$.missing", "IsNumeric": false}`, "$.missing"},
		{`{"Variable": "$.missing", "IsString": false}`, "$.missing"},
		{`{"Variable": "$.missing", "IsBoolean": false}`, "$.missing"},
		{`{"Variable": "$.missing", "IsTimestamp": false}`, "$.missing"},
		{`{"Variable": "$.s.deeper", "StringEquals": "x"}`, "$.s.deeper"},
		{`{"Variable": "$.arr[9]", "StringEquals": "x"}`, "$.arr[9]"},
		{`{"Variable": "$$.Execution.Nope", "StringEquals": "x"}`, "$$.Execution.Nope"},
		{`{"Variable": "$.s", "StringEqualsPath": "$.nothing"}`, "$.nothing"},
		{`{"Variable": "$.i1", "NumericLessThanPath": "$$.nothing"}`, "$$.nothing"},
		{`{"Variable": "$.s", "NumericEqualsPath": "$.nothing"}`, "$.nothing"},
		{`{"Not": {"Variable": "$.missing", "StringEquals": "x"}}`, "$.missing"},
		{`{"And": [{"Variable": "$.i1", "NumericEquals": 1}, {"Variable": "$.missing", "NumericEquals": 1}]}`, "$.missing"},
		{`{"Or": [{"Variable": "$.i1", "NumericEquals": 2}, {"Variable": "$.missing", "NumericEquals": 1}]}`, "$.missing"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			t.Parallel()
			r := mustParse(t, tt.rule)
			got, err := r.Match(input, testContext)
			require.False(t, got)
			var fe *failure.Error
			require.True(t, errors.As(err, &fe), "want *failure.Error, got %v", err)
			require.Equal(t, failure.Runtime, fe.Name)
			require.Equal(t, "Invalid path '"+tt.path+"': The choice state's condition path references an invalid value.", fe.Cause)
		})
	}
}

func TestMatchNonObjectInput(t *testing.T) {
	t.Parallel()
	r := mustParse(t, `{"Variable": "$", "NumericEquals": 3}`)
	for _, tt := range []struct {
		input string
		want  bool
	}{{`3`, true}, {`3.0`, true}, {`"3"`, false}, {`null`, false}, {`[3]`, false}} {
		got, err := r.Match(jsonvalue.MustDecode(tt.input), nil)
		require.NoError(t, err)
		require.Equal(t, tt.want, got, tt.input)
	}
	_, err := mustParse(t, `{"Variable": "$.a", "IsNull": true}`).Match(jsonvalue.MustDecode(`"text"`), nil)
	require.Error(t, err)
}

func TestCompareNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b any
		want int
		ok   bool
	}{
		{int64(1), int64(2), -1, true},
		{int64(2), int64(2), 0, true},
		{int64(2), 2.0, 0, true},
		{2.0, int64(2), 0, true},
		{2.5, int64(2), 1, true},
		{int64(2), 2.5, -1, true},
		{int64(-2), -2.5, 1, true},
		{int64(9007199254740993), 9007199254740992.0, 1, true},
		{int64(9223372036854775807), 9223372036854775808.0, -1, true},
		{int64(-9223372036854775808), -9223372036854775808.0, 0, true},
		{int64(-9223372036854775808), -1e300, 1, true},
		{1.5, 1.25, 1, true},
		{1, int64(1), 0, true},
		{int64(1), 1, 0, true},
		{"1", int64(1), 0, false},
		{int64(1), true, 0, false},
		{nil, 1.0, 0, false},
	}
	for _, tt := range tests {
		got, ok := compareNumbers(tt.a, tt.b)
		require.Equal(t, tt.ok, ok, "%v vs %v", tt.a, tt.b)
		require.Equal(t, tt.want, got, "%v vs %v", tt.a, tt.b)
	}
}

func BenchmarkMatch(b *testing.B) {
	input := jsonvalue.MustDecode(testInput)
	for _, bb := range []struct{ name, rule string }{
		{"StringEquals", `{"Variable": "$.s", "StringEquals": "banana"}`},
		{"NumericLessThan", `{"Variable": "$.i1", "NumericLessThan": 2.5}`},
		{"NumericEqualsPath", `{"Variable": "$.obj.a.b", "NumericEqualsPath": "$.other.i"}`},
		{"TimestampEquals", `{"Variable": "$.ts", "TimestampEquals": "2012-10-09T19:00:55Z"}`},
		{"StringMatches", `{"Variable": "$.s", "StringMatches": "b*n*a"}`},
		{"IsPresentMissing", `{"Variable": "$.missing", "IsPresent": false}`},
		{"AndOrNot", `{"And": [{"Variable": "$.t", "BooleanEquals": true}, {"Or": [{"Variable": "$.i1", "NumericEquals": 2}, {"Not": {"Variable": "$.s", "IsNull": true}}]}]}`},
	} {
		r := mustParse(b, bb.rule)
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Match(input, testContext); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
