package runner_test

import (
	"context"
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
