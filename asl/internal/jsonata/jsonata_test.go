package jsonata

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestEval(t *testing.T) {
	t.Parallel()
	env := &Env{Now: time.Date(2024, 11, 6, 9, 42, 3, 0, time.UTC), Rand: rand.New(rand.NewPCG(1, 2))}
	tests := []struct {
		expr     string
		input    any
		bindings map[string]any
		want     any
		err      string
	}{
		{expr: "$sum(a) + $x", input: map[string]any{"a": []any{int64(1), int64(2)}}, bindings: map[string]any{"x": int64(4)}, want: int64(7)},
		{expr: "$states.input.v", bindings: map[string]any{"states": map[string]any{"input": map[string]any{"v": "s"}}}, want: "s"},
		{expr: "$partition([1,2,3], 2)", want: []any{[]any{int64(1), int64(2)}, []any{int64(3)}}},
		{expr: "$range(0, 10, 3)", want: []any{int64(0), int64(3), int64(6), int64(9)}},
		{expr: "$range(0, 4, 2)", want: []any{int64(0), int64(2), int64(4)}},
		{expr: "$range(1, 9, 9)", want: int64(1)},
		{expr: "$range(3, 3, -1)", want: int64(3)},
		{expr: "$range(1, 9, 9) + 1", want: int64(2)},
		{expr: "[$range(1, 9, 9)]", want: []any{int64(1)}},
		{expr: "$range(2, 1, 1)", want: []any{}},
		{expr: "$partition([0], 1)", want: []any{[]any{int64(0)}}},
		{expr: "$hash('abc', 'MD5')", want: "900150983cd24fb0d6963f7d28e17f72"},
		{expr: "$parse('{\"a\": [1]}')", want: map[string]any{"a": []any{int64(1)}}},
		{expr: "$now()", want: "2024-11-06T09:42:03.000Z"},
		{expr: "$contains('hello$world', /^hello\\$/)", want: true},
		{expr: "1.5 * 2", want: int64(3)},
		{expr: "0.1", want: 0.1},
		{expr: "[1, 'two']", want: []any{int64(1), "two"}},
		{expr: "$nothing", err: ErrUndefined.Error()},
		{expr: "function($x){$x}", err: ErrFunction.Error()},
		{expr: "$randomSeeded(1)", err: "T1006: Attempted to invoke a non-function"},
		{expr: "$hash('a', 'SHA-3')", err: `the hash algorithm "SHA-3" is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			t.Parallel()
			e, err := Compile(tt.expr)
			require.NoError(t, err)
			got, err := e.Eval(tt.input, tt.bindings, env)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestRandomUsesEnv(t *testing.T) {
	t.Parallel()
	e, err := Compile("[$random(), $uuid()]")
	require.NoError(t, err)
	a, err := e.Eval(nil, nil, &Env{Rand: rand.New(rand.NewPCG(7, 7))})
	require.NoError(t, err)
	b, err := e.Eval(nil, nil, &Env{Rand: rand.New(rand.NewPCG(7, 7))})
	require.NoError(t, err)
	require.Equal(t, a, b)
	_, err = e.Eval(nil, nil, &Env{})
	require.Error(t, err)
}

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"(1", "1 +", "", "$states.input.[", "{'a': }"} {
		_, err := Compile(src)
		require.Error(t, err, src)
		var je *Error
		require.ErrorAs(t, err, &je)
		require.NotEmpty(t, je.Code, src)
	}
}

func TestVariables(t *testing.T) {
	t.Parallel()
	e, err := Compile(`$a + $states.input.x & "$b" & $c_1`)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "states", "c_1"}, e.Variables())
	require.True(t, e.Uses("a"))
	require.False(t, e.Uses("b"))
}

func FuzzCompile(f *testing.F) {
	for _, s := range []string{"$sum(a)", "(1", "$x := 1", "{'a': [1,2][0]}", "/re/i"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Compile(src)
		if err == nil && e.String() != src {
			t.Fatalf("source changed")
		}
	})
}

// TestLimits checks that runaway expressions fail instead of hanging or
// exhausting the stack, and that the pool keeps working after them.
func TestLimits(t *testing.T) {
	t.Parallel()
	deep, err := Compile("($f := function($n){ 1 + $f($n + 1) }; $f(0))")
	require.NoError(t, err)
	_, err = deep.Eval(nil, nil, &Env{})
	var je *Error
	require.ErrorAs(t, err, &je)
	require.Equal(t, "U1001", je.Code)

	loop, err := Compile("($f := function($n){ $f($n + 1) }; $f(0))")
	require.NoError(t, err)
	_, err = loop.Eval(nil, nil, &Env{Timeout: 200 * time.Millisecond})
	require.ErrorIs(t, err, ErrTimeout)

	ok, err := Compile("1 + 1")
	require.NoError(t, err)
	for range 20 {
		v, err := ok.Eval(nil, nil, nil)
		require.NoError(t, err)
		require.Equal(t, int64(2), v)
	}
}
