package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/asl"
)

// Error names this package raises besides the predefined States.* names.
const (
	// ErrorInvalidInput names the error of a task whose payload does not
	// decode into the function's input type.
	ErrorInvalidInput = "Stepwise.InvalidInput"
	// ErrorInvalidOutput names the error of a function whose output cannot
	// be marshalled to JSON.
	ErrorInvalidOutput = "Stepwise.InvalidOutput"
)

// ErrNoHeartbeat is returned by Heartbeat when the context carries no
// heartbeat function, that is outside a task run by the engine.
var ErrNoHeartbeat = errors.New("activities: no heartbeat in this context (not running inside a task)")

// NewError returns an error named name with the given cause, for functions
// to raise errors that Retry and Catch match by name, such as
// "ServiceException" or "ValidationError".
func NewError(name, cause string) *asl.Error {
	return &asl.Error{Name: name, Cause: cause}
}

// PanicError is the Err of the States.TaskFailed error raised when a
// function panics.
type PanicError struct {
	// Function is the registered name of the function that panicked.
	Function string
	// Value is what the function passed to panic.
	Value any
	// Stack is the goroutine's stack at the panic.
	Stack []byte
}

// Error says which function panicked and with what.
func (p *PanicError) Error() string {
	return fmt.Sprintf("function %s panicked: %v", p.Function, p.Value)
}

// namedError is implemented by errors that carry their own ASL error name.
type namedError interface {
	ErrorName() string
}

// taskError maps an error returned by a function to the ASL error of the
// task, by the rules in the package documentation.
func taskError(ctx context.Context, err error) *asl.Error {
	var e *asl.Error
	if errors.As(err, &e) && e != nil {
		return withName(e)
	}
	var named namedError
	if errors.As(err, &named) && named.ErrorName() != "" {
		return &asl.Error{Name: named.ErrorName(), Cause: err.Error(), Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		if errors.As(context.Cause(ctx), &e) && e != nil {
			return withName(e)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return &asl.Error{Name: asl.ErrorTimeout, Cause: err.Error(), Err: err}
	}
	return &asl.Error{Name: asl.ErrorTaskFailed, Cause: err.Error(), Err: err}
}

// withName returns e, or a copy named States.TaskFailed when e has no name.
func withName(e *asl.Error) *asl.Error {
	if e.Name != "" {
		return e
	}
	c := *e
	c.Name = asl.ErrorTaskFailed
	return &c
}
