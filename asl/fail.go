package asl

import "fmt"

// Fail ends the machine with an error. Error and Cause are fixed texts;
// ErrorPath and CausePath compute them from the input (a path or an
// intrinsic function).
type Fail struct {
	Base
	Error     string
	Cause     string
	ErrorPath *Template
	CausePath *Template
	// ErrorExpr and CauseExpr are JSONata Error and Cause expressions.
	ErrorExpr *Value
	CauseExpr *Value
}

func parseFail(r *reader, b Base) State {
	if b.jsonata() {
		f := &Fail{Base: b, ErrorExpr: r.expressionOr("Error"), CauseExpr: r.expressionOr("Cause")}
		if f.ErrorExpr == nil {
			f.Error = r.str("Error")
		}
		if f.CauseExpr == nil {
			f.Cause = r.str("Cause")
		}
		return f
	}
	f := &Fail{Base: b, Error: r.str("Error"), Cause: r.str("Cause")}
	f.ErrorPath = r.dynamic("ErrorPath")
	f.CausePath = r.dynamic("CausePath")
	return f
}

// dynamic reads a field holding a path or an intrinsic function call, as
// a one-field template.
func (r *reader) dynamic(key string) *Template {
	v, ok := r.obj[key]
	if !ok {
		return nil
	}
	t := &Template{}
	n, err := t.compileDynamic(v, r.at(key), key)
	if err != nil {
		r.adopt(err)
		return nil
	}
	t.root = n
	return t
}

func (f *Fail) enter(input any, c *Context) Decision {
	if f.jsonata() {
		st := &states{input: input}
		name, err := expressionText(f.Error, f.ErrorExpr, st, c)
		if err != nil {
			return failWith(err)
		}
		cause, err := expressionText(f.Cause, f.CauseExpr, st, c)
		if err != nil {
			return failWith(err)
		}
		return failWith(&Error{Name: name, Cause: cause})
	}
	name, err := f.text(f.Error, f.ErrorPath, "ErrorPath", input, c)
	if err != nil {
		return failWith(err)
	}
	cause, err := f.text(f.Cause, f.CausePath, "CausePath", input, c)
	if err != nil {
		return failWith(err)
	}
	return failWith(&Error{Name: name, Cause: cause})
}

// expressionText is fixed, or the string expr computes.
func expressionText(fixed string, expr *Value, st *states, c *Context) (string, *Error) {
	if expr == nil {
		return fixed, nil
	}
	v, err := expr.eval(st, c)
	if err != nil {
		return "", err
	}
	s, ok := v.(string)
	if !ok {
		return "", expr.root.typeError(c, "string", v)
	}
	return s, nil
}

func (f *Fail) text(fixed string, dyn *Template, field string, input any, c *Context) (string, *Error) {
	if dyn == nil {
		return fixed, nil
	}
	v, err := dyn.Eval(input, c)
	if err != nil {
		return "", AsError(err)
	}
	s, ok := v.(string)
	if !ok {
		return "", runtimeError(c, "The %s field resolved to a value that is not a string: %v", field, fmt.Sprint(v))
	}
	return s, nil
}
