package runner_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
)

// TestRealTime runs Waits and retry intervals on the wall clock: they
// take real time, and a run whose context ends while it waits stops.
func TestRealTime(t *testing.T) {
	t.Parallel()
	const wait = `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}`
	const retry = `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f",
		"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":1,"MaxAttempts":1}],"End":true}}}`
	tests := []struct {
		name     string
		def      string
		timeout  time.Duration
		real     bool
		minTaken time.Duration
		maxTaken time.Duration
		wantErr  bool
	}{
		{name: "virtual wait takes no time", def: wait, timeout: time.Minute, maxTaken: 500 * time.Millisecond},
		{name: "real wait waits", def: wait, timeout: time.Minute, real: true, minTaken: time.Second},
		{name: "real retry interval waits", def: retry, timeout: time.Minute, real: true, minTaken: time.Second},
		{name: "context ends the wait", def: wait, timeout: 100 * time.Millisecond, real: true, maxTaken: 900 * time.Millisecond, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := asl.Parse([]byte(tt.def))
			require.NoError(t, err)
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			attempts := 0
			tasks := func(context.Context, *asl.TaskCall, string) (any, error) {
				attempts++
				if attempts == 1 {
					return nil, asl.NewError("Flaky", "first attempt")
				}
				return map[string]any{}, nil
			}
			began := time.Now()
			res, err := runner.Run(ctx, m, map[string]any{}, &runner.Config{Tasks: tasks, RealTime: tt.real})
			taken := time.Since(began)
			if tt.wantErr {
				require.ErrorIs(t, err, context.DeadlineExceeded)
			} else {
				require.NoError(t, err)
				require.Equal(t, runner.StatusSucceeded, res.Status)
			}
			require.GreaterOrEqual(t, taken, tt.minTaken)
			if tt.maxTaken > 0 {
				require.Less(t, taken, tt.maxTaken)
			}
		})
	}
}

// TestRealTimeAtOnce runs Parallel branches and Map iterations at once in
// real time without events: their Waits overlap, the first failure stops
// the others, and a Map's tolerance and order still hold.
func TestRealTimeAtOnce(t *testing.T) {
	t.Parallel()
	wait := `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}`
	fail := `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Broke","Cause":"on purpose"}}}`
	parallel := func(branches ...string) string {
		return `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[` + strings.Join(branches, ",") + `]}}}`
	}
	mapOf := func(extra string) string {
		return `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","End":true` + extra + `,
			"ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":0,"Next":"F"}],"Default":"W"},
			"W":{"Type":"Wait","Seconds":1,"End":true},"F":{"Type":"Fail","Error":"Zero"}}}}}}`
	}
	tests := []struct {
		name, def, input, status, output, errName string
		minTaken, maxTaken                        time.Duration
	}{
		{name: "branches overlap", def: parallel(wait, wait, wait), input: `{"a":1}`, status: runner.StatusSucceeded,
			output: `[{"a":1},{"a":1},{"a":1}]`, minTaken: time.Second, maxTaken: 1900 * time.Millisecond},
		{name: "a failure stops the others", def: parallel(wait, fail), input: `{}`, status: runner.StatusFailed,
			errName: "Broke", maxTaken: 900 * time.Millisecond},
		{name: "iterations overlap in order", def: mapOf(""), input: `{"items":[1,2,3]}`, status: runner.StatusSucceeded,
			output: `[1,2,3]`, minTaken: time.Second, maxTaken: 1900 * time.Millisecond},
		{name: "max concurrency", def: mapOf(`,"MaxConcurrency":1`), input: `{"items":[1,2]}`, status: runner.StatusSucceeded,
			output: `[1,2]`, minTaken: 2 * time.Second},
		{name: "iteration failure", def: mapOf(""), input: `{"items":[1,0,3]}`, status: runner.StatusFailed,
			errName: "Zero", maxTaken: 900 * time.Millisecond},
		{name: "tolerated failure", def: mapOf(`,"ToleratedFailureCount":1`), input: `{"items":[1,0]}`, status: runner.StatusSucceeded,
			output: `[1,{"Error":"Zero","Cause":""}]`, minTaken: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := asl.Parse([]byte(tt.def))
			require.NoError(t, err)
			input, err := asl.DecodeJSON([]byte(tt.input))
			require.NoError(t, err)
			began := time.Now()
			res, err := runner.Run(context.Background(), m, input, &runner.Config{RealTime: true, NoEvents: true})
			taken := time.Since(began)
			require.NoError(t, err)
			require.Equal(t, tt.status, res.Status, "%v", res.Error)
			if tt.output != "" {
				require.JSONEq(t, tt.output, asl.EncodeJSON(res.Output))
			}
			if tt.errName != "" {
				require.Equal(t, tt.errName, res.Error.Name)
			}
			require.GreaterOrEqual(t, taken, tt.minTaken)
			if tt.maxTaken > 0 {
				require.Less(t, taken, tt.maxTaken)
			}
		})
	}
}
