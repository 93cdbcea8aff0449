package asl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/intrinsic"
	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Template is a compiled payload template (Parameters, ResultSelector,
// ItemSelector): a JSON value whose "key.$" fields are replaced by the value
// of a path or an intrinsic function call when evaluated.
type Template struct {
	root        tnode
	usesContext bool
}

type tnode struct {
	literal any            // used when path, call, fields and items are nil
	path    *jsonpath.Path // "key.$": "$.x"
	call    *intrinsic.Call
	fields  []tfield // an object with at least one dynamic part
	items   []tnode  // an array with at least one dynamic part
	key     string   // the source field name, for error messages
}

type tfield = member[tnode]

// member is one named field of a compiled object.
type member[N any] struct {
	name string
	node N
}

// render builds the object (fields set) or the array (items) whose
// members eval computes; it stops at the first error.
func render[N any, E comparable](fields []member[N], items []N, eval func(N) (any, E)) (any, E) {
	var none E
	if fields != nil {
		out := make(map[string]any, len(fields))
		for _, f := range fields {
			v, err := eval(f.node)
			if err != none {
				return nil, err
			}
			out[f.name] = v
		}
		return out, none
	}
	out := make([]any, len(items))
	for i, item := range items {
		v, err := eval(item)
		if err != none {
			return nil, err
		}
		out[i] = v
	}
	return out, none
}

// CompileTemplate compiles a decoded payload template; pointer locates it
// in the definition for error messages.
func CompileTemplate(raw any, pointer string) (*Template, error) {
	t := &Template{}
	root, err := t.compile(raw, pointer, "")
	if err != nil {
		return nil, err
	}
	t.root = root
	return t, nil
}

func (t *Template) compile(raw any, pointer, key string) (tnode, error) {
	switch v := raw.(type) {
	case map[string]any:
		return t.compileObject(v, pointer)
	case []any:
		return t.compileArray(v, pointer)
	}
	return tnode{literal: raw, key: key}, nil
}

func (t *Template) compileObject(obj map[string]any, pointer string) (tnode, error) {
	n := tnode{}
	dynamic := false
	for _, k := range jsonvalue.SortedKeys(obj) {
		ptr := pointer + "/" + escapePointer(k)
		var child tnode
		var err error
		if strings.HasSuffix(k, ".$") {
			child, err = t.compileDynamic(obj[k], ptr, k)
			k = strings.TrimSuffix(k, ".$")
			dynamic = true
		} else {
			child, err = t.compile(obj[k], ptr, k)
			dynamic = dynamic || !child.isLiteral()
		}
		if err != nil {
			return tnode{}, err
		}
		n.fields = append(n.fields, tfield{name: k, node: child})
	}
	if !dynamic {
		return tnode{literal: obj}, nil
	}
	return n, nil
}

func (t *Template) compileArray(arr []any, pointer string) (tnode, error) {
	n := tnode{items: make([]tnode, 0, len(arr))}
	dynamic := false
	for i, e := range arr {
		child, err := t.compile(e, fmt.Sprintf("%s/%d", pointer, i), "")
		if err != nil {
			return tnode{}, err
		}
		dynamic = dynamic || !child.isLiteral()
		n.items = append(n.items, child)
	}
	if !dynamic {
		return tnode{literal: arr}, nil
	}
	return n, nil
}

func (t *Template) compileDynamic(raw any, pointer, key string) (tnode, error) {
	s, ok := raw.(string)
	if !ok {
		return tnode{}, &ParseError{Pointer: pointer, Message: fmt.Sprintf("the value of field %q must be a JSONPath or an intrinsic function string", key)}
	}
	if intrinsic.Looks(s) {
		call, err := intrinsic.Parse(s)
		if err != nil {
			return tnode{}, &ParseError{Pointer: pointer, Message: fmt.Sprintf("invalid intrinsic function in field %q: %v", key, err)}
		}
		t.usesContext = true
		return tnode{call: call, key: key}, nil
	}
	p, err := jsonpath.Compile(s)
	if err != nil {
		return tnode{}, &ParseError{Pointer: pointer, Message: fmt.Sprintf("invalid JSONPath in field %q: %v", key, err)}
	}
	t.usesContext = t.usesContext || p.Context()
	return tnode{path: p, key: key}, nil
}

func (n tnode) isLiteral() bool {
	return n.path == nil && n.call == nil && n.fields == nil && n.items == nil
}

// Eval renders the template against input and the context object.
func (t *Template) Eval(input any, c *Context) (any, error) {
	return t.root.eval(input, c)
}

func (n tnode) eval(input any, c *Context) (any, error) {
	switch {
	case n.path != nil:
		return n.evalPath(input, c)
	case n.call != nil:
		v, err := n.call.Eval(intrinsic.Env{Input: input, Context: c.Object(), Vars: c.Variables, Rand: c.Rand, Field: n.key})
		if err != nil {
			return nil, located(c, AsError(err))
		}
		return v, nil
	case n.fields != nil || n.items != nil:
		return render(n.fields, n.items, func(m tnode) (any, error) { return m.eval(input, c) })
	}
	return n.literal, nil
}

func (n tnode) evalPath(input any, c *Context) (any, error) {
	data := input
	if n.path.Context() {
		data = c.Object()
	}
	v, err := c.selectPath(n.path, input)
	if errors.Is(err, jsonpath.ErrNotFound) {
		return nil, runtimeError(c, "The JSONPath '%s' specified for the field '%s' could not be found in the input '%s'",
			n.path, n.key, jsonvalue.String(data))
	}
	return v, err
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}
