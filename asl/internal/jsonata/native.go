package jsonata

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strings"
	"sync"

	gojsonata "github.com/blues/jsonata-go"
	"github.com/blues/jsonata-go/jparse"
	"github.com/blues/jsonata-go/jtypes"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// The native evaluator: the Go port of JSONata (see the package doc),
// with AWS's functions and $now/$millis bound per evaluation.

// nativeExpr is an expression compiled by the Go port. Its base is never
// changed after compiling: each evaluation binds its variables on a copy.
type nativeExpr struct {
	base *gojsonata.Expr
	// operands are the two sides of an expression that is an ordering
	// comparison (<, <=, >, >=): the Go port yields false when a side is
	// undefined, where 2.x yields undefined (and AWS fails a Choice
	// Condition), so eval evaluates them first.
	operands []*gojsonata.Expr
}

// lambda finds a function definition ("function" or "λ") in code.
var lambda = regexp.MustCompile(`(^|[^\w$.])(function|λ)\s*\(`)

// referenceOnly are the functions left to the reference, with why: the
// Go port follows JSONata 1.x where 2.x (which AWS runs) differs, or
// gives a result a native evaluation cannot bound.
var referenceOnly = map[string]string{
	// Picture formatting follows 1.x and can loop forever ($formatNumber
	// on the official suite); a native evaluation cannot be interrupted.
	"formatNumber": "picture formatting", "formatBase": "picture formatting", "formatInteger": "picture formatting",
	"parseInteger": "picture formatting", "fromMillis": "picture formatting", "toMillis": "picture formatting",
	// 2.x renders numbers in strings with 15 significant digits.
	"string": "number to string conversion",
	// Go maps have no order: these would list keys in a random order.
	"keys": "object key order", "spread": "object key order", "each": "object key order", "sift": "object key order",
}

// referenceOnlySyntax are the operators left to the reference, each with
// the pattern that finds it in code and why.
var referenceOnlySyntax = []struct {
	pattern *regexp.Regexp
	why     string
}{
	// 2.x renders numbers in strings with 15 significant digits.
	{regexp.MustCompile(`&`), "the & operator (number to string conversion)"},
	// The positional and context binding operators are 1.x+ additions
	// the Go port does not have.
	{regexp.MustCompile(`[@#]\s*\$`), "the @ or # binding operator"},
	// Sorting is unstable in the Go port (2.x keeps equal keys in order).
	{regexp.MustCompile(`\^\s*\(`), "the ^( ) sort operator"},
	// A wildcard lists an object's values in Go's random map order.
	{regexp.MustCompile(`(^|[.(\[,;:{?]|\*\*)\s*\*`), "a wildcard (object key order)"},
	// The Go port rewrites the syntax tree of "x ~> $f(y)" while
	// evaluating it (eval.go, evalFunctionApplication), so a compiled
	// form could be evaluated only once.
	{regexp.MustCompile(`~>`), "the ~> operator"},
	// The Go port cannot bound a runaway recursion (a Go stack overflow
	// ends the process) nor interrupt a long evaluation.
	{lambda, "a function definition (only the reference bounds recursion and run time)"},
}

// compileNative compiles src with the Go port, or returns why it cannot
// run src as the reference does (the expression then falls back to the
// reference). Only what can be decided from the source is checked here;
// the differential test finds the rest.
func compileNative(src string) (*nativeExpr, string) {
	c := code(src)
	names, _ := scan(c)
	for _, name := range names {
		if why := referenceOnly[name]; why != "" {
			return nil, "it calls $" + name + " (" + why + ")"
		}
	}
	for _, s := range referenceOnlySyntax {
		if s.pattern.MatchString(c) {
			return nil, "it uses " + s.why
		}
	}
	x, err := gojsonata.Compile(src)
	if err != nil {
		return nil, "the Go port does not parse it: " + err.Error()
	}
	operands, err := comparisonOperands(src)
	if err != nil {
		return nil, "the Go port does not parse a side of its comparison: " + err.Error()
	}
	return &nativeExpr{base: x, operands: operands}, ""
}

// comparisonOperands compiles the two sides of src when src is an
// ordering comparison, and returns nil otherwise.
func comparisonOperands(src string) ([]*gojsonata.Expr, error) {
	root, err := jparse.Parse(src)
	if err != nil {
		return nil, err
	}
	c, ok := root.(*jparse.ComparisonOperatorNode)
	if !ok {
		return nil, nil
	}
	switch c.Type {
	case jparse.ComparisonLess, jparse.ComparisonLessEqual, jparse.ComparisonGreater, jparse.ComparisonGreaterEqual:
	default:
		return nil, nil
	}
	var out []*gojsonata.Expr
	for _, side := range []jparse.Node{c.LHS, c.RHS} {
		x, err := gojsonata.Compile(side.String())
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// code returns src with the text of string literals, backquoted names
// and comments blanked out, so that what remains is code.
func code(src string) string {
	b := []byte(src)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '"' || b[i] == '\'' || b[i] == '`':
			end := skipQuoted(src, i)
			for j := i + 1; j < end && j < len(b); j++ {
				b[j] = ' '
			}
			i = end
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				end = len(b)
			} else {
				end += i + 4
			}
			for j := i; j < end; j++ {
				b[j] = ' '
			}
			i = end - 1
		}
	}
	return string(b)
}

// builtins serializes evaluations that call the Go port's built-in
// functions: it stores each call's context and name in the shared
// function value (eval.go, evalFunctionCall), a data race when two
// goroutines call one function at once. Expressions that only read
// their input and bindings run in parallel.
var builtins sync.Mutex

// null is the Go port's JSON null.
var null = reflect.ValueOf((*any)(nil))

// errPanic reports a panic of the Go port (it has a few on inputs the
// official suite holds); the reference then evaluates the expression.
var errPanic = errors.New("the Go port panicked")

func (n *nativeExpr) eval(names []string, input any, bindings map[string]any, env *Env) (out any, err error) {
	defer func() {
		if recover() != nil {
			out, err = nil, errPanic
		}
	}()
	vars := make(map[string]any, len(names))
	shared := false
	for _, name := range names {
		if v, ok := bindings[name]; ok {
			vars[name] = toNative(v)
			continue
		}
		if f := awsFunction(name, env); f != nil {
			vars[name] = f
			continue
		}
		shared = true
	}
	if shared {
		builtins.Lock()
		defer builtins.Unlock()
	}
	in := toNative(input)
	if err := n.compared(vars, in); err != nil {
		return nil, err
	}
	out, err = run(n.base, vars, in)
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, nil // the Go port's Eval reports null as nil
	}
	v, err := fromNative(reflect.ValueOf(out))
	if err != nil {
		return nil, err
	}
	if jsonvalue.Over(v, maxResultBytes) {
		return nil, &Error{Message: fmt.Sprintf("the result is larger than %d bytes", maxResultBytes)}
	}
	return v, nil
}

// compared returns ErrUndefined when the expression is an ordering
// comparison with an undefined side and a side that is undefined, a
// number or a string, as 2.x evaluates it; with a side of another type
// the comparison fails as the Go port fails it.
func (n *nativeExpr) compared(vars map[string]any, input any) error {
	if n.operands == nil {
		return nil
	}
	undefined, comparable := false, true
	for _, side := range n.operands {
		v, err := run(side, vars, input)
		switch {
		case errors.Is(err, ErrUndefined):
			undefined = true
		case err != nil:
			return err
		default:
			rv := reflect.ValueOf(v)
			comparable = comparable && (jtypes.IsNumber(rv) || jtypes.IsString(rv))
		}
	}
	if undefined && comparable {
		return ErrUndefined
	}
	return nil
}

// run evaluates base, on a copy bound to vars, with input.
func run(base *gojsonata.Expr, vars map[string]any, input any) (any, error) {
	x := *base
	if err := x.RegisterVars(vars); err != nil {
		return nil, err
	}
	out, err := x.Eval(input)
	if errors.Is(err, gojsonata.ErrUndefined) {
		return nil, ErrUndefined
	}
	return out, err
}

// toNative returns v with every JSON null replaced by the Go port's null:
// it takes a nil in a map or slice for undefined. Containers with no null
// inside are shared, not copied.
func toNative(v any) any {
	if !hasNull(v) {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = toNative(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = toNative(e)
		}
		return out
	}
	return null.Interface()
}

// hasNull reports whether v is or holds a JSON null.
func hasNull(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case map[string]any:
		for _, e := range t {
			if hasNull(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if hasNull(e) {
				return true
			}
		}
	}
	return false
}

// errNotJSON fails a native result that has no JSON form; the reference
// then evaluates the expression.
var errNotJSON = errors.New("the result has no JSON form")

// fromNative converts a Go port value to the JSON value model, numbers
// as the reference's JSON text decodes: integers that fit int64 become
// int64.
func fromNative(v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, ErrUndefined
	}
	if jtypes.IsCallable(v) {
		return nil, ErrFunction
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		return fromNative(v.Elem())
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.String:
		return v.String(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return number(float64(v.Uint()))
	case reflect.Float32, reflect.Float64:
		return number(v.Float())
	case reflect.Slice, reflect.Array:
		return arrayFromNative(v)
	case reflect.Map:
		return objectFromNative(v)
	}
	return nil, errNotJSON
}

// number is f as the reference's JSON text of f decodes.
func number(f float64) (any, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, errNotJSON
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
		return int64(f), nil
	}
	return f, nil
}

func arrayFromNative(v reflect.Value) (any, error) {
	out := make([]any, 0, v.Len())
	for i := range v.Len() {
		e, err := fromNative(v.Index(i))
		if errors.Is(err, ErrUndefined) {
			continue
		}
		if errors.Is(err, ErrFunction) {
			return nil, errNotJSON
		}
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func objectFromNative(v reflect.Value) (any, error) {
	if v.Type().Key().Kind() != reflect.String {
		return nil, errNotJSON
	}
	out := make(map[string]any, v.Len())
	iter := v.MapRange()
	for iter.Next() {
		e, err := fromNative(iter.Value())
		if errors.Is(err, ErrUndefined) || errors.Is(err, ErrFunction) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[iter.Key().String()] = e
	}
	return out, nil
}
