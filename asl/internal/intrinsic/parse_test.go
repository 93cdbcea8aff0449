package intrinsic

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
	"github.com/stepwise-run/stepwise/internal/testkit"
)

func TestLooks(t *testing.T) {
	t.Parallel()
	looks := func(_ *testing.T, src string) bool { return Looks(src) }
	testkit.Table(t, looks, map[string]bool{
		"States.Format('x')": true,
		"  States.Array()":   true,
		"\tStates.UUID()":    true,
		"States.":            true,
		"$.a":                false,
		"$$.Execution.Input": false,
		"states.Array()":     false,
		"":                   false,
		"Format('x')":        false,
	})
}

// TestParse parses each call, requires it to print as written, and compares
// the function's name.
func TestParse(t *testing.T) {
	t.Parallel()
	name := func(t *testing.T, src string) string {
		c, err := Parse(src)
		require.NoError(t, err, src)
		require.Equal(t, src, c.String())
		return c.Name()
	}
	testkit.Table(t, name, map[string]string{
		"States.Array()":            "States.Array",
		"States.Array( )":           "States.Array",
		"States.Array ($.a)":        "States.Array",
		"States.Array( $.a , $.b )": "States.Array",
		"States.Array(1, -2, 3.5, -4.25e2, 1E3, true, false, null, 'x')":          "States.Array",
		"States.Format('Hello {}', $.name)":                                       "States.Format",
		`States.Format('Welcome to {} {}\'s playlist.', $.firstName, $.lastName)`: "States.Format",
		`States.Format('\{\}\\', $.a)`:                                            "States.Format",
		"States.Format('{} xyz {}', 1, 'def')":                                    "States.Format",
		"States.Format('', $.a)":                                                  "States.Format",
		"States.StringToJson('{\"a\": [1, 2]}')":                                  "States.StringToJson",
		"States.ArrayGetItem($.a['b c'], 0)":                                      "States.ArrayGetItem",
		"States.ArrayGetItem($.list[?(@.x == 1)], 0)":                             "States.ArrayGetItem",
		"States.ArrayGetItem($.list[?(@.x == 'a, b)')], 0)":                       "States.ArrayGetItem",
		"States.Array($..x, $.a[0], $[1], $)":                                     "States.Array",
		"States.StringSplit($$.Execution.Input.csv, ',')":                         "States.StringSplit",
		"States.Format('{}{}', $.field1, $field2)":                                "States.Format",
		"States.Array($var, $var.a[0], $_x)":                                      "States.Array",
		"States.MathAdd(States.MathAdd(States.MathAdd($.y, $.x), $.z), $.b)":      "States.MathAdd",
		"States.JsonMerge($.a, $.b, false)":                                       "States.JsonMerge",
		"States.UUID()":                                                           "States.UUID",
		"States.Hash($.Data, $.Algorithm)":                                        "States.Hash",
		// AWS checks counts and types when it runs the call.
		"States.ArrayLength()":          "States.ArrayLength",
		"States.MathAdd('a', 1)":        "States.MathAdd",
		"States.Format('{} {}', $.a)":   "States.Format",
		"States.Format('Hello {', $.a)": "States.Format",
		"States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(1))))))))))": "States.Array",
	})
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src    string
		offset int
		msg    string
	}{
		{"", 0, "must start with"},
		{" States.Array('Foo', $.xyz, 'Bar', 2.3)", 0, "without white space"},
		{"States.Array() ", 14, "after the call"},
		{"States.Array($.a) trailing", 17, "after the call"},
		{"States.Xyz($.result)", 0, "unknown intrinsic function States.Xyz"},
		{"States.format('x')", 0, "unknown intrinsic function"},
		{"States.Array", 12, "expected '('"},
		{"Foo.Array()", 0, "starting with"},
		{"$.a", 0, "starting with"},
		{"States.Array(", 13, "missing argument and ')'"},
		{"States.ArrayLength($.arr", 24, "missing ')'"},
		{"States.ArrayGetItem($.arr, )", 27, "missing argument"},
		{"States.Array(,1)", 13, "missing argument"},
		{"States.Array(1 2)", 15, "expected ',' or ')'"},
		{"States.Array([1,2])", 13, "unexpected '['"},
		{"States.Array(1.)", 13, "digits must follow '.'"},
		{"States.Array(.5)", 13, "unexpected '.'"},
		{"States.Array(1e)", 13, "exponent"},
		{"States.Array(-)", 13, "invalid number"},
		{"States.Array(1x)", 13, "invalid number"},
		{"States.Array(1e999)", 13, "out of range"},
		{"States.Array(True)", 13, `unexpected "True"`},
		{"States.Array(\"x\")", 13, "unexpected '\"'"},
		{"States.Array('abc)", 13, "unterminated string literal"},
		{`States.Array('a\nb')`, 15, `invalid escape sequence \n`},
		{`States.StringToJson('{"a":"\"x\""}')`, 27, `invalid escape sequence \"`},
		{`States.Array('a\`, 15, "unterminated escape sequence"},
		{"States.Array($.a[x])", 13, "invalid path"},
		{"States.Array($.a['b)", 13, "unterminated path"},
		{"States.Array($.a[x])", 13, "invalid path"},
		{"States.Array($x.)", 13, `invalid path "$x."`},
		{"States.Array('é', $.a['x)", 18, "unterminated path"},
		{"States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(States.Array(1)))))))))))", 130, "nest more than 10 deep"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.src)
		var pe *ParseError
		require.ErrorAs(t, err, &pe, tt.src)
		require.Equal(t, tt.offset, pe.Offset, "%s: %v", tt.src, err)
		require.Contains(t, err.Error(), tt.msg, tt.src)
		require.Equal(t, tt.src, pe.Src)
	}
}

func TestParseErrorUnwrapsPathError(t *testing.T) {
	t.Parallel()
	_, err := Parse("States.Array($.a[x])")
	var pe *ParseError
	require.ErrorAs(t, err, &pe)
	require.Error(t, pe.Err)
	require.True(t, errors.Is(err, pe.Err))
}

func TestParseIsReusable(t *testing.T) {
	t.Parallel()
	c, err := Parse("States.Format('{}-{}', $.a, States.MathAdd($.b, 1))")
	require.NoError(t, err)
	for i := range 3 {
		env := Env{Input: jsonvalue.MustDecode(`{"a":"x","b":` + string(rune('0'+i)) + `}`)}
		got, err := c.Eval(env)
		require.NoError(t, err)
		require.Equal(t, "x-"+string(rune('1'+i)), got)
	}
}
