package asl_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
)

func TestTaskPipeline(t *testing.T) {
	t.Parallel()
	def := single(`{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f",
		"InputPath":"$.order","Parameters":{"id.$":"$.id","token.$":"$$.Task.Token"},
		"ResultSelector":{"total.$":"$.sum"},"ResultPath":"$.result","OutputPath":"$.result","End":true}`)
	var got *asl.TaskCall
	res := runDef(t, def, `{"order":{"id":7}}`, func(_ context.Context, call *asl.TaskCall, token string) (any, error) {
		got = call
		return map[string]any{"sum": int64(12), "noise": true}, nil
	})
	requireOutput(t, res, `{"total":12}`)
	require.Equal(t, int64(7), got.Input.(map[string]any)["id"])
	require.NotEmpty(t, got.Input.(map[string]any)["token"])
	require.Equal(t, int64(asl.DefaultTaskTimeout), got.TimeoutSeconds)
	require.Equal(t, []string{history.ExecutionStarted, history.TaskStateEntered, history.TaskScheduled, history.TaskStarted,
		history.TaskSucceeded, history.TaskStateExited, history.ExecutionSucceeded}, eventTypes(res))
}

func TestTaskTimeoutPaths(t *testing.T) {
	t.Parallel()
	def := single(`{"Type":"Task","Resource":"r.waitForTaskToken","TimeoutSecondsPath":"$.t","HeartbeatSecondsPath":"$.h","End":true}`)
	var got *asl.TaskCall
	runDef(t, def, `{"t":30,"h":5}`, func(_ context.Context, call *asl.TaskCall, _ string) (any, error) {
		got = call
		return "ok", nil
	})
	require.Equal(t, int64(30), got.TimeoutSeconds)
	require.Equal(t, int64(5), got.HeartbeatSeconds)
	require.True(t, got.WaitForToken)
	res := runDef(t, def, `{"t":-1,"h":5}`, nil)
	requireError(t, res, "States.Runtime")
}

// failing returns a handler that fails with name for the first n calls.
func failing(name string, n int64, calls *atomic.Int64) func(context.Context, *asl.TaskCall, string) (any, error) {
	return func(context.Context, *asl.TaskCall, string) (any, error) {
		if calls.Add(1) <= n {
			return nil, asl.NewError(name, "attempt failed")
		}
		return "done", nil
	}
}

func TestRetry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		retry   string
		err     string
		fails   int64
		calls   int64
		success bool
	}{
		{"retries then succeeds", `[{"ErrorEquals":["Boom"],"MaxAttempts":2}]`, "Boom", 2, 3, true},
		{"gives up after max attempts", `[{"ErrorEquals":["Boom"],"MaxAttempts":2}]`, "Boom", 5, 3, false},
		{"max attempts zero never retries", `[{"ErrorEquals":["Boom"],"MaxAttempts":0}]`, "Boom", 5, 1, false},
		{"other error not retried", `[{"ErrorEquals":["Other"]}]`, "Boom", 5, 1, false},
		{"States.ALL retries", `[{"ErrorEquals":["States.ALL"]}]`, "Boom", 1, 2, true},
		{"TaskFailed matches a custom error", `[{"ErrorEquals":["States.TaskFailed"]}]`, "Boom", 1, 2, true},
		{"TaskFailed does not match Timeout", `[{"ErrorEquals":["States.TaskFailed"]}]`, "States.Timeout", 1, 1, false},
		{"Runtime is never retried", `[{"ErrorEquals":["States.ALL"]}]`, "States.Runtime", 1, 1, false},
		{"first matching retrier only", `[{"ErrorEquals":["Boom"],"MaxAttempts":1},{"ErrorEquals":["States.ALL"],"MaxAttempts":5}]`, "Boom", 3, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int64
			def := single(`{"Type":"Task","Resource":"r","Retry":` + tt.retry + `,"End":true}`)
			res := runDef(t, def, `{}`, failing(tt.err, tt.fails, &calls))
			require.Equal(t, tt.calls, calls.Load())
			if tt.success {
				requireOutput(t, res, `"done"`)
			} else {
				requireError(t, res, tt.err)
			}
		})
	}
}

func TestRetryBackoffIsDurableVirtualTime(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	def := single(`{"Type":"Task","Resource":"r","Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":3,"BackoffRate":2,"MaxAttempts":3,"MaxDelaySeconds":10}],"End":true}`)
	res := runDef(t, def, `{}`, failing("Boom", 3, &calls))
	requireOutput(t, res, `"done"`)
	// 3 + 6 + min(12, 10) seconds of virtual backoff.
	require.Equal(t, int64(19), int64(res.Duration.Seconds()))
}

func TestRetryDelay(t *testing.T) {
	t.Parallel()
	r := asl.Retrier{IntervalSeconds: 2, BackoffRate: 1.5, MaxDelaySeconds: 4}
	require.Equal(t, "2s", r.Delay(0, nil).String())
	require.Equal(t, "3s", r.Delay(1, nil).String())
	require.Equal(t, "4s", r.Delay(2, nil).String())
}

func TestCatch(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"r","Catch":[
			{"ErrorEquals":["Other"],"Next":"Wrong"},
			{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Handled"}],"End":true},
		"Wrong":{"Type":"Fail","Error":"Wrong"},
		"Handled":{"Type":"Pass","End":true}}}`
	res := runDef(t, def, `{"keep":1}`, func(context.Context, *asl.TaskCall, string) (any, error) {
		return nil, asl.NewError("Boom", "it broke")
	})
	requireOutput(t, res, `{"keep":1,"err":{"Error":"Boom","Cause":"it broke"}}`)
}

func TestPlainGoErrorIsTaskFailed(t *testing.T) {
	t.Parallel()
	res := runDef(t, single(`{"Type":"Task","Resource":"r","End":true}`), `{}`, func(context.Context, *asl.TaskCall, string) (any, error) {
		return nil, errors.New("disk full")
	})
	requireError(t, res, "States.TaskFailed")
	require.Equal(t, "disk full", res.Error.Cause)
}

func TestMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		patterns []string
		name     string
		want     bool
	}{
		{[]string{"A"}, "A", true},
		{[]string{"A"}, "B", false},
		{[]string{"States.ALL"}, "States.Timeout", true},
		{[]string{"States.ALL"}, "States.Runtime", false},
		{[]string{"States.ALL"}, "States.DataLimitExceeded", false},
		{[]string{"States.TaskFailed"}, "States.Timeout", false},
		{[]string{"States.TaskFailed"}, "States.HeartbeatTimeout", true},
		{[]string{"States.Timeout"}, "States.Timeout", true},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, asl.Matches(tt.patterns, tt.name), "%v %s", tt.patterns, tt.name)
	}
}
