package check

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Diagnostic is one problem found in a definition.
type Diagnostic struct {
	// Code is a stable identifier of the rule that failed, one of the Code
	// constants.
	Code string
	// Pointer is a JSON pointer (RFC 6901) to the offending value in the
	// definition; "" is the whole definition.
	Pointer string
	// Message says what is wrong, naming the state and field.
	Message string
}

// String renders d as "CODE at /pointer: message".
func (d Diagnostic) String() string {
	return fmt.Sprintf("%s at %q: %s", d.Code, d.Pointer, d.Message)
}

// Codes of the diagnostics. They are stable: callers may match on them.
const (
	// CodeSchema is a structural problem reported by Schema.
	CodeSchema = "SCHEMA_VALIDATION_FAILED"
	// CodeMissingTarget is a StartAt, Next or Default naming no state of
	// its scope.
	CodeMissingTarget = "MISSING_TRANSITION_TARGET"
	// CodeUnreachable is a state that no path from StartAt reaches.
	CodeUnreachable = "UNREACHABLE_STATE"
	// CodeNoTerminal is a scope where no End, Succeed or Fail state is
	// reachable.
	CodeNoTerminal = "NO_TERMINAL_STATE"
	// CodeDuplicateState is a state name used twice in the definition,
	// nested scopes included.
	CodeDuplicateState = "DUPLICATE_STATE_NAME"
	// CodeStateNameTooLong is a state name longer than 80 characters.
	CodeStateNameTooLong = "STATE_NAME_TOO_LONG"
	// CodeStatesAllNotAlone is States.ALL listed with other error names.
	CodeStatesAllNotAlone = "STATES_ALL_NOT_ALONE"
	// CodeStatesAllNotLast is States.ALL in a retrier or catcher that is
	// not the last one.
	CodeStatesAllNotLast = "STATES_ALL_NOT_LAST"
	// CodeInvalidPath is a JSONPath that does not compile.
	CodeInvalidPath = "INVALID_JSON_PATH"
	// CodeInvalidReferencePath is a path that compiles but is not the
	// Reference Path its field requires.
	CodeInvalidReferencePath = "INVALID_REFERENCE_PATH"
	// CodeInvalidTemplate is a "key.$" payload template field whose value
	// is neither a path nor an intrinsic function call.
	CodeInvalidTemplate = "INVALID_PAYLOAD_TEMPLATE"
	// CodeDuplicateField is a payload template with both "key" and
	// "key.$".
	CodeDuplicateField = "DUPLICATE_PAYLOAD_FIELD"
	// CodeInvalidIntrinsic is a malformed or unknown intrinsic function
	// call.
	CodeInvalidIntrinsic = "INVALID_INTRINSIC_FUNCTION"
	// CodeInvalidTimestamp is a timestamp literal that is not RFC 3339.
	CodeInvalidTimestamp = "INVALID_TIMESTAMP"
	// CodeInvalidJSONata is a "{% %}" expression that is not valid JSONata.
	CodeInvalidJSONata = "INVALID_JSONATA"
	// CodeJSONPathInJSONata is a JSONPath-only field (InputPath,
	// Parameters, ResultPath, ...) in a JSONata state.
	CodeJSONPathInJSONata = "JSONPATH_FIELD_IN_JSONATA_STATE"
	// CodeQueryLanguage is a JSONPath state in a definition whose
	// top-level QueryLanguage is JSONata.
	CodeQueryLanguage = "QUERY_LANGUAGE_MISMATCH"
	// CodeHeartbeat is a Task whose HeartbeatSeconds is not smaller than
	// its TimeoutSeconds.
	CodeHeartbeat = "HEARTBEAT_NOT_BELOW_TIMEOUT"
)

// join appends tokens to the JSON pointer base, escaping each one.
func join(base string, tokens ...any) string {
	var b strings.Builder
	b.WriteString(base)
	for _, t := range tokens {
		b.WriteByte('/')
		switch v := t.(type) {
		case int:
			b.WriteString(strconv.Itoa(v))
		case string:
			b.WriteString(escapeToken(v))
		default:
			b.WriteString(escapeToken(fmt.Sprint(v)))
		}
	}
	return b.String()
}

func escapeToken(s string) string {
	s = strings.ReplaceAll(s, "~", "~0")
	return strings.ReplaceAll(s, "/", "~1")
}

func unescapeToken(s string) string {
	s = strings.ReplaceAll(s, "~1", "/")
	return strings.ReplaceAll(s, "~0", "~")
}

// splitPointer returns the unescaped tokens of a JSON pointer.
func splitPointer(p string) []string {
	if p == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, s := range parts {
		parts[i] = unescapeToken(s)
	}
	return parts
}

// describe names the place a pointer refers to for messages, such as
// `state "Pay", field Retry[0].BackoffRate`.
func describe(p string) string {
	toks := splitPointer(p)
	state, rest := innermostState(toks)
	field := fieldPath(rest)
	switch {
	case state == "" && field == "":
		return "definition"
	case state == "":
		return "field " + field
	case field == "":
		return fmt.Sprintf("state %q", state)
	}
	return fmt.Sprintf("state %q, field %s", state, field)
}

// innermostState follows States/<name> through nested Branches and item
// processors and returns the last state name and the tokens after it.
func innermostState(toks []string) (string, []string) {
	state, i := "", 0
	for i+1 < len(toks) && toks[i] == "States" {
		state = toks[i+1]
		i += 2
		switch {
		case i+2 < len(toks) && toks[i] == "Branches" && toks[i+2] == "States":
			i += 2
		case i+1 < len(toks) && (toks[i] == "ItemProcessor" || toks[i] == "Iterator") && toks[i+1] == "States":
			i++
		}
	}
	if state == "" {
		return "", toks
	}
	return state, toks[i:]
}

// fieldPath renders tokens as Field[0].Sub.
func fieldPath(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		if _, err := strconv.Atoi(t); err == nil {
			b.WriteString("[" + t + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	return b.String()
}

// sortDiagnostics orders diagnostics by pointer, then code and message, and
// drops exact duplicates.
func sortDiagnostics(ds []Diagnostic) []Diagnostic {
	sort.Slice(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Pointer != b.Pointer {
			return a.Pointer < b.Pointer
		}
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		return a.Message < b.Message
	})
	out := ds[:0]
	for i, d := range ds {
		if i > 0 && d == ds[i-1] {
			continue
		}
		out = append(out, d)
	}
	return out
}
