package jsonata

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// directAtoms are the leaves of TestDirectRandom's expressions.
var directAtoms = []string{
	`$x.items.price`, `$x.items.qty`, `$x.nested.a`, `$x.single`, `$x.empty`, `$x.none`, `$x.missing`, `$x.s`,
	`$x.zero`, `1`, `2.5`, `-3`, `'a'`, `''`, `true`, `false`, `null`, `$x.deep.a`, `$x.wrapped.b`,
	`$x.wrappedTwice.b`, `$x.flags`, `$x.obj`, `$x.one.price`, `$x.items`, `$x.nested`, `$`, `$$.s`, `s`, `items.qty`,
}

var directOperators = []string{"+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "and", "or", "&"}

var directCalls = []string{"sum", "count", "max", "min", "average", "exists", "boolean", "not", "length",
	"uppercase", "abs", "floor", "ceil", "join", "string", "append", "contains"}

// randomExpr makes an expression of the direct evaluator's subset.
func randomExpr(r *rand.Rand, depth int) string {
	if depth == 0 || r.IntN(4) == 0 {
		return directAtoms[r.IntN(len(directAtoms))]
	}
	sub := func() string { return randomExpr(r, depth-1) }
	switch r.IntN(9) {
	case 0, 1, 2:
		return "(" + sub() + " " + directOperators[r.IntN(len(directOperators))] + " " + sub() + ")"
	case 3:
		name := directCalls[r.IntN(len(directCalls))]
		if name == "append" || name == "contains" || name == "join" && r.IntN(2) == 0 {
			return "$" + name + "(" + sub() + ", " + sub() + ")"
		}
		return "$" + name + "(" + sub() + ")"
	case 4:
		return "(" + sub() + " ? " + sub() + " : " + sub() + ")"
	case 5:
		return "[" + sub() + ", " + sub() + "]"
	case 6:
		return "{'k': " + sub() + ", 'j': " + sub() + "}"
	case 7:
		return "$x.items.(" + strings.ReplaceAll(sub(), "$x.", "") + ")"
	}
	return "-" + sub()
}

// TestDirectRandom compares the direct evaluator with the reference on
// random expressions of its subset.
func TestDirectRandom(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: the reference evaluates every expression")
	}
	r := rand.New(rand.NewPCG(18, 3))
	data := jsonvalue.MustDecode(directData)
	bindings := map[string]any{"x": data}
	accepted := 0
	for range 1500 {
		src := randomExpr(r, 3)
		e, err := Compile(src)
		if err != nil || e.direct == nil {
			continue
		}
		o := e.Compare(data, bindings)
		if o.Direct == "" {
			continue
		}
		accepted++
		if o.Direct != o.Reference {
			t.Errorf("%s\n  direct:    %s\n  reference: %s", src, o.Direct, o.Reference)
		}
	}
	t.Logf("%d random expressions accepted by the direct evaluator", accepted)
}
