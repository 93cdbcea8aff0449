package jsonata

import (
	"errors"
	"math"
	"regexp"

	"github.com/blues/jsonata-go/jparse"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// The direct evaluator: a subset of JSONata compiled from the Go port's
// parse tree into Go closures that evaluate on the JSON value model, as
// the reference does (see the package doc). Whatever it is not sure of
// it declines, at compile time (directNode returns false) or at run time
// (a node panics with declined), and the expression goes down the native
// path as before.

// directExpr is an expression compiled for the direct evaluator. It holds
// no state of an evaluation: it is safe for concurrent use.
type directExpr struct {
	root directFn
}

// directFn evaluates one node with ctx as the context value ($). It
// returns a JSON value or undefined; a value that is a JSONata sequence
// is returned as a []any of two items or more (one item is the item,
// none is undefined), which no operation of the subset tells from an
// array.
type directFn func(ctx any, s *directState) any

// directState is what one evaluation reads besides its context.
type directState struct {
	root     any
	bindings map[string]any
	env      *Env
}

// undefinedValue is JSONata's undefined in the direct evaluator (nil is
// JSON null).
type undefinedValue struct{}

var undefined any = undefinedValue{}

// declined is the panic value of a node that cannot be sure of its
// result; directExpr.eval turns it into errDeclined.
type declined struct{}

// errDeclined reports that the direct evaluator left an evaluation to
// the native path.
var errDeclined = errors.New("left to the native evaluator")

// decline stops the direct evaluation; its result type lets a node
// return it.
func decline() any { panic(declined{}) }

// compileDirect compiles src for the direct evaluator, or returns nil
// when src holds anything outside its subset.
func compileDirect(src string) *directExpr {
	root, err := jparse.Parse(src)
	if err != nil {
		return nil
	}
	f, ok := directNode(root)
	if !ok {
		return nil
	}
	return &directExpr{root: f}
}

// eval evaluates the expression, or returns errDeclined when the result
// might differ from the reference's: then nothing it did is seen (it
// never changes input or bindings, nor reads the Env's random source).
func (d *directExpr) eval(input any, bindings map[string]any, env *Env) (out any, err error) {
	if _, ok := input.([]any); ok {
		// 2.x wraps an array input in an outer sequence.
		return nil, errDeclined
	}
	defer func() {
		if recover() != nil {
			out, err = nil, errDeclined
		}
	}()
	v := d.root(input, &directState{root: input, bindings: bindings, env: env})
	if v == undefined {
		return nil, ErrUndefined
	}
	if !exactJSON(v) || jsonvalue.Over(v, maxResultBytes) {
		return nil, errDeclined
	}
	return v, nil
}

// maxExact bounds the integers that JavaScript numbers hold exactly; a
// result with a larger number may print otherwise on the reference.
const maxExact = 1 << 53

// exactJSON reports whether v is JSON the reference renders alike: its
// numbers are finite and below maxExact.
func exactJSON(v any) bool {
	switch t := v.(type) {
	case nil, bool, string:
		return true
	case int64:
		return t >= -maxExact && t <= maxExact
	case float64:
		return math.Abs(t) < maxExact
	case []any:
		for _, e := range t {
			if !exactJSON(e) {
				return false
			}
		}
		return true
	case map[string]any:
		for _, e := range t {
			if !exactJSON(e) {
				return false
			}
		}
		return true
	}
	return false
}

// directNode compiles one node of the parse tree, or reports false when
// it is outside the subset.
func directNode(n jparse.Node) (directFn, bool) {
	switch n := n.(type) {
	case *jparse.StringNode:
		return constant(n.Value), true
	case *jparse.NumberNode:
		v, err := number(n.Value)
		return constant(v), err == nil
	case *jparse.BooleanNode:
		return constant(n.Value), true
	case *jparse.NullNode:
		return constant(nil), true
	case *jparse.VariableNode:
		return directVariable(n.Name), true
	case *jparse.PathNode:
		return directPath(n)
	case *jparse.BlockNode:
		return directBlock(n)
	case *jparse.ObjectNode:
		return directObject(n)
	case *jparse.ArrayNode:
		return directArray(n)
	case *jparse.NegationNode:
		return directUnary(n.RHS, negate)
	case *jparse.NumericOperatorNode:
		return directBinary(n.LHS, n.RHS, func(l, r any) any { return arithmetic(n.Type, l, r) })
	case *jparse.StringConcatenationNode:
		return directBinary(n.LHS, n.RHS, concat)
	case *jparse.ComparisonOperatorNode:
		return directComparison(n)
	case *jparse.BooleanOperatorNode:
		return directBoolean(n)
	case *jparse.ConditionalNode:
		return directConditional(n)
	case *jparse.FunctionCallNode:
		return directCall(n)
	}
	return nil, false
}

func constant(v any) directFn {
	return func(any, *directState) any { return v }
}

// directNodes compiles a list of nodes.
func directNodes(nodes []jparse.Node) ([]directFn, bool) {
	out := make([]directFn, len(nodes))
	for i, n := range nodes {
		f, ok := directNode(n)
		if !ok {
			return nil, false
		}
		out[i] = f
	}
	return out, true
}

// functionNames are the names of the reference's built-in functions: an
// unbound $name among them is a function, which the subset has no value
// for.
var functionNames = func() map[string]bool {
	names := map[string]bool{}
	for _, m := range regexp.MustCompile(`staticFrame\.bind\('(\w+)'`).FindAllStringSubmatch(librarySource, -1) {
		names[m[1]] = true
	}
	for name := range awsFunctions {
		names[name] = true
	}
	return names
}()

// directVariable is $name: a binding, $ the context, $$ the input.
func directVariable(name string) directFn {
	switch name {
	case "":
		return func(ctx any, _ *directState) any { return ctx }
	case "$":
		return func(_ any, s *directState) any { return s.root }
	}
	function := functionNames[name]
	return func(_ any, s *directState) any {
		if v, ok := s.bindings[name]; ok {
			return v
		}
		if function {
			return decline()
		}
		return undefined
	}
}

// directPath is a path of steps. Array constructors as steps (2.x keeps
// them whole), [] (keep singleton arrays), predicates, sorting and
// grouping are outside the subset.
func directPath(p *jparse.PathNode) (directFn, bool) {
	if p.KeepArrays || len(p.Steps) == 0 {
		return nil, false
	}
	steps := make([]directFn, len(p.Steps))
	for i, st := range p.Steps {
		switch st := st.(type) {
		case *jparse.NameNode:
			steps[i] = nameStep(st.Value)
			continue
		case *jparse.ArrayNode:
			return nil, false
		}
		f, ok := directNode(st)
		if !ok {
			return nil, false
		}
		steps[i] = f
	}
	_, absolute := p.Steps[0].(*jparse.VariableNode)
	return func(ctx any, s *directState) any { return evalPath(steps, absolute, ctx, s) }, true
}

// directBlock is ( e1; e2; … ): the last expression's value. A block
// that binds variables is outside the subset (:= is not compiled).
func directBlock(b *jparse.BlockNode) (directFn, bool) {
	exprs, ok := directNodes(b.Exprs)
	if !ok || len(exprs) == 0 {
		return nil, false
	}
	return func(ctx any, s *directState) any {
		var v any
		for _, e := range exprs {
			v = e(ctx, s)
		}
		return v
	}, true
}

// directObject is an object constructor on one context value; on an
// array (2.x groups over its items) it declines.
func directObject(o *jparse.ObjectNode) (directFn, bool) {
	keys := make([]jparse.Node, len(o.Pairs))
	values := make([]jparse.Node, len(o.Pairs))
	for i, p := range o.Pairs {
		keys[i], values[i] = p[0], p[1]
	}
	k, ok1 := directNodes(keys)
	v, ok2 := directNodes(values)
	if !ok1 || !ok2 {
		return nil, false
	}
	return func(ctx any, s *directState) any { return evalObject(k, v, ctx, s) }, true
}

// directArray is an array constructor: a nested constructor is kept as
// an item, other arrays are flattened into it.
func directArray(a *jparse.ArrayNode) (directFn, bool) {
	items, ok := directNodes(a.Items)
	if !ok {
		return nil, false
	}
	nested := make([]bool, len(a.Items))
	for i, it := range a.Items {
		_, nested[i] = it.(*jparse.ArrayNode)
	}
	return func(ctx any, s *directState) any {
		out := make([]any, 0, len(items))
		for i, it := range items {
			v := it(ctx, s)
			if a, ok := v.([]any); ok && !nested[i] {
				out = append(out, a...)
			} else if v != undefined {
				out = append(out, v)
			}
		}
		return out
	}, true
}

func directUnary(operand jparse.Node, op func(any) any) (directFn, bool) {
	f, ok := directNode(operand)
	if !ok {
		return nil, false
	}
	return func(ctx any, s *directState) any { return op(f(ctx, s)) }, true
}

// directBinary evaluates both sides, left first, then op.
func directBinary(lhs, rhs jparse.Node, op func(l, r any) any) (directFn, bool) {
	l, ok1 := directNode(lhs)
	r, ok2 := directNode(rhs)
	if !ok1 || !ok2 {
		return nil, false
	}
	return func(ctx any, s *directState) any { return op(l(ctx, s), r(ctx, s)) }, true
}

func directComparison(c *jparse.ComparisonOperatorNode) (directFn, bool) {
	switch c.Type {
	case jparse.ComparisonEqual:
		return directBinary(c.LHS, c.RHS, func(l, r any) any { return equality(l, r, true) })
	case jparse.ComparisonNotEqual:
		return directBinary(c.LHS, c.RHS, func(l, r any) any { return equality(l, r, false) })
	case jparse.ComparisonLess, jparse.ComparisonLessEqual, jparse.ComparisonGreater, jparse.ComparisonGreaterEqual:
		return directBinary(c.LHS, c.RHS, func(l, r any) any { return ordering(c.Type, l, r) })
	}
	return nil, false
}

// directBoolean is and/or, the right side evaluated only when needed.
func directBoolean(b *jparse.BooleanOperatorNode) (directFn, bool) {
	l, ok1 := directNode(b.LHS)
	r, ok2 := directNode(b.RHS)
	if !ok1 || !ok2 {
		return nil, false
	}
	and := b.Type == jparse.BooleanAnd
	if !and && b.Type != jparse.BooleanOr {
		return nil, false
	}
	return func(ctx any, s *directState) any {
		if truthy(l(ctx, s)) != and {
			return !and
		}
		return truthy(r(ctx, s))
	}, true
}

func directConditional(c *jparse.ConditionalNode) (directFn, bool) {
	cond, ok1 := directNode(c.If)
	then, ok2 := directNode(c.Then)
	if !ok1 || !ok2 {
		return nil, false
	}
	otherwise := constant(undefined)
	if c.Else != nil {
		var ok bool
		if otherwise, ok = directNode(c.Else); !ok {
			return nil, false
		}
	}
	return func(ctx any, s *directState) any {
		if truthy(cond(ctx, s)) {
			return then(ctx, s)
		}
		return otherwise(ctx, s)
	}, true
}

// directCall is a call of one of directFunctions by its $name, with as
// many arguments as the subset takes (fewer would mean the context).
func directCall(c *jparse.FunctionCallNode) (directFn, bool) {
	v, ok := c.Func.(*jparse.VariableNode)
	if !ok {
		return nil, false
	}
	fn, ok := directFunctions[v.Name]
	if !ok || len(c.Args) < fn.min || len(c.Args) > fn.max {
		return nil, false
	}
	args, ok := directNodes(c.Args)
	if !ok {
		return nil, false
	}
	name := v.Name
	return func(ctx any, s *directState) any {
		if _, bound := s.bindings[name]; bound {
			return decline()
		}
		values := make([]any, len(args))
		for i, a := range args {
			values[i] = a(ctx, s)
		}
		return fn.call(values, s.env)
	}, true
}
