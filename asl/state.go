package asl

import (
	"fmt"
	"strconv"

	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Base holds the fields every state type has, used or not: the validator
// decides which a type may carry.
type Base struct {
	Name          string
	Type          string
	Comment       string
	QueryLanguage string
	// Next is the state that follows; End marks a terminal state.
	Next string
	End  bool
	// InputPath, OutputPath and ResultPath: absent means "$", null discards.
	InputPath  OptionalPath
	OutputPath OptionalPath
	ResultPath OptionalPath
	// Parameters and ResultSelector are nil when absent.
	Parameters     *Template
	ResultSelector *Template
	// Arguments and Output are the JSONata-mode counterparts of Parameters
	// and of ResultSelector/ResultPath/OutputPath; nil when absent.
	Arguments *Value
	Output    *Value
	// Assign sets workflow variables when the state completes; nil when
	// absent.
	Assign *Assign
	Retry  []Retrier
	Catch  []Catcher
}

// jsonata reports whether the state uses the JSONata query language.
func (b *Base) jsonata() bool { return b.QueryLanguage == JSONata }

// Common returns the state's common fields.
func (b *Base) Common() *Base { return b }

// OptionalPath is a path field that may be absent (the zero value, meaning
// "$") or null.
type OptionalPath struct {
	Path *jsonpath.Path
	Null bool
}

// reader reads typed fields from one JSON object, remembering the first
// problem with its location.
type reader struct {
	obj map[string]any
	ptr string
	err error
}

func (r *reader) fail(key, format string, args ...any) {
	if r.err == nil {
		r.err = &ParseError{Pointer: r.ptr + "/" + escapePointer(key), Message: fmt.Sprintf(format, args...)}
	}
}

func (r *reader) at(key string) string { return r.ptr + "/" + escapePointer(key) }

func (r *reader) has(key string) bool {
	_, ok := r.obj[key]
	return ok
}

// field reads an optional field of one JSON type with conv; an absent
// field gives the zero value, a field of another type a problem.
func field[T any](r *reader, key, what string, conv func(any) (T, bool)) T {
	var zero T
	v, ok := r.obj[key]
	if !ok {
		return zero
	}
	t, ok := conv(v)
	if !ok {
		r.fail(key, "%s must be %s", key, what)
	}
	return t
}

func asString(v any) (string, bool) { s, ok := v.(string); return s, ok }

func asBool(v any) (bool, bool) { b, ok := v.(bool); return b, ok }

func (r *reader) str(key string) string { return field(r, key, "a string", asString) }

func (r *reader) requiredStr(key string) string {
	if !r.has(key) {
		r.fail(key, "%s is required", key)
		return ""
	}
	return r.str(key)
}

func (r *reader) boolean(key string) bool { return field(r, key, "a boolean", asBool) }

func (r *reader) integer(key string) int64 {
	return field(r, key, "an integer", jsonvalue.Integer)
}

func (r *reader) number(key string) float64 {
	return field(r, key, "a number", jsonvalue.Number)
}

// path reads an optional Path field (absent, null or a JSONPath).
func (r *reader) path(key string) OptionalPath {
	return r.optionalPath(key, jsonpath.Compile)
}

// referencePath reads an optional Reference Path field.
func (r *reader) referencePath(key string) OptionalPath {
	return r.optionalPath(key, jsonpath.CompileReference)
}

func (r *reader) optionalPath(key string, compile func(string) (*jsonpath.Path, error)) OptionalPath {
	v, ok := r.obj[key]
	if !ok {
		return OptionalPath{}
	}
	if v == nil {
		return OptionalPath{Null: true}
	}
	return OptionalPath{Path: r.compilePath(key, compile)}
}

// requiredPath reads a path field that must hold a JSONPath when present;
// it returns nil when absent.
func (r *reader) requiredPath(key string) *jsonpath.Path {
	if !r.has(key) {
		return nil
	}
	return r.compilePath(key, jsonpath.CompileReference)
}

func (r *reader) compilePath(key string, compile func(string) (*jsonpath.Path, error)) *jsonpath.Path {
	s, ok := r.obj[key].(string)
	if !ok {
		r.fail(key, "%s must be a JSONPath string", key)
		return nil
	}
	p, err := compile(s)
	if err != nil {
		r.fail(key, "%s: %v", key, err)
		return nil
	}
	return p
}

func (r *reader) template(key string) *Template {
	v, ok := r.obj[key]
	if !ok {
		return nil
	}
	if _, isObj := v.(map[string]any); !isObj {
		r.fail(key, "%s must be a JSON object", key)
		return nil
	}
	t, err := CompileTemplate(v, r.at(key))
	r.adopt(err)
	return t
}

// queryLanguage returns the QueryLanguage read, lang, or inherited when it
// is empty; it fails unless that is JSONPath or JSONata.
func (r *reader) queryLanguage(lang, inherited string) string {
	if lang == "" {
		lang = inherited
	}
	if lang != JSONPath && lang != JSONata {
		r.fail("QueryLanguage", "QueryLanguage must be JSONPath or JSONata")
	}
	return lang
}

func (r *reader) base(name, lang string) Base {
	b := Base{
		Name:          name,
		Type:          r.requiredStr("Type"),
		Comment:       r.str("Comment"),
		QueryLanguage: r.str("QueryLanguage"),
		Next:          r.str("Next"),
		End:           r.boolean("End"),
	}
	b.QueryLanguage = r.queryLanguage(b.QueryLanguage, lang)
	if b.jsonata() {
		r.rejectJSONPathFields("InputPath", "OutputPath", "ResultPath", "Parameters", "ResultSelector")
		b.Arguments = r.value("Arguments")
		b.Output = r.value("Output")
	} else {
		r.rejectJSONataFields("Arguments", "Output")
		b.InputPath = r.path("InputPath")
		b.OutputPath = r.path("OutputPath")
		b.ResultPath = r.referencePath("ResultPath")
		b.Parameters = r.template("Parameters")
		b.ResultSelector = r.template("ResultSelector")
	}
	b.Assign = r.assign(b.QueryLanguage)
	b.Retry = r.retriers()
	b.Catch = r.catchers(b.QueryLanguage)
	if b.Type != "Choice" && b.Type != "Succeed" && b.Type != "Fail" && b.Next == "" && !b.End && r.err == nil {
		r.fail("Next", "state %q needs Next or End", name)
	}
	return b
}

// Codes of query-language mismatches.
const (
	// CodeJSONPathField is a JSONPath-only field in a JSONata state.
	CodeJSONPathField = "JSONPATH_FIELD_IN_JSONATA_STATE"
	// CodeJSONataField is a JSONata-only field in a JSONPath state.
	CodeJSONataField = "JSONATA_FIELD_IN_JSONPATH_STATE"
)

// rejectJSONPathFields reports the first of keys present in a JSONata
// state.
func (r *reader) rejectJSONPathFields(keys ...string) {
	for _, k := range keys {
		if r.has(k) && r.err == nil {
			r.err = &ParseError{Pointer: r.at(k), Code: CodeJSONPathField,
				Message: fmt.Sprintf("%s is a JSONPath field; a JSONata state uses Arguments, Output and Assign instead", k)}
		}
	}
}

// rejectJSONataFields reports the first of keys present in a JSONPath
// state.
func (r *reader) rejectJSONataFields(keys ...string) {
	for _, k := range keys {
		if r.has(k) && r.err == nil {
			r.err = &ParseError{Pointer: r.at(k), Code: CodeJSONataField,
				Message: fmt.Sprintf("%s is only allowed when the state's QueryLanguage is JSONata", k)}
		}
	}
}

// value reads an optional JSONata-mode field value.
func (r *reader) value(key string) *Value {
	v, ok := r.obj[key]
	if !ok {
		return nil
	}
	val, err := CompileValue(v, r.at(key), key)
	r.adopt(err)
	return val
}

// expressionOr reads a JSONata-mode field that is either a literal
// accepted by literal or a "{% %}" expression; it returns the expression,
// or nil for an absent or literal field.
func (r *reader) expressionOr(key string) *Value {
	s, ok := r.obj[key].(string)
	if !ok || !isExpression(s) {
		return nil
	}
	return r.value(key)
}

// adopt records err as the reader's problem unless it has one already.
func (r *reader) adopt(err error) {
	if r.err == nil && err != nil {
		r.err = err
	}
}

// take adopts the first problem a nested reader found.
func (r *reader) take(sub *reader) {
	if r.err == nil {
		r.err = sub.err
	}
}

// eachObject reads an optional array of objects, each with read through a
// reader of its own whose problem, if any, becomes r's.
func eachObject[T any](r *reader, key string, read func(sub *reader) T) []T {
	list := r.objects(key)
	out := make([]T, 0, len(list))
	for i, obj := range list {
		sub := &reader{obj: obj, ptr: r.at(key) + "/" + itoa(i)}
		out = append(out, read(sub))
		r.take(sub)
	}
	return out
}

// objects reads an optional array of objects.
func (r *reader) objects(key string) []map[string]any {
	v, ok := r.obj[key]
	if !ok {
		return nil
	}
	arr, ok := v.([]any)
	if !ok {
		r.fail(key, "%s must be an array", key)
		return nil
	}
	out := make([]map[string]any, 0, len(arr))
	for i, e := range arr {
		obj, ok := e.(map[string]any)
		if !ok {
			r.fail(key+"/"+itoa(i), "each element of %s must be an object", key)
			return nil
		}
		out = append(out, obj)
	}
	return out
}

// strings reads a required non-empty array of strings.
func (r *reader) strings(key string) []string {
	arr, ok := r.obj[key].([]any)
	if !ok || len(arr) == 0 {
		r.fail(key, "%s must be a non-empty array of strings", key)
		return nil
	}
	out := make([]string, 0, len(arr))
	for _, e := range arr {
		s, ok := e.(string)
		if !ok {
			r.fail(key, "%s must contain only strings", key)
			return nil
		}
		out = append(out, s)
	}
	return out
}

func itoa(i int) string { return strconv.Itoa(i) }
