package asl

import (
	"errors"
	"fmt"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"

	"github.com/stepwise-run/stepwise/asl/internal/failure"
)

// Error is an ASL error: Name is what Retry and Catch match, Cause the
// detail. Task handlers return one to raise a named error.
type Error = failure.Error

// Error names the language predefines.
const (
	ErrorAll                             = failure.All
	ErrorTaskFailed                      = failure.TaskFailed
	ErrorTimeout                         = failure.Timeout
	ErrorHeartbeatTimeout                = failure.HeartbeatTimeout
	ErrorRuntime                         = failure.Runtime
	ErrorNoChoiceMatched                 = failure.NoChoiceMatched
	ErrorBranchFailed                    = failure.BranchFailed
	ErrorIntrinsicFailure                = failure.IntrinsicFailure
	ErrorParameterPathFailure            = failure.ParameterPathFailure
	ErrorResultPathMatchFailure          = failure.ResultPathMatchFailure
	ErrorDataLimitExceeded               = failure.DataLimitExceeded
	ErrorExceedToleratedFailureThreshold = failure.ExceedToleratedFailureThreshold
	ErrorQueryEvaluationError            = failure.QueryEvaluationError
	ErrorItemReaderFailed                = failure.ItemReaderFailed
	ErrorResultWriterFailed              = failure.ResultWriterFailed
)

// NewError returns an Error with the given name and formatted cause.
func NewError(name, format string, args ...any) *Error {
	return failure.New(name, format, args...)
}

// AsError converts any Go error to an ASL error: an *Error anywhere in the
// chain is returned as is; any other error becomes States.TaskFailed with
// the error text as cause.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Name: ErrorTaskFailed, Cause: err.Error(), Err: err}
}

// runtimeError is the States.Runtime error AWS raises for a state that
// cannot process its data, with AWS's cause prefix.
func runtimeError(c *Context, format string, args ...any) *Error {
	return stateError(c, ErrorRuntime, format, args...)
}

// located adds AWS's prefix locating the state to a States.Runtime cause
// raised by a part of asl that does not know the state.
func located(c *Context, e *Error) *Error {
	if e.Name != ErrorRuntime {
		return e
	}
	return stateError(c, e.Name, "%s", e.Cause)
}

// stateError is an error named name whose cause carries AWS's prefix
// locating the state.
func stateError(c *Context, name, format string, args ...any) *Error {
	e := failure.New(name, format, args...)
	e.Cause = fmt.Sprintf("An error occurred while executing the state '%s' (entered at the event id #%d). %s",
		c.StateName, c.EnteredEventID, e.Cause)
	return e
}

// display renders a value in an error cause as AWS does: a string as its
// text, anything else as JSON.
func display(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return jsonvalue.String(v)
}
