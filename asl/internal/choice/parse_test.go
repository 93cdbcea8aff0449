package choice

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

func TestParseTopLevel(t *testing.T) {
	t.Parallel()
	raw := jsonvalue.MustDecode(`{"Variable": "$.x", "StringEquals": "a", "Next": "Done", "Comment": "why"}`).(map[string]any)
	r, err := Parse(raw, "/States/Check/Choices/0", true)
	require.NoError(t, err)
	require.Equal(t, "Done", r.Next)
	require.Equal(t, `$.x StringEquals "a"`, r.String())

	raw = jsonvalue.MustDecode(`{"Not": {"Variable": "$.x", "IsNull": true}, "Next": "N"}`).(map[string]any)
	r, err = Parse(raw, "/States/Check/Choices/1", true)
	require.NoError(t, err)
	require.Equal(t, "N", r.Next)
	require.Empty(t, r.rules[0].Next)
}

func TestParseOperatorNames(t *testing.T) {
	t.Parallel()
	literals := map[family]string{
		familyString:    `"a"`,
		familyMatches:   `"a*"`,
		familyNumeric:   `1`,
		familyBoolean:   `true`,
		familyTimestamp: `"2016-03-14T01:59:00Z"`,
	}
	names := []string{
		"StringEquals", "StringLessThan", "StringGreaterThan", "StringLessThanEquals", "StringGreaterThanEquals", "StringMatches",
		"NumericEquals", "NumericLessThan", "NumericGreaterThan", "NumericLessThanEquals", "NumericGreaterThanEquals",
		"BooleanEquals",
		"TimestampEquals", "TimestampLessThan", "TimestampGreaterThan", "TimestampLessThanEquals", "TimestampGreaterThanEquals",
	}
	for _, name := range names {
		op, ok := lookupOperator(name)
		require.True(t, ok, name)
		mustParse(t, `{"Variable": "$.x", "`+name+`": `+literals[op.family]+`}`)
		if name != "StringMatches" {
			mustParse(t, `{"Variable": "$.x", "`+name+`Path": "$.y"}`)
		}
	}
	for _, name := range []string{"IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"} {
		mustParse(t, `{"Variable": "$.x", "`+name+`": false}`)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rule    string
		top     bool
		pointer string
		message string
	}{
		{"missing Next", `{"Variable": "$.x", "IsNull": true}`, true, "/r/Next", "Next is required"},
		{"empty Next", `{"Variable": "$.x", "IsNull": true, "Next": ""}`, true, "/r/Next", "Next is required"},
		{"Next not a string", `{"Variable": "$.x", "IsNull": true, "Next": 3}`, true, "/r/Next", "Next is required"},
		{"nested Next", `{"Variable": "$.x", "IsNull": true, "Next": "A"}`, false, "/r/Next", "only allowed in a top-level"},
		{"nested Assign", `{"Variable": "$.x", "IsNull": true, "Assign": {}}`, false, "/r/Assign", "only allowed in a top-level"},
		{"nested Next deep", `{"Not": {"Variable": "$.x", "IsNull": true, "Next": "A"}, "Next": "B"}`, true, "/r/Not/Next", "only allowed in a top-level"},
		{"no operator", `{"Variable": "$.x"}`, false, "/r", "needs a comparison operator"},
		{"empty rule", `{}`, false, "/r", "needs a comparison operator"},
		{"two operators", `{"Variable": "$.x", "IsNull": true, "StringEquals": "a"}`, false, "/r/StringEquals", "both IsNull and StringEquals"},
		{"operator and And", `{"And": [{"Variable": "$.x", "IsNull": true}], "Variable": "$.x", "IsNull": true}`, false, "/r/IsNull", "both And and IsNull"},
		{"unknown field", `{"Variable": "$.x", "StringEqual": "a"}`, false, "/r/StringEqual", `unknown field "StringEqual"`},
		{"unknown field escaped", `{"Variable": "$.x", "IsNull": true, "a/b": 1}`, false, "/r/a~1b", "unknown field"},
		{"no StringMatchesPath", `{"Variable": "$.x", "StringMatchesPath": "$.y"}`, false, "/r/StringMatchesPath", "unknown field"},
		{"no BooleanLessThan", `{"Variable": "$.x", "BooleanLessThan": true}`, false, "/r/BooleanLessThan", "unknown field"},
		{"End in a rule", `{"Variable": "$.x", "IsNull": true, "End": true}`, false, "/r/End", "unknown field"},
		{"missing Variable", `{"StringEquals": "a"}`, false, "/r/Variable", "Variable is required with StringEquals"},
		{"Variable not a string", `{"Variable": 3, "StringEquals": "a"}`, false, "/r/Variable", "must be a string holding a JSONPath"},
		{"Variable not a path", `{"Variable": "x", "StringEquals": "a"}`, false, "/r/Variable", "Reference Path"},
		{"Variable intrinsic", `{"Variable": "States.ArrayLength($.x)", "NumericEquals": 1}`, false, "/r/Variable", "Reference Path"},
		{"Variable indefinite", `{"Variable": "$.x[*]", "IsPresent": true}`, false, "/r/Variable", "Reference Path"},
		{"Variable with And", `{"And": [{"Variable": "$.x", "IsNull": true}], "Variable": "$.x"}`, false, "/r/Variable", "not allowed in a rule with And"},
		{"Comment not a string", `{"Variable": "$.x", "IsNull": true, "Comment": 1}`, false, "/r/Comment", "Comment must be a string"},
		{"String literal type", `{"Variable": "$.x", "StringEquals": 1}`, false, "/r/StringEquals", "must be a string, got number"},
		{"StringMatches literal type", `{"Variable": "$.x", "StringMatches": null}`, false, "/r/StringMatches", "must be a string, got null"},
		{"Numeric literal type", `{"Variable": "$.x", "NumericLessThan": "1"}`, false, "/r/NumericLessThan", "must be a number, got string"},
		{"Boolean literal type", `{"Variable": "$.x", "BooleanEquals": "true"}`, false, "/r/BooleanEquals", "must be true or false"},
		{"Is literal type", `{"Variable": "$.x", "IsPresent": 1}`, false, "/r/IsPresent", "must be true or false, got number"},
		{"Timestamp literal type", `{"Variable": "$.x", "TimestampEquals": 5}`, false, "/r/TimestampEquals", "RFC 3339"},
		{"Timestamp literal format", `{"Variable": "$.x", "TimestampEquals": "2016-03-14"}`, false, "/r/TimestampEquals", "RFC 3339"},
		{"Timestamp literal lowercase", `{"Variable": "$.x", "TimestampLessThan": "2016-03-14t01:59:00z"}`, false, "/r/TimestampLessThan", "RFC 3339"},
		{"Path operand type", `{"Variable": "$.x", "NumericEqualsPath": 1}`, false, "/r/NumericEqualsPath", "must be a string holding a JSONPath"},
		{"Path operand syntax", `{"Variable": "$.x", "StringEqualsPath": "y"}`, false, "/r/StringEqualsPath", "Reference Path"},
		{"And not an array", `{"And": {"Variable": "$.x", "IsNull": true}}`, false, "/r/And", "non-empty array"},
		{"Or empty", `{"Or": []}`, false, "/r/Or", "non-empty array"},
		{"And item not an object", `{"And": [{"Variable": "$.x", "IsNull": true}, 3]}`, false, "/r/And/1", "must be a JSON object"},
		{"Or item bad", `{"Or": [{"Variable": "$.x", "IsNull": true}, {"Variable": "$.x", "NumericEquals": "1"}]}`, false, "/r/Or/1/NumericEquals", "must be a number"},
		{"Not not an object", `{"Not": [{"Variable": "$.x", "IsNull": true}]}`, false, "/r/Not", "must be a Choice rule object"},
		{"Not inner bad", `{"Not": {"Variable": "$.x"}}`, false, "/r/Not", "needs a comparison operator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			raw := jsonvalue.MustDecode(tt.rule).(map[string]any)
			r, err := Parse(raw, "/r", tt.top)
			require.Nil(t, r)
			var pe *ParseError
			require.True(t, errors.As(err, &pe), "want *ParseError, got %v", err)
			require.Equal(t, tt.pointer, pe.Pointer)
			require.Contains(t, pe.Message, tt.message)
			require.Contains(t, err.Error(), tt.pointer)
			require.NotErrorIs(t, err, ErrUnsupported)
		})
	}
}

func TestParseConditionInJSONPathRule(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rule    string
		pointer string
		message string
	}{
		{`{"Condition": "{% $states.input.x = 1 %}", "Next": "A"}`, "/States/C/Choices/0/Condition", "Condition is only allowed when the Choice state's QueryLanguage is JSONata"},
		{`{"Condition": true, "Variable": "$.x", "Next": "A"}`, "/States/C/Choices/0/Condition", "Condition is only allowed when the Choice state's QueryLanguage is JSONata"},
	}
	for _, tt := range tests {
		raw := jsonvalue.MustDecode(tt.rule).(map[string]any)
		_, err := Parse(raw, "/States/C/Choices/0", true)
		require.NotErrorIs(t, err, ErrUnsupported)
		var pe *ParseError
		require.True(t, errors.As(err, &pe))
		require.Equal(t, tt.pointer, pe.Pointer)
		require.Equal(t, tt.message, pe.Message)
	}
}

func TestParseDoesNotChangeInput(t *testing.T) {
	t.Parallel()
	src := `{"And": [{"Variable": "$.x", "StringMatches": "a\\*b*"}, {"Not": {"Variable": "$.t", "TimestampEquals": "2016-03-14T01:59:00Z"}}], "Next": "A"}`
	raw := jsonvalue.MustDecode(src).(map[string]any)
	_, err := Parse(raw, "", true)
	require.NoError(t, err)
	require.True(t, jsonvalue.Equal(jsonvalue.MustDecode(src), raw))
}

func TestUsesContext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rule string
		want bool
	}{
		{`{"Variable": "$.x", "IsNull": true}`, false},
		{`{"Variable": "$$.Execution.Name", "IsNull": true}`, true},
		{`{"Variable": "$.x", "NumericEqualsPath": "$.y"}`, false},
		{`{"Variable": "$.x", "NumericEqualsPath": "$$.State.RetryCount"}`, true},
		{`{"Not": {"Variable": "$$.x", "IsNull": true}}`, true},
		{`{"And": [{"Variable": "$.x", "IsNull": true}, {"Or": [{"Variable": "$.y", "IsNull": true}, {"Variable": "$$.z", "IsNull": true}]}]}`, true},
		{`{"Or": [{"Variable": "$.x", "IsNull": true}, {"Variable": "$.y", "IsNull": true}]}`, false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, mustParse(t, tt.rule).UsesContext(), tt.rule)
	}
}
