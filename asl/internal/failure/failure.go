// Package failure defines the ASL error value, an error name with a cause,
// shared by every part of asl. Package asl re-exports it as asl.Error.
package failure

import "fmt"

// Error names that the language predefines.
const (
	All                             = "States.ALL"
	TaskFailed                      = "States.TaskFailed"
	Timeout                         = "States.Timeout"
	HeartbeatTimeout                = "States.HeartbeatTimeout"
	Runtime                         = "States.Runtime"
	NoChoiceMatched                 = "States.NoChoiceMatched"
	BranchFailed                    = "States.BranchFailed"
	IntrinsicFailure                = "States.IntrinsicFailure"
	ParameterPathFailure            = "States.ParameterPathFailure"
	ResultPathMatchFailure          = "States.ResultPathMatchFailure"
	DataLimitExceeded               = "States.DataLimitExceeded"
	Permissions                     = "States.Permissions"
	ExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold"
	ItemReaderFailed                = "States.ItemReaderFailed"
	ResultWriterFailed              = "States.ResultWriterFailed"
	QueryEvaluationError            = "States.QueryEvaluationError"
)

// Error is an ASL error: Name is what Retry and Catch match (ErrorEquals),
// Cause the human-readable detail. Err, when set, is the Go error it came
// from and is returned by Unwrap.
type Error struct {
	Name  string
	Cause string
	Err   error
}

// New returns an Error with the given name and a formatted cause.
func New(name, format string, args ...any) *Error {
	return &Error{Name: name, Cause: fmt.Sprintf(format, args...)}
}

// Error renders the name and the cause.
func (e *Error) Error() string {
	if e.Cause == "" {
		return e.Name
	}
	return e.Name + ": " + e.Cause
}

// Unwrap returns the Go error the ASL error came from, or nil.
func (e *Error) Unwrap() error { return e.Err }
