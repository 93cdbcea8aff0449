package asl_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
)

var testStart = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// runDef parses def and runs it on input in memory.
func runDef(t *testing.T, def, input string, tasks runner.TaskHandler) *runner.Result {
	t.Helper()
	m, err := asl.Parse([]byte(def))
	require.NoError(t, err)
	in, err := asl.DecodeJSON([]byte(input))
	require.NoError(t, err)
	res, err := runner.Run(context.Background(), m, in, &runner.Config{Tasks: tasks, Start: testStart})
	require.NoError(t, err)
	return res
}

// requireOutput checks a run succeeded with the given JSON output.
func requireOutput(t *testing.T, res *runner.Result, want string) {
	t.Helper()
	require.Equal(t, runner.StatusSucceeded, res.Status, "error: %v", res.Error)
	require.JSONEq(t, want, asl.EncodeJSON(res.Output))
}

// requireError checks a run failed with the given error name.
func requireError(t *testing.T, res *runner.Result, name string) {
	t.Helper()
	require.Equal(t, runner.StatusFailed, res.Status, "output: %v", asl.EncodeJSON(res.Output))
	require.Equal(t, name, res.Error.Name, "cause: %s", res.Error.Cause)
}

// eventTypes lists the types of a run's events.
func eventTypes(res *runner.Result) []string {
	out := make([]string, len(res.Events))
	for i, e := range res.Events {
		out[i] = e.Type
	}
	return out
}

// stateCase is one state run on an input, and what it must give: the
// output JSON (runOutputs) or the error name (runErrors).
type stateCase struct{ name, state, input, want string }

// runOutputs runs each case's state as a whole machine and checks that it
// succeeds with the output wanted.
func runOutputs(t *testing.T, cases []stateCase) {
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireOutput(t, runDef(t, single(tt.state), tt.input, nil), tt.want)
		})
	}
}

// runErrors runs each case's state as a whole machine and checks that it
// fails with the error wanted.
func runErrors(t *testing.T, cases []stateCase) {
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireError(t, runDef(t, single(tt.state), tt.input, nil), tt.want)
		})
	}
}

// single wraps one state as a whole machine.
func single(state string) string {
	return `{"StartAt":"S","States":{"S":` + state + `}}`
}

// asAs is errors.As for the fuzz target.
func asAs(err error, target **asl.ParseError) bool { return errors.As(err, target) }
