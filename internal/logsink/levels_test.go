package logsink_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/logsink"
)

// TestLevelLogs checks AWS's table of log levels: ALL logs every event,
// ERROR the failures, aborts and time-outs of anything and FailStateEntered,
// FATAL only the end of a failed execution, OFF nothing.
func TestLevelLogs(t *testing.T) {
	t.Parallel()
	// each event type with the levels that log it
	for typ, levels := range map[string]string{
		"ExecutionStarted":       "ALL",
		"ExecutionSucceeded":     "ALL",
		"ExecutionFailed":        "ALL ERROR FATAL",
		"ExecutionAborted":       "ALL ERROR FATAL",
		"ExecutionTimedOut":      "ALL ERROR FATAL",
		"FailStateEntered":       "ALL ERROR",
		"PassStateEntered":       "ALL",
		"ChoiceStateExited":      "ALL",
		"TaskScheduled":          "ALL",
		"TaskStartFailed":        "ALL ERROR",
		"TaskSubmitFailed":       "ALL ERROR",
		"TaskFailed":             "ALL ERROR",
		"TaskTimedOut":           "ALL ERROR",
		"TaskStateAborted":       "ALL ERROR",
		"TaskSucceeded":          "ALL",
		"LambdaFunctionFailed":   "ALL ERROR",
		"LambdaFunctionTimedOut": "ALL ERROR",
		"MapIterationAborted":    "ALL ERROR",
		"MapStateFailed":         "ALL ERROR",
		"ParallelStateAborted":   "ALL ERROR",
		"WaitStateAborted":       "ALL ERROR",
		"WaitStateExited":        "ALL",
	} {
		for _, level := range []logsink.Level{logsink.LevelAll, logsink.LevelError, logsink.LevelFatal, logsink.LevelOff} {
			want := false
			for _, l := range strings.Fields(levels) {
				want = want || l == string(level)
			}
			require.Equal(t, want, level.Logs(typ), "%s at %s", typ, level)
		}
	}
}

// TestParseLevel accepts AWS's four levels only.
func TestParseLevel(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"ALL", "ERROR", "FATAL", "OFF"} {
		l, ok := logsink.ParseLevel(s)
		require.True(t, ok, s)
		require.Equal(t, logsink.Level(s), l)
	}
	for _, s := range []string{"", "all", "DEBUG", "INFO"} {
		_, ok := logsink.ParseLevel(s)
		require.False(t, ok, s)
	}
}
