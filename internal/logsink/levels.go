package logsink

import "strings"

// Level is a loggingConfiguration level: which events are logged.
type Level string

// The levels AWS defines.
const (
	// LevelAll logs every event.
	LevelAll Level = "ALL"
	// LevelError logs the events of errors: every type that ends in
	// Failed, Aborted or TimedOut (TaskFailed, TaskScheduleFailed,
	// MapIterationAborted, WaitStateAborted, ExecutionTimedOut, ...) and
	// FailStateEntered.
	LevelError Level = "ERROR"
	// LevelFatal logs the end of a failed execution only:
	// ExecutionFailed, ExecutionAborted and ExecutionTimedOut.
	LevelFatal Level = "FATAL"
	// LevelOff logs nothing; it is the level of a machine without a
	// loggingConfiguration.
	LevelOff Level = "OFF"
)

// ParseLevel returns the level named s, and whether s names one; "" is
// not a level.
func ParseLevel(s string) (Level, bool) {
	switch l := Level(s); l {
	case LevelAll, LevelError, LevelFatal, LevelOff:
		return l, true
	}
	return "", false
}

// Logs reports whether level l logs events of type eventType, as AWS's
// table of log levels says.
func (l Level) Logs(eventType string) bool {
	switch l {
	case LevelAll:
		return true
	case LevelError:
		return isError(eventType)
	case LevelFatal:
		return isFatal(eventType)
	}
	return false
}

// isFatal is true of the events that end a failed execution.
func isFatal(eventType string) bool {
	switch eventType {
	case "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut":
		return true
	}
	return false
}

// isError is true of the events AWS logs at level ERROR.
func isError(eventType string) bool {
	if eventType == "FailStateEntered" {
		return true
	}
	for _, suffix := range []string{"Failed", "Aborted", "TimedOut"} {
		if strings.HasSuffix(eventType, suffix) {
			return true
		}
	}
	return false
}
