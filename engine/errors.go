package engine

import (
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/activities"
)

// Errors the engine's API returns; each maps to one AWS error type.
var (
	ErrStateMachineDoesNotExist = errors.New("state machine does not exist")
	ErrStateMachineExists       = errors.New("state machine already exists")
	ErrInvalidDefinition        = errors.New("invalid definition")
	ErrExecutionDoesNotExist    = errors.New("execution does not exist")
	ErrExecutionAlreadyExists   = errors.New("execution already exists")
	ErrInvalidExecutionInput    = errors.New("invalid execution input")
	ErrInvalidName              = errors.New("invalid name")
	ErrExecutionNotRunning      = errors.New("execution is not running")
	ErrExecutionNotRedrivable   = errors.New("execution cannot be redriven")
	ErrStateMachineInUse        = errors.New("state machine has running executions")
	ErrTaskDoesNotExist         = errors.New("task does not exist")
	ErrInvalidToken             = errors.New("invalid task token")
	ErrTaskTimedOut             = errors.New("task timed out or already closed")
	ErrInvalidOutput            = errors.New("invalid task output")
	ErrConnectionDoesNotExist   = errors.New("connection does not exist")
	ErrTestCaseDoesNotExist     = errors.New("test case does not exist")
	ErrConnectionExists         = errors.New("connection already exists")
	// ErrInvalidArn is an ARN of the wrong form or kind for the request.
	ErrInvalidArn = errors.New("invalid ARN")
	// ErrResourceNotFound is a tagged resource (state machine or
	// activity) that does not exist.
	ErrResourceNotFound = errors.New("resource not found")
	// ErrTooManyTags is a resource that would hold more than MaxTags.
	ErrTooManyTags = errors.New("too many tags")
	// ErrInvalidTag is a tag key or value AWS would refuse.
	ErrInvalidTag = errors.New("invalid tag")
	// ErrVersionDoesNotExist is a published version that does not exist
	// (AWS's ResourceNotFound); a start on one is
	// ErrStateMachineDoesNotExist, as AWS answers StartExecution.
	ErrVersionDoesNotExist = errors.New("state machine version does not exist")
	// ErrAliasDoesNotExist is a state machine alias that does not exist
	// (AWS's ResourceNotFound); a start on one is
	// ErrStateMachineDoesNotExist.
	ErrAliasDoesNotExist = errors.New("state machine alias does not exist")
	// ErrConflict is AWS's ConflictException: a revisionId that is not the
	// machine's current revision, an alias created again with another
	// configuration, a version deleted while an alias routes to it.
	ErrConflict = errors.New("conflict")
	// ErrServiceQuotaExceeded is AWS's ServiceQuotaExceededException: a
	// version published to a machine that has Config.MaxPublishedVersions.
	ErrServiceQuotaExceeded = errors.New("service quota exceeded")
	// ErrValidation is a request AWS refuses with a ValidationException
	// (a routingConfiguration whose weights do not add to 100, a
	// description too long); the message is AWS's.
	ErrValidation = errors.New("validation error")
	// ErrInvalidLoggingConfiguration is a loggingConfiguration AWS would
	// refuse (see LoggingConfiguration); the message names the field.
	ErrInvalidLoggingConfiguration = errors.New("invalid logging configuration")
	// ErrStateMachineTypeNotSupported is an operation that a machine of
	// its type does not support (ListExecutions of an EXPRESS machine,
	// StartSyncExecution of an EXPRESS machine run elsewhere, an
	// asynchronous start of an EXPRESS machine, which Stepwise does not
	// run yet).
	ErrStateMachineTypeNotSupported = errors.New("operation not supported by this type of state machine")
	// ErrInvalidConnection is activities.ErrInvalidConnection: parameters
	// that do not fit the connection's authorization type.
	ErrInvalidConnection = activities.ErrInvalidConnection
	// ErrNoSecretKey is returned when a connection is created by an engine
	// without Config.SecretKey.
	ErrNoSecretKey = errors.New("no secret key is configured to encrypt connections (set STEPWISE_SECRET_KEY to the base64 of 32 random bytes, or pass --secret-key-file)")
)

// validationError is an ErrValidation whose message is only AWS's.
type validationError struct{ message string }

// Error returns the message.
func (e *validationError) Error() string { return e.message }

// Unwrap makes errors.Is(err, ErrValidation) true.
func (e *validationError) Unwrap() error { return ErrValidation }

// validationf is an ErrValidation with a message formatted as by
// fmt.Sprintf.
func validationf(format string, args ...any) error {
	return &validationError{message: fmt.Sprintf(format, args...)}
}

// messageError is an error of kind whose message is only AWS's.
type messageError struct {
	kind    error
	message string
}

// Error returns the message.
func (e *messageError) Error() string { return e.message }

// Unwrap returns the kind.
func (e *messageError) Unwrap() error { return e.kind }
