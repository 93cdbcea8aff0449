package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
)

// TestExecutionNameRules applies AWS's name rules to starts: 1 to 80
// characters in any script, counted as characters, with no white space of
// any kind.
func TestExecutionNameRules(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("m", single(`{"Type":"Pass","End":true}`))
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{strings.Repeat("é", 80), true}, // 160 bytes, 80 characters
		{strings.Repeat("名", 80), true},
		{strings.Repeat("a", 80), true},
		{strings.Repeat("a", 81), false},
		{strings.Repeat("é", 81), false},
		{"no\u00a0break", false},
		{"em\u2003space", false},
		{"tab\there", false},
		{"bad\xffutf8", false},
	} {
		_, _, err := h.e.StartExecution(context.Background(), engine.StartInput{StateMachine: "m", Name: tc.name, Input: `{}`})
		if tc.ok {
			require.NoError(t, err, "%q", tc.name)
			continue
		}
		require.ErrorIs(t, err, engine.ErrInvalidName, "%q", tc.name)
	}
}

// TestFailureLengthLimits applies AWS's limits on a client's error (256
// characters) and cause (32,768) to SendTaskFailure and StopExecution,
// before anything else about the request: ValidationException.
func TestFailureLengthLimits(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("m", single(`{"Type":"Wait","Seconds":3600,"End":true}`))
	exec, _, err := h.e.StartExecution(context.Background(), engine.StartInput{StateMachine: "m", Input: `{}`})
	require.NoError(t, err)
	long := strings.Repeat("x", 257)
	longCause := strings.Repeat("x", 32769)
	ctx := context.Background()

	err = h.e.SendTaskFailure(ctx, "no-such-token", long, "")
	require.ErrorIs(t, err, engine.ErrValidation)
	require.EqualError(t, err, "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256")
	err = h.e.SendTaskFailure(ctx, "no-such-token", long, longCause)
	require.ErrorIs(t, err, engine.ErrValidation)
	require.Contains(t, err.Error(), "2 validation errors detected")
	// at the limits the request goes on, to the token's check
	err = h.e.SendTaskFailure(ctx, "no-such-token", long[:256], longCause[:32768])
	require.ErrorIs(t, err, engine.ErrInvalidToken)

	_, err = h.e.StopExecution(ctx, exec.ARN, "", longCause)
	require.ErrorIs(t, err, engine.ErrValidation)
	stopped, err := h.e.StopExecution(ctx, exec.ARN, long[:256], longCause[:32768])
	require.NoError(t, err)
	require.Len(t, *stopped.Cause, 32768)
}
