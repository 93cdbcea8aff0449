package asl_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/history"
)

func TestFail(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, state, input, err, cause string
	}{
		{"fixed", `{"Type":"Fail","Error":"E","Cause":"C"}`, `{}`, "E", "C"},
		{"empty", `{"Type":"Fail"}`, `{}`, "", ""},
		{"paths", `{"Type":"Fail","ErrorPath":"$.e","CausePath":"$.c"}`, `{"e":"E2","c":"C2"}`, "E2", "C2"},
		{"intrinsic", `{"Type":"Fail","ErrorPath":"States.Format('{}!', $.e)","CausePath":"$$.State.Name"}`, `{"e":"x"}`, "x!", "S"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := runDef(t, single(tt.state), tt.input, nil)
			requireError(t, res, tt.err)
			require.Equal(t, tt.cause, res.Error.Cause)
		})
	}
	requireError(t, runDef(t, single(`{"Type":"Fail","ErrorPath":"$.e"}`), `{"e":1}`, nil), "States.Runtime")
}

func TestSucceed(t *testing.T) {
	t.Parallel()
	res := runDef(t, single(`{"Type":"Succeed","InputPath":"$.a","OutputPath":"$.b"}`), `{"a":{"b":5}}`, nil)
	requireOutput(t, res, `5`)
	require.Equal(t, []string{history.ExecutionStarted, history.SucceedStateEntered, "SucceedStateExited", history.ExecutionSucceeded}, eventTypes(res))
}

func TestDataLimit(t *testing.T) {
	t.Parallel()
	big := make([]byte, 300*1024)
	for i := range big {
		big[i] = 'a'
	}
	res := runDef(t, single(`{"Type":"Pass","Result":"`+string(big)+`","End":true}`), `{}`, nil)
	requireError(t, res, "States.DataLimitExceeded")
}
