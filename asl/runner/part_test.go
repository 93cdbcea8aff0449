package runner_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
)

// enter parses def and enters its StartAt state on input, with the
// variables vars.
func enter(t *testing.T, def, input string, vars map[string]any) (asl.Decision, *asl.Context) {
	t.Helper()
	m, err := asl.Parse([]byte(def))
	require.NoError(t, err)
	in, err := asl.DecodeJSON([]byte(input))
	require.NoError(t, err)
	c := &asl.Context{StateName: m.StartAt, Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Variables: vars}
	return m.Enter(m.StartAt, in, c), c
}

// TestBranches runs a Parallel's branches on their own: they see the
// enclosing variables, a Wait takes no real time, and the first failure
// wins.
func TestBranches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, def, want, errName string
	}{
		{"outputs in order", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":86400,"Next":"A"},"A":{"Type":"Pass","Parameters":{"v.$":"$x"},"End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}]}}}`, `[{"v":1},{"in":true}]`, ""},
		{"a branch fails", `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Broken"}}}]}}}`, "", "Broken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, c := enter(t, tc.def, `{"in":true}`, map[string]any{"x": int64(1)})
			require.Equal(t, asl.KindParallel, d.Kind)
			start := time.Now()
			out, failure, err := runner.Branches(context.Background(), d, c, nil)
			require.NoError(t, err)
			require.Less(t, time.Since(start), 5*time.Second)
			if tc.errName != "" {
				require.Equal(t, tc.errName, failure.Name)
				return
			}
			require.Nil(t, failure)
			require.JSONEq(t, tc.want, asl.EncodeJSON(out))
		})
	}
}

// TestIterations runs a Map's iterations on their own, with its
// tolerated failures.
func TestIterations(t *testing.T) {
	t.Parallel()
	const processor = `"ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":0,"Next":"F"}],"Default":"P"},
		"F":{"Type":"Fail","Error":"Zero"},"P":{"Type":"Pass","End":true}}}`
	for _, tc := range []struct {
		name, tolerance, want, errName string
	}{
		{"tolerated", `"ToleratedFailureCount":1,`, `[1,{"Error":"Zero","Cause":""},2]`, ""},
		{"not tolerated", ``, "", "Zero"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, c := enter(t, `{"StartAt":"M","States":{"M":{"Type":"Map",`+tc.tolerance+processor+`,"End":true}}}`, `[1,0,2]`, nil)
			require.Equal(t, asl.KindMap, d.Kind)
			out, failure, err := runner.Iterations(context.Background(), d.Map, c, nil)
			require.NoError(t, err)
			if tc.errName != "" {
				require.Equal(t, tc.errName, failure.Name)
				return
			}
			require.Nil(t, failure)
			require.JSONEq(t, tc.want, asl.EncodeJSON(out))
		})
	}
}
