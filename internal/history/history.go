// Package history names the types of history events, as AWS Step Functions
// spells them (HistoryEventType). The engine writes them, the APIs and the
// viewer read them, and the reference runner records them: every package
// uses these constants instead of string literals.
package history

// Execution events.
const (
	ExecutionStarted   = "ExecutionStarted"
	ExecutionSucceeded = "ExecutionSucceeded"
	ExecutionFailed    = "ExecutionFailed"
	ExecutionAborted   = "ExecutionAborted"
	ExecutionTimedOut  = "ExecutionTimedOut"
	ExecutionRedriven  = "ExecutionRedriven"
)

// Task events (Lambda functions, service integrations and native
// functions).
const (
	TaskScheduled       = "TaskScheduled"
	TaskStarted         = "TaskStarted"
	TaskStartFailed     = "TaskStartFailed"
	TaskSubmitted       = "TaskSubmitted"
	TaskSubmitFailed    = "TaskSubmitFailed"
	TaskSucceeded       = "TaskSucceeded"
	TaskFailed          = "TaskFailed"
	TaskTimedOut        = "TaskTimedOut"
	TaskStateEntered    = "TaskStateEntered"
	TaskStateExited     = "TaskStateExited"
	TaskStateAborted    = "TaskStateAborted"
	WaitStateEntered    = "WaitStateEntered"
	WaitStateExited     = "WaitStateExited"
	PassStateEntered    = "PassStateEntered"
	PassStateExited     = "PassStateExited"
	FailStateEntered    = "FailStateEntered"
	SucceedStateEntered = "SucceedStateEntered"
)

// Activity events.
const (
	ActivityScheduled      = "ActivityScheduled"
	ActivityScheduleFailed = "ActivityScheduleFailed"
	ActivityStarted        = "ActivityStarted"
	ActivitySucceeded      = "ActivitySucceeded"
	ActivityFailed         = "ActivityFailed"
	ActivityTimedOut       = "ActivityTimedOut"
)

// Parallel and Map events.
const (
	ParallelStateStarted   = "ParallelStateStarted"
	ParallelStateSucceeded = "ParallelStateSucceeded"
	ParallelStateFailed    = "ParallelStateFailed"
	ParallelStateAborted   = "ParallelStateAborted"
	MapStateStarted        = "MapStateStarted"
	MapStateSucceeded      = "MapStateSucceeded"
	MapStateFailed         = "MapStateFailed"
	MapStateAborted        = "MapStateAborted"
	MapIterationStarted    = "MapIterationStarted"
	MapIterationSucceeded  = "MapIterationSucceeded"
	MapIterationFailed     = "MapIterationFailed"
	MapIterationAborted    = "MapIterationAborted"
	MapRunStarted          = "MapRunStarted"
	MapRunSucceeded        = "MapRunSucceeded"
	MapRunFailed           = "MapRunFailed"
	MapRunAborted          = "MapRunAborted"
	MapRunRedriven         = "MapRunRedriven"
)

// Other events.
const (
	EvaluationFailed = "EvaluationFailed"
)

// Suffixes of the events every state writes on entry and exit, after its
// type: "PassStateEntered", "MapStateExited".
const (
	enteredSuffix = "StateEntered"
	exitedSuffix  = "StateExited"
)

// StateEntered returns the event type of entering a state of stateType
// ("Pass", "Task", ...).
func StateEntered(stateType string) string { return stateType + enteredSuffix }

// StateExited returns the event type of leaving a state of stateType.
func StateExited(stateType string) string { return stateType + exitedSuffix }

// IsStateEntered reports whether typ is a state's entry event.
func IsStateEntered(typ string) bool { return hasSuffix(typ, enteredSuffix) }

// IsStateExited reports whether typ is a state's exit event.
func IsStateExited(typ string) bool { return hasSuffix(typ, exitedSuffix) }

func hasSuffix(s, suffix string) bool {
	return len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix
}
