package asl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonata"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Value is a compiled JSONata-mode field value (Output, Arguments, Assign,
// ItemSelector, ...): a JSON value in which every string of the form
// "{% expression %}" is a JSONata expression, evaluated in place.
type Value struct {
	root vnode
}

type vnode struct {
	literal any
	expr    *jsonata.Expr
	fields  []vfield
	items   []vnode
	// field names the value for AWS's error causes, such as "Output/result".
	field string
}

type vfield = member[vnode]

// isExpression reports whether s is a "{% … %}" JSONata expression.
func isExpression(s string) bool {
	return len(s) >= 4 && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}

// expressionBody is the JSONata text of a "{% … %}" string.
func expressionBody(s string) string {
	return strings.TrimSpace(s[2 : len(s)-2])
}

// CompileValue compiles a JSONata-mode field value; pointer locates it in
// the definition and field names it in runtime error causes.
func CompileValue(raw any, pointer, field string) (*Value, error) {
	n, err := compileValue(raw, pointer, field)
	if err != nil {
		return nil, err
	}
	return &Value{root: n}, nil
}

func compileValue(raw any, pointer, field string) (vnode, error) {
	switch v := raw.(type) {
	case string:
		if !isExpression(v) {
			return vnode{literal: v, field: field}, nil
		}
		e, err := jsonata.Compile(expressionBody(v))
		if err != nil {
			return vnode{}, &ParseError{Pointer: pointer, Code: CodeInvalidJSONata,
				Message: fmt.Sprintf("invalid JSONata expression %q: %v", v, err)}
		}
		return vnode{expr: e, field: field}, nil
	case map[string]any:
		n := vnode{field: field}
		dynamic := false
		for _, k := range jsonvalue.SortedKeys(v) {
			child, err := compileValue(v[k], pointer+"/"+escapePointer(k), field+"/"+k)
			if err != nil {
				return vnode{}, err
			}
			dynamic = dynamic || !child.isLiteral()
			n.fields = append(n.fields, vfield{name: k, node: child})
		}
		if !dynamic {
			return vnode{literal: v, field: field}, nil
		}
		return n, nil
	case []any:
		n := vnode{field: field, items: make([]vnode, 0, len(v))}
		dynamic := false
		for i, e := range v {
			child, err := compileValue(e, fmt.Sprintf("%s/%d", pointer, i), fmt.Sprintf("%s[%d]", field, i))
			if err != nil {
				return vnode{}, err
			}
			dynamic = dynamic || !child.isLiteral()
			n.items = append(n.items, child)
		}
		if !dynamic {
			return vnode{literal: v, field: field}, nil
		}
		return n, nil
	}
	return vnode{literal: raw, field: field}, nil
}

func (n vnode) isLiteral() bool { return n.expr == nil && n.fields == nil && n.items == nil }

// CodeInvalidJSONata marks a "{% %}" string that is not valid JSONata.
const CodeInvalidJSONata = "INVALID_JSONATA"

// states is the $states binding of one evaluation.
type states struct {
	input       any
	result      any
	hasResult   bool
	errorOutput any
	hasError    bool
}

// binding builds $states for expression src, leaving out the members src
// never names: each is encoded for every evaluation, and the context
// object carries the whole execution input.
func (s *states) binding(src string, c *Context) map[string]any {
	b := make(map[string]any, 4)
	if strings.Contains(src, "input") {
		b["input"] = s.input
	}
	if strings.Contains(src, "context") {
		b["context"] = c.Object()
	}
	if s.hasResult && strings.Contains(src, "result") {
		b["result"] = s.result
	}
	if s.hasError && strings.Contains(src, "errorOutput") {
		b["errorOutput"] = s.errorOutput
	}
	return b
}

// Eval renders the value with $states built from st, the workflow
// variables of c and c's clock and random source.
func (v *Value) eval(st *states, c *Context) (any, *Error) {
	return v.root.eval(st, c)
}

func (n vnode) eval(st *states, c *Context) (any, *Error) {
	switch {
	case n.expr != nil:
		return n.evalExpr(st, c)
	case n.fields != nil || n.items != nil:
		return render(n.fields, n.items, func(m vnode) (any, *Error) { return m.eval(st, c) })
	}
	return n.literal, nil
}

func (n vnode) evalExpr(st *states, c *Context) (any, *Error) {
	v, err := n.raw(st, c)
	if errors.Is(err, jsonata.ErrUndefined) {
		return nil, n.queryError(c, "returned nothing (undefined).")
	}
	if errors.Is(err, jsonata.ErrFunction) {
		return nil, n.queryError(c, "returned an unsupported result type.")
	}
	if err != nil {
		return nil, n.queryError(c, "threw an error during evaluation. %v", err)
	}
	return v, nil
}

// raw evaluates the expression, reporting undefined and function results
// as jsonata.ErrUndefined and jsonata.ErrFunction.
func (n vnode) raw(st *states, c *Context) (any, error) {
	bindings := map[string]any{}
	for _, name := range n.expr.Variables() {
		if name == "states" {
			bindings[name] = st.binding(n.expr.String(), c)
			continue
		}
		if v, ok := c.Variables[name]; ok {
			bindings[name] = v
		}
	}
	return n.expr.Eval(nil, bindings, &jsonata.Env{Now: c.Now, Rand: c.Rand})
}

func (n vnode) queryError(c *Context, format string, args ...any) *Error {
	return stateError(c, ErrorQueryEvaluationError, "The JSONata expression '%s' specified for the field '%s' %s",
		n.expr, n.field, fmt.Sprintf(format, args...))
}

// typeError is AWS's cause for an expression whose result has the wrong
// JSON type; literal values are checked at parse time.
func (n vnode) typeError(c *Context, want string, v any) *Error {
	return stateError(c, ErrorQueryEvaluationError,
		"The JSONata expression '%s' specified for the field '%s' returned an unexpected result type. Expected '%s', but was '%s' for value: %s",
		n.expr, n.field, want, jsonvalue.TypeName(v), jsonvalue.String(v))
}

// integer evaluates an expression that must give an integer of at least
// least; want names the expectation in the error.
func (v *Value) integer(st *states, c *Context, least int64, want string) (int64, *Error) {
	r, err := v.eval(st, c)
	if err != nil {
		return 0, err
	}
	n, ok := jsonvalue.Integer(r)
	if !ok || n < least {
		return 0, v.root.typeError(c, want, r)
	}
	return n, nil
}
