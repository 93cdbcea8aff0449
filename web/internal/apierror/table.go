// Package apierror is the one table of the engine's errors as the HTTP
// APIs answer them: for each sentinel error of the engine, the HTTP status
// and error code of the REST API and the error type (with its status) of
// the AWS JSON protocol. It also holds the REST API's error value, which
// the REST handlers, the viewer's endpoints and the server's error handler
// share.
package apierror

import (
	"errors"
	"net/http"

	"github.com/stepwise-run/stepwise/engine"
)

// Entry is how the APIs answer one engine error.
type Entry struct {
	Err error
	// Status and Code are the REST API's answer.
	Status int
	Code   string
	// AWSType is the AWS JSON protocol's error type, AWSStatus the HTTP
	// status AWS's API reference gives that type (400 for all but
	// ConflictException).
	AWSType   string
	AWSStatus int
}

// Table maps each sentinel error of the engine. The REST codes are AWS
// Step Functions' error type names where AWS has one; the AWS types are
// the ones AWS's API reference lists for the operations that raise them.
//
// ErrStateMachineInUse has no AWS counterpart: AWS's DeleteStateMachine
// marks a machine DELETING and lets its executions finish (its documented
// errors are only InvalidArn and ValidationException), while Stepwise
// refuses. The refusal is AWS's ConflictException ("updating or deleting
// a resource can cause an inconsistent state"), with the HTTP status 409
// that AWS documents for that type; REST answers 409 StateMachineInUse.
var Table = []Entry{
	{engine.ErrStateMachineDoesNotExist, http.StatusNotFound, "StateMachineDoesNotExist", "StateMachineDoesNotExist", http.StatusBadRequest},
	{engine.ErrStateMachineExists, http.StatusConflict, "StateMachineAlreadyExists", "StateMachineAlreadyExists", http.StatusBadRequest},
	{engine.ErrStateMachineInUse, http.StatusConflict, "StateMachineInUse", "ConflictException", http.StatusConflict},
	{engine.ErrInvalidDefinition, http.StatusBadRequest, "InvalidDefinition", "InvalidDefinition", http.StatusBadRequest},
	{engine.ErrInvalidName, http.StatusBadRequest, "InvalidName", "InvalidName", http.StatusBadRequest},
	// Versions and aliases: AWS answers a missing one ResourceNotFound and
	// every refusal to change one ConflictException (HTTP 409).
	{engine.ErrVersionDoesNotExist, http.StatusNotFound, "ResourceNotFound", "ResourceNotFound", http.StatusBadRequest},
	{engine.ErrAliasDoesNotExist, http.StatusNotFound, "ResourceNotFound", "ResourceNotFound", http.StatusBadRequest},
	{engine.ErrMapRunDoesNotExist, http.StatusNotFound, "ResourceNotFound", "ResourceNotFound", http.StatusBadRequest},
	{engine.ErrConflict, http.StatusConflict, "ConflictException", "ConflictException", http.StatusConflict},
	{engine.ErrValidation, http.StatusBadRequest, "ValidationException", "ValidationException", http.StatusBadRequest},
	{engine.ErrInvalidLoggingConfiguration, http.StatusBadRequest, "InvalidLoggingConfiguration", "InvalidLoggingConfiguration", http.StatusBadRequest},
	{engine.ErrExecutionDoesNotExist, http.StatusNotFound, "ExecutionDoesNotExist", "ExecutionDoesNotExist", http.StatusBadRequest},
	{engine.ErrExecutionAlreadyExists, http.StatusConflict, "ExecutionAlreadyExists", "ExecutionAlreadyExists", http.StatusBadRequest},
	{engine.ErrInvalidExecutionInput, http.StatusBadRequest, "InvalidExecutionInput", "InvalidExecutionInput", http.StatusBadRequest},
	// AWS's StopExecution of an ended execution succeeds (the protocol
	// layer answers so); elsewhere it is a ValidationException.
	{engine.ErrExecutionNotRunning, http.StatusConflict, "ExecutionNotRunning", "ValidationException", http.StatusBadRequest},
	{engine.ErrExecutionNotRedrivable, http.StatusConflict, "ExecutionNotRedrivable", "ExecutionNotRedrivable", http.StatusBadRequest},
	{engine.ErrTaskDoesNotExist, http.StatusNotFound, "TaskDoesNotExist", "TaskDoesNotExist", http.StatusBadRequest},
	{engine.ErrActivityDoesNotExist, http.StatusNotFound, "ActivityDoesNotExist", "ActivityDoesNotExist", http.StatusBadRequest},
	{engine.ErrInvalidToken, http.StatusBadRequest, "InvalidToken", "InvalidToken", http.StatusBadRequest},
	{engine.ErrTaskTimedOut, http.StatusGone, "TaskTimedOut", "TaskTimedOut", http.StatusBadRequest},
	{engine.ErrInvalidOutput, http.StatusBadRequest, "InvalidOutput", "InvalidOutput", http.StatusBadRequest},
	// Step Functions Local answers an unknown test case with a validation
	// error.
	{engine.ErrTestCaseDoesNotExist, http.StatusNotFound, "TestCaseDoesNotExist", "ValidationException", http.StatusBadRequest},
	{engine.ErrInvalidArn, http.StatusBadRequest, "InvalidArn", "InvalidArn", http.StatusBadRequest},
	{engine.ErrResourceNotFound, http.StatusNotFound, "ResourceNotFound", "ResourceNotFound", http.StatusBadRequest},
	{engine.ErrTooManyTags, http.StatusBadRequest, "TooManyTags", "TooManyTags", http.StatusBadRequest},
	{engine.ErrInvalidTag, http.StatusBadRequest, "InvalidTag", "ValidationException", http.StatusBadRequest},
	// Connections are EventBridge's; the AWS types are EventBridge's.
	{engine.ErrConnectionDoesNotExist, http.StatusNotFound, "ConnectionDoesNotExist", "ResourceNotFoundException", http.StatusBadRequest},
	{engine.ErrConnectionExists, http.StatusConflict, "ConnectionAlreadyExists", "ResourceAlreadyExistsException", http.StatusBadRequest},
	{engine.ErrInvalidConnection, http.StatusBadRequest, "InvalidConnection", "ValidationException", http.StatusBadRequest},
	// A server without a key cannot store secrets: the request was fine.
	{engine.ErrNoSecretKey, http.StatusServiceUnavailable, "SecretKeyNotConfigured", "ValidationException", http.StatusBadRequest},
	// ListExecutions of an EXPRESS machine is AWS's
	// StateMachineTypeNotSupported; Stepwise also answers it to the
	// asynchronous start of an EXPRESS machine, which it does not run yet.
	{engine.ErrStateMachineTypeNotSupported, http.StatusBadRequest, "StateMachineTypeNotSupported", "StateMachineTypeNotSupported", http.StatusBadRequest},
	// A TestState request that cannot be evaluated as given (a mock the
	// state takes none of, a Task that needs a mock, ...).
	{engine.ErrInvalidRequest, http.StatusBadRequest, "ValidationException", "ValidationException", http.StatusBadRequest},
}

// Lookup returns the entry of the engine error err wraps.
func Lookup(err error) (Entry, bool) {
	for _, m := range Table {
		if errors.Is(err, m.Err) {
			return m, true
		}
	}
	return Entry{}, false
}
