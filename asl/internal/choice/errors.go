package choice

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/failure"
	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
)

// ErrUnsupported is wrapped by a ParseError for a rule that is valid ASL but
// uses a feature this package does not run yet (JSONata Condition, Assign).
var ErrUnsupported = errors.New("unsupported feature")

// ParseError locates one problem in a Choice rule.
type ParseError struct {
	// Pointer is the JSON pointer of the bad field, e.g.
	// "/States/Check/Choices/0/NumericEquals".
	Pointer string
	// Message says what is wrong, naming the field.
	Message string
	// Err is ErrUnsupported for features not implemented yet, else nil.
	Err error
}

// Error renders the location and the problem.
func (e *ParseError) Error() string { return e.Pointer + ": " + e.Message }

// Unwrap returns ErrUnsupported for unsupported features, or nil.
func (e *ParseError) Unwrap() error { return e.Err }

func parseErr(pointer, format string, args ...any) *ParseError {
	return &ParseError{Pointer: pointer, Message: fmt.Sprintf(format, args...)}
}

// field returns the JSON pointer of key inside the object at pointer.
func field(pointer, key string) string {
	if strings.ContainsAny(key, "~/") {
		key = strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
	}
	return pointer + "/" + key
}

// invalidPath is the States.Runtime error AWS raises when a Variable or
// *Path operand of a Choice rule finds nothing.
func invalidPath(p *jsonpath.Path, err error) *failure.Error {
	return &failure.Error{
		Name:  failure.Runtime,
		Cause: "Invalid path '" + p.String() + "': The choice state's condition path references an invalid value.",
		Err:   err,
	}
}
