package asl

import "fmt"

// Assign is a compiled Assign field: the workflow variables a state (or a
// Choice rule or a Catcher) sets. In JSONPath mode it is a payload template
// ("name.$" fields read paths and intrinsic functions); in JSONata mode a
// value with "{% %}" expressions.
type Assign struct {
	template *Template
	value    *Value
}

// assign reads the optional Assign field of r's object in language lang.
func (r *reader) assign(lang string) *Assign {
	v, ok := r.obj["Assign"]
	if !ok {
		return nil
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		r.fail("Assign", "Assign must be a JSON object")
		return nil
	}
	a := &Assign{}
	var err error
	if lang == JSONata {
		a.value, err = CompileValue(obj, r.at("Assign"), "Assign")
	} else {
		a.template, err = CompileTemplate(obj, r.at("Assign"))
	}
	r.adopt(err)
	return a
}

// eval computes the assignments: a JSONPath Assign reads data as "$", a
// JSONata one reads st as $states. A nil Assign assigns nothing.
func (a *Assign) eval(data any, st *states, c *Context) (map[string]any, *Error) {
	if a == nil {
		return nil, nil
	}
	var v any
	if a.value != nil {
		var err *Error
		if v, err = a.value.eval(st, c); err != nil {
			return nil, err
		}
	} else {
		var err error
		if v, err = a.template.Eval(data, c); err != nil {
			return nil, AsError(err)
		}
	}
	out, ok := v.(map[string]any)
	if !ok {
		return nil, NewError(ErrorRuntime, "Assign must produce an object, got %s", fmt.Sprint(v))
	}
	return out, nil
}

// Merge returns vars with assign applied, leaving both unchanged; it
// returns vars itself when assign is empty.
func Merge(vars, assign map[string]any) map[string]any {
	if len(assign) == 0 {
		return vars
	}
	out := make(map[string]any, len(vars)+len(assign))
	for k, v := range vars {
		out[k] = v
	}
	for k, v := range assign {
		out[k] = v
	}
	return out
}

// assigns reports whether state st, its Choice rules, catchers or nested
// machines set variables.
func assigns(st State) bool {
	b := st.Common()
	if b.Assign != nil {
		return true
	}
	for _, ct := range b.Catch {
		if ct.Assign != nil {
			return true
		}
	}
	switch s := st.(type) {
	case *Choice:
		for _, a := range s.Assigns {
			if a != nil {
				return true
			}
		}
		for _, r := range s.Conditions {
			if r.Assign != nil {
				return true
			}
		}
	case *Parallel:
		for _, br := range s.Branches {
			if br.Assigns {
				return true
			}
		}
	case *Map:
		return s.Processor != nil && s.Processor.Assigns
	}
	return false
}
