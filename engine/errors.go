package engine

import "errors"

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
)
