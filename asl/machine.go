package asl

import (
	"fmt"
	"sort"

	"github.com/stepwise-run/stepwise/asl/internal/check"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Query languages.
const (
	JSONPath = "JSONPath"
	JSONata  = "JSONata"
)

// StateMachine is a parsed, immutable ASL definition, or one Parallel
// branch or Map item processor inside one.
type StateMachine struct {
	Comment string
	StartAt string
	States  map[string]State
	// TimeoutSeconds is the execution timeout; 0 means none.
	TimeoutSeconds int64
	Version        string
	// QueryLanguage is JSONPath (the default) or JSONata.
	QueryLanguage string
	// Assigns reports whether some state of the machine, nested machines
	// included, sets workflow variables; when it is false no variable can
	// ever be defined, and callers may skip storing them.
	Assigns bool
}

// State is one parsed state; the concrete types are *Pass, *Task, *Choice,
// *Wait, *Parallel, *Map, *Succeed and *Fail.
type State interface {
	Common() *Base
}

// ParseError locates one problem in a definition.
type ParseError struct {
	Pointer string // JSON pointer into the definition
	Code    string // stable code; empty for a plain invalid-definition error
	Message string
}

// Error renders the location and the problem.
func (e *ParseError) Error() string {
	if e.Pointer == "" {
		return e.Message
	}
	return e.Pointer + ": " + e.Message
}

// CodeUnsupported marks a definition that is valid ASL but uses a feature
// Stepwise does not run yet.
const CodeUnsupported = "UNSUPPORTED_FEATURE"

// Parse decodes and compiles an ASL definition. Paths, payload templates,
// intrinsic functions and Choice rules are compiled here, so a bad
// definition fails at load with the location of the problem. Parse checks
// what it needs to build the model; Validate checks everything.
func Parse(definition []byte) (*StateMachine, error) {
	raw, err := jsonvalue.Decode(definition)
	if err != nil {
		return nil, &ParseError{Code: "INVALID_JSON", Message: "the definition is not valid JSON: " + err.Error()}
	}
	return ParseValue(raw)
}

// ParseValue is Parse for an already decoded definition.
func ParseValue(raw any) (*StateMachine, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, &ParseError{Message: "the definition must be a JSON object"}
	}
	if mixed := check.MixedQueryLanguage(obj); len(mixed) > 0 {
		return nil, &ParseError{Pointer: mixed[0] + "/QueryLanguage",
			Message: "a state cannot use JSONPath when its state machine's QueryLanguage is JSONata"}
	}
	return parseMachine(obj, "", JSONPath)
}

func parseMachine(obj map[string]any, pointer, inherited string) (*StateMachine, error) {
	r := &reader{obj: obj, ptr: pointer}
	m := &StateMachine{
		Comment:        r.str("Comment"),
		StartAt:        r.requiredStr("StartAt"),
		TimeoutSeconds: r.integer("TimeoutSeconds"),
		Version:        r.str("Version"),
		QueryLanguage:  r.str("QueryLanguage"),
	}
	m.QueryLanguage = r.queryLanguage(m.QueryLanguage, inherited)
	if r.err != nil {
		return nil, r.err
	}
	states, ok := obj["States"].(map[string]any)
	if !ok || len(states) == 0 {
		return nil, &ParseError{Pointer: pointer + "/States", Message: "States must be an object with at least one state"}
	}
	m.States = make(map[string]State, len(states))
	for _, name := range jsonvalue.SortedKeys(states) {
		st, err := parseState(name, states[name], pointer+"/States/"+escapePointer(name), m.QueryLanguage)
		if err != nil {
			return nil, err
		}
		m.States[name] = st
	}
	for _, st := range m.States {
		m.Assigns = m.Assigns || assigns(st)
	}
	if _, ok := m.States[m.StartAt]; !ok {
		return nil, &ParseError{Pointer: pointer + "/StartAt", Message: fmt.Sprintf("StartAt names state %q, which does not exist", m.StartAt)}
	}
	return m, nil
}

// StateNames returns the names of the machine's states, sorted.
func (m *StateMachine) StateNames() []string {
	names := make([]string, 0, len(m.States))
	for n := range m.States {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// EachState calls visit with every state of m in state name order,
// descending into Parallel branches and Map item processors after the
// state that holds them.
func (m *StateMachine) EachState(visit func(name string, s State)) {
	for _, name := range m.StateNames() {
		st := m.States[name]
		visit(name, st)
		switch t := st.(type) {
		case *Parallel:
			for _, b := range t.Branches {
				b.EachState(visit)
			}
		case *Map:
			if t.Processor != nil {
				t.Processor.EachState(visit)
			}
		}
	}
}

func parseState(name string, raw any, pointer, lang string) (State, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, &ParseError{Pointer: pointer, Message: fmt.Sprintf("state %q must be a JSON object", name)}
	}
	r := &reader{obj: obj, ptr: pointer}
	b := r.base(name, lang)
	if r.err != nil {
		return nil, r.err
	}
	parse := stateParser(b.Type)
	if parse == nil {
		return nil, &ParseError{Pointer: pointer + "/Type", Message: fmt.Sprintf("unknown state type %q", b.Type)}
	}
	st := parse(r, b)
	if r.err != nil {
		return nil, r.err
	}
	return st, nil
}

// stateParser returns the function that builds a state of type typ once
// its common fields are read, or nil for an unknown type.
func stateParser(typ string) func(r *reader, b Base) State {
	switch typ {
	case "Pass":
		return parsePass
	case "Task":
		return parseTask
	case "Choice":
		return parseChoice
	case "Wait":
		return parseWait
	case "Parallel":
		return parseParallel
	case "Map":
		return parseMap
	case "Succeed":
		return parseSucceed
	case "Fail":
		return parseFail
	}
	return nil
}

// DecodeJSON decodes JSON text into the values asl works on: nil, bool,
// int64 (integers), float64, string, []any and map[string]any.
func DecodeJSON(data []byte) (any, error) { return jsonvalue.Decode(data) }

// EncodeJSON renders a value as compact JSON, object keys sorted.
func EncodeJSON(v any) string { return jsonvalue.String(v) }

// CopyJSON returns a deep copy of a decoded value, for code that may
// change it (values asl hands out are shared, never changed in place).
func CopyJSON(v any) any { return jsonvalue.Copy(v) }

// JSONType names the JSON type of a decoded value: "null", "boolean",
// "number", "string", "array" or "object".
func JSONType(v any) string { return jsonvalue.TypeName(v) }
