package spectest

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/jsonpointer"
)

// SpecError is a bad spec: the file, the JSON pointer of the problem in
// it (empty for the whole file) and what is wrong.
type SpecError struct {
	File    string
	Pointer string
	Problem string
}

// Error renders the file, the pointer and the problem.
func (e *SpecError) Error() string {
	if e.Pointer == "" {
		return e.File + ": " + e.Problem
	}
	return fmt.Sprintf("%s: %s: %s", e.File, e.Pointer, e.Problem)
}

// fields reads the decoded JSON of one spec file, naming problems with
// the file and JSON pointer.
type fields struct{ file string }

func (f fields) fail(at, format string, args ...any) *SpecError {
	return &SpecError{File: f.file, Pointer: at, Problem: fmt.Sprintf(format, args...)}
}

// object reads an object at pointer at whose keys must be in allowed (none
// given: any key).
func (f fields) object(raw any, at string, allowed ...string) (map[string]any, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, f.fail(at, "must be an object, not %s", asl.JSONType(raw))
	}
	if len(allowed) == 0 {
		return obj, nil
	}
	for _, k := range keys(obj) {
		if !contains(allowed, k) {
			return nil, f.fail(at+"/"+jsonpointer.Escape(k), "unknown field (expected one of %s)", strings.Join(allowed, ", "))
		}
	}
	return obj, nil
}

// text reads an optional string field; required refuses an absent one.
func (f fields) text(obj map[string]any, key, at string, required bool) (string, error) {
	raw, ok := obj[key]
	if !ok && !required {
		return "", nil
	}
	s, isText := raw.(string)
	switch {
	case !ok:
		return "", f.fail(at+"/"+key, "required: a non-empty string")
	case !isText || (required && s == ""):
		return "", f.fail(at+"/"+key, "must be a non-empty string, not %s", asl.EncodeJSON(raw))
	}
	return s, nil
}

// optionalText reads a string field whose absence differs from "".
func (f fields) optionalText(obj map[string]any, key, at string) (*string, error) {
	raw, ok := obj[key]
	if !ok {
		return nil, nil
	}
	s, isText := raw.(string)
	if !isText {
		return nil, f.fail(at+"/"+key, "must be a string, not %s", asl.JSONType(raw))
	}
	return &s, nil
}

// flag reads an optional boolean field; nil when absent.
func (f fields) flag(obj map[string]any, key, at string) (*bool, error) {
	raw, ok := obj[key]
	if !ok {
		return nil, nil
	}
	b, isBool := raw.(bool)
	if !isBool {
		return nil, f.fail(at+"/"+key, "must be true or false, not %s", asl.JSONType(raw))
	}
	return &b, nil
}

// steps reads an optional array whose entries are a state name or an
// array of names (entered in any order); nil when absent.
func (f fields) steps(obj map[string]any, key, at string) ([][]string, error) {
	raw, ok := obj[key]
	if !ok {
		return nil, nil
	}
	list, isList := raw.([]any)
	if !isList {
		return nil, f.fail(at+"/"+key, "must be an array of state names, not %s", asl.JSONType(raw))
	}
	out := make([][]string, len(list))
	for i, v := range list {
		p := fmt.Sprintf("%s/%s/%d", at, key, i)
		if name, isText := v.(string); isText {
			out[i] = []string{name}
			continue
		}
		group, isGroup := v.([]any)
		if !isGroup || len(group) == 0 {
			return nil, f.fail(p, "must be a state name or a non-empty array of names entered in any order, not %s", asl.EncodeJSON(v))
		}
		for j, g := range group {
			name, isText := g.(string)
			if !isText {
				return nil, f.fail(fmt.Sprintf("%s/%d", p, j), "must be a state name, not %s", asl.JSONType(g))
			}
			out[i] = append(out[i], name)
		}
	}
	return out, nil
}

// value reads an optional field of any JSON value; nil when absent.
func value(obj map[string]any, key string) *any {
	v, ok := obj[key]
	if !ok {
		return nil
	}
	return &v
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// keys lists m's keys, sorted.
func keys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
