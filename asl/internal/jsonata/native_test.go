package jsonata

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNativeConcurrent evaluates expressions natively from many
// goroutines at once; run with -race it checks that calls of the Go
// port's shared built-in functions are serialized.
func TestNativeConcurrent(t *testing.T) {
	t.Parallel()
	exprs := map[string]func(i int) any{
		"$uppercase($states.input.s)":      func(i int) any { return fmt.Sprintf("S%d", i) },
		"$states.input.items.$uppercase()": func(i int) any { return []any{"A", fmt.Sprintf("S%d", i)} },
		"$states.input.n * 2":              func(i int) any { return int64(2 * i) },
		"$sum($states.input.items.$length())": func(i int) any {
			return int64(1 + len(fmt.Sprintf("s%d", i)))
		},
	}
	var wg sync.WaitGroup
	for src, want := range exprs {
		e, err := Compile(src)
		require.NoError(t, err)
		require.Empty(t, e.Fallback(), src)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := g * 100; i < g*100+50; i++ {
					in := map[string]any{"s": fmt.Sprintf("s%d", i), "n": int64(i), "items": []any{"a", fmt.Sprintf("s%d", i)}}
					got, err := e.native.eval(e.vars, nil, map[string]any{"states": map[string]any{"input": in}}, &Env{})
					if err != nil || !equalJSON(got, want(i)) {
						t.Errorf("%s on %d: %v, %v", src, i, got, err)
						return
					}
				}
			}()
		}
	}
	wg.Wait()
}

func equalJSON(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// TestNativeValues checks the conversions around the Go port: nulls in
// the input and bindings stay null, numbers come back as the reference
// gives them, and AWS's functions are bound.
func TestNativeValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want string
	}{
		{"$states.input.a", `null`},
		{"$states.input.b[1]", `null`},
		{"$x", `null`},
		{"$states.input.c * 1.5", `3`},
		{"0.1 + 0.2", `0.30000000000000004`},
		{"$range(1, 9, 9)", `1`},
		{"$partition([1,2,3], 2)", `[[1,2],[3]]`},
		{"$hash('abc', 'MD5')", `"900150983cd24fb0d6963f7d28e17f72"`},
		{"$parse('{\"a\": null}')", `{"a":null}`},
		{"$millis()", `0`},
		{"$now()", `"1970-01-01T00:00:00.000Z"`},
		{"$nothing", `undefined`},
	}
	bindings := map[string]any{"x": nil, "states": map[string]any{"input": map[string]any{"a": nil, "b": []any{int64(1), nil}, "c": int64(2)}}}
	for _, tt := range tests {
		e, err := Compile(tt.src)
		require.NoError(t, err)
		require.Empty(t, e.Fallback(), tt.src)
		require.Equal(t, tt.want, Outcome(e.native.eval(e.vars, nil, bindings, &Env{})), tt.src)
	}
}

// TestNativeComparisonWithUndefined checks that an ordering comparison
// with a missing side yields undefined, as 2.x does (the Go port yields
// false), and that one with a side of another type still fails.
func TestNativeComparisonWithUndefined(t *testing.T) {
	t.Parallel()
	input := map[string]any{"n": int64(5), "s": "b", "o": map[string]any{}}
	for src, want := range map[string]error{
		"$states.input.missing > 3":                   ErrUndefined,
		"3 > $states.input.missing":                   ErrUndefined,
		"$states.input.missing <= 'b'":                ErrUndefined,
		"$states.input.missing >= $states.input.none": ErrUndefined,
		"$states.input.n > 3":                         nil,
		"$states.input.s < 'c'":                       nil,
	} {
		e, err := Compile(src)
		require.NoError(t, err)
		require.Empty(t, e.Fallback(), src)
		_, err = e.native.eval(e.vars, nil, map[string]any{"states": map[string]any{"input": input}}, &Env{})
		require.ErrorIs(t, err, want, src)
		if want == nil {
			require.NoError(t, err, src)
		}
	}
	e, err := Compile("$states.input.o > $states.input.missing")
	require.NoError(t, err)
	_, err = e.Eval(nil, map[string]any{"states": map[string]any{"input": input}}, &Env{})
	var jerr *Error
	require.ErrorAs(t, err, &jerr, "an object is not comparable, whatever the other side")
	require.Equal(t, "T2010", jerr.Code)
}
