package jsonata

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// directData is the $x of the direct evaluator's tests.
var directData = `{
	"items": [{"price": 2.5, "qty": 2}, {"price": 10, "qty": 1}],
	"one": [{"price": 4, "qty": 3}],
	"nested": [[{"a": 1}, {"a": 2}], [{"a": 3}], []],
	"deep": {"a": [[1, 2], [3]]},
	"wrapped": [{"b": [7]}],
	"wrappedTwice": [[{"b": [7]}]],
	"single": [5],
	"empty": [],
	"none": null,
	"zero": 0,
	"s": "abc",
	"obj": {"k": 1},
	"flags": [false, 0, ""]
}`

// TestDirectSequences checks the direct evaluator on the edge cases of
// JSONata's sequences, numbers and undefined: each expression must be
// accepted and give the reference's outcome.
func TestDirectSequences(t *testing.T) {
	t.Parallel()
	bindings := map[string]any{"x": jsonvalue.MustDecode(directData)}
	for _, src := range []string{
		// missing fields, null and undefined
		`$x.missing`, `$x.missing.deeper`, `$x.none`, `$x.none.a`, `$exists($x.missing)`, `$exists($x.none)`,
		`$x.none = null`, `$x.missing = null`, `$x.missing != null`, `$x.missing < 3`, `$x.zero >= $x.missing`,
		`{'a': $x.missing, 'b': $x.none}`, `$unbound`, `$exists($unbound)`,
		// arrays of arrays, singleton and empty arrays
		`$x.nested`, `$x.nested.a`, `$x.deep.a`, `$x.wrapped.b`, `$x.wrappedTwice.b`,
		`$x.single`, `$x.one.price`, `$x.items.price`, `$x.empty`, `$x.empty.a`, `[$x.single]`, `[[$x.single]]`,
		`[$x.items.price, [1, 2], $x.missing]`, `$x.items.(price * qty)`, `$x.one.(price * qty)`,
		`$x.items.{'p': price}`, `$x.nested.(a)`, `$x.nested.($.a)`,
		// numbers: integers stay integers, fractions stay floats
		`1 + 1.5`, `3 * 2`, `7 / 2`, `6 / 3`, `0.1 + 0.2`, `-7 % 3`, `-$x.zero`, `$x.zero - 1`, `1.5e10 * 2`, `1e-7 * 3`,
		// functions on empty arrays and single values
		`$sum($x.empty)`, `$count($x.empty)`, `$max($x.empty)`, `$min($x.empty)`, `$average($x.empty)`,
		`$sum($x.items.(price * qty))`, `$count($x.items)`, `$count($x.missing)`, `$count($x.none)`, `$count($x.obj)`,
		`$max($x.items.price)`, `$min(3)`, `$average([1, 2])`, `$sum(4)`, `$join([])`, `$join(['a', 'b'], '-')`,
		`$join('a')`, `$append($x.single, $x.empty)`, `$append(1, $x.missing)`, `$append($x.missing, [2])`,
		`$length($x.s)`, `$uppercase($x.s)`, `$contains($x.s, 'b')`, `$abs(-2.5)`, `$floor(-2.5)`, `$ceil(2.1)`,
		// truthiness
		`$boolean($x.flags)`, `$boolean($x.empty)`, `$boolean($x.obj)`, `$not($x.none)`, `$boolean($x.missing)`,
		`$x.flags ? 'yes' : 'no'`, `$x.missing ? 1`, `$x.zero or $x.s`, `$x.none and $x.s`,
		`'b' > 'a'`, `$x.s = 'abc'`, `$x.obj = 1`,
		// strings: & and $string of strings, booleans, null and integers
		`'a' & $x.s`, `$x.zero & 'x'`, `$x.missing & 'x'`, `$x.none & $x.missing`, `$string($x.none)`,
		`$string(true)`, `$string($x.missing)`, `$x.s & 1.5 * 2`, `'n' & -$x.zero`,
		// AWS's functions
		`$partition([1, 2, 3], 2)`, `$range(1, 9, 9)`, `$range(0, 4, 2)`, `$hash('a')`, `$parse('{"a": [1]}').a`,
		`$now()`, `$millis()`,
	} {
		e, err := Compile(src)
		require.NoError(t, err, src)
		requireDirect(t, e, nil, bindings)
	}
	// on an input, relative paths, $ and $$
	input := jsonvalue.MustDecode(directData)
	for _, src := range []string{
		`items.price`, `nested.a`, `$.s`, `$$.s`, `items.($$.zero + price)`, `items.$`, `$count(items.$$)`, `wrapped.b`,
		`{'n': $count(items), 'first': one.price}`, `(s; zero)`,
	} {
		e, err := Compile(src)
		require.NoError(t, err, src)
		requireDirect(t, e, input, nil)
	}
}

// requireDirect requires the direct evaluator to accept an evaluation and
// give the reference's outcome.
func requireDirect(t *testing.T, e *Expr, input any, bindings map[string]any) {
	t.Helper()
	require.NotNil(t, e.direct, "%s is outside the subset", e)
	o := e.Compare(input, bindings)
	require.NotEmpty(t, o.Direct, "%s was declined", e)
	require.Equal(t, o.Reference, o.Direct, e.String())
}

// TestDirectDeclines checks that the direct evaluator leaves what it is
// not sure of to the native path.
func TestDirectDeclines(t *testing.T) {
	t.Parallel()
	bindings := map[string]any{"x": jsonvalue.MustDecode(directData), "big": int64(1) << 60}
	for _, src := range []string{
		`1 / 0`, `'a' + 1`, `$x.s < 1`, `$x.obj < 1`, `{'a': 1, 'a': 2}`, `{$x.zero: 1}`, `$uppercase('ß')`,
		`$sum($x.flags)`, `1e300 * 1`, `$join([1])`, `$big`, `$big + 1`, `$sum`, `$x.items = $x.items`, `$contains($x.s, /b/)`,
		`$x.nested.{'a': a}`, `'\uE000' < 'a'`, `'a' & 1.5`, `$string($x.obj)`, `$string(0.1)`, `$string($x.items.qty)`,
	} {
		e, err := Compile(src)
		require.NoError(t, err, src)
		if e.direct == nil {
			continue
		}
		_, err = e.direct.eval(nil, bindings, &Env{})
		require.ErrorIs(t, err, errDeclined, src)
		require.Empty(t, e.Compare(nil, bindings).Direct, src)
	}
	e, err := Compile(`$`)
	require.NoError(t, err)
	_, err = e.direct.eval([]any{int64(1)}, nil, &Env{})
	require.ErrorIs(t, err, errDeclined, "an array input")
}

// TestDirectOutsideSubset checks expressions the direct evaluator does not
// compile.
func TestDirectOutsideSubset(t *testing.T) {
	t.Parallel()
	for _, src := range []string{
		`$random()`, `$uuid()`, `$string(1, true)`, `$string()`, `a[0]`, `a[]`, `a.[b]`, `[1..3]`, `$x := 1`, `a in [1]`,
		`$substring('ab', 1)`, `$length()`, `a{b: c}`,
	} {
		require.Nil(t, compileDirect(src), src)
	}
}

// TestDirectConcurrent evaluates one expression from several goroutines
// (run it with -race) and checks that the bindings are left unchanged.
func TestDirectConcurrent(t *testing.T) {
	t.Parallel()
	e, err := Compile(`{'total': $sum($x.items.(price * qty)), 'n': $count($x.items), 'all': [$x.items, $x.single], 'p': $x.items.price}`)
	require.NoError(t, err)
	require.NotNil(t, e.direct)
	bindings := map[string]any{"x": jsonvalue.MustDecode(directData)}
	before := jsonvalue.String(bindings)
	want := `{"all":[{"price":2.5,"qty":2},{"price":10,"qty":1},5],"n":2,"p":[2.5,10],"total":15}`
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				v, err := e.Eval(nil, bindings, nil)
				if err != nil || jsonvalue.String(v) != want {
					t.Errorf("got %s, %v", jsonvalue.String(v), err)
					return
				}
			}
		}()
	}
	wg.Wait()
	require.Equal(t, before, jsonvalue.String(bindings))
}
