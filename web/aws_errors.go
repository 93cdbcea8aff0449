package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/stepwise-run/stepwise/engine"
)

// AWS error types that the protocol layer itself raises; the engine's
// errors map to theirs in awsErrorOf.
const (
	awsValidation       = "ValidationException"
	awsSerialization    = "SerializationException"
	awsUnknownOperation = "UnknownOperationException"
	awsInvalidArn       = "InvalidArn"
	awsInvalidToken     = "InvalidToken"
	awsMissingParameter = "MissingRequiredParameter"
	awsTypeNotSupported = "StateMachineTypeNotSupported"
	awsAlreadyExists    = "ExecutionAlreadyExists"
	awsInternal         = "InternalFailure"
)

// awsError is an error with its AWS error type, raised by the protocol
// layer (a malformed ARN, a bad page token, a missing field).
type awsError struct {
	Type    string
	Message string
}

// Error returns the message.
func (e *awsError) Error() string { return e.Type + ": " + e.Message }

func awsErrorf(typ, format string, args ...any) *awsError {
	return &awsError{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// awsErrorOf is the one place that maps an error to its AWS error type,
// HTTP status and message. Anything it does not know is an internal
// failure, whose details stay in the server log.
func awsErrorOf(err error) (typ string, status int, message string) {
	var ae *awsError
	if errors.As(err, &ae) {
		return ae.Type, http.StatusBadRequest, ae.Message
	}
	// The engine's sentinel errors and their AWS error types.
	engineErrors := []struct {
		err error
		typ string
	}{
		{engine.ErrStateMachineDoesNotExist, "StateMachineDoesNotExist"},
		{engine.ErrStateMachineExists, "StateMachineAlreadyExists"},
		{engine.ErrInvalidDefinition, "InvalidDefinition"},
		{engine.ErrExecutionDoesNotExist, "ExecutionDoesNotExist"},
		{engine.ErrExecutionAlreadyExists, awsAlreadyExists},
		{engine.ErrInvalidExecutionInput, "InvalidExecutionInput"},
		{engine.ErrInvalidName, "InvalidName"},
		{engine.ErrExecutionNotRedrivable, "ExecutionNotRedrivable"},
		{engine.ErrExecutionNotRunning, awsValidation},
		// AWS deletes a machine with running executions once they end;
		// Stepwise refuses instead of aborting them.
		{engine.ErrStateMachineInUse, "ConflictException"},
		{engine.ErrTaskDoesNotExist, "TaskDoesNotExist"},
		{engine.ErrActivityDoesNotExist, "ActivityDoesNotExist"},
		{engine.ErrInvalidToken, awsInvalidToken},
		{engine.ErrTaskTimedOut, "TaskTimedOut"},
		{engine.ErrInvalidOutput, "InvalidOutput"},
	}
	for _, m := range engineErrors {
		if errors.Is(err, m.err) {
			return m.typ, http.StatusBadRequest, err.Error()
		}
	}
	return awsInternal, http.StatusInternalServerError, "internal error; the server log has the details"
}
