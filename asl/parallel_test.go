package asl_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/history"
)

func TestParallel(t *testing.T) {
	t.Parallel()
	def := single(`{"Type":"Parallel","Parameters":{"v.$":"$.v"},"ResultSelector":{"all.$":"$"},"ResultPath":"$.out","End":true,
		"Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":5,"Next":"A2"},"A2":{"Type":"Pass","Result":"a","End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Wait","Seconds":9,"Next":"B2"},"B2":{"Type":"Pass","InputPath":"$.v","End":true}}}]}`)
	res := runDef(t, def, `{"v":3}`, nil)
	requireOutput(t, res, `{"v":3,"out":{"all":["a",3]}}`)
	require.Equal(t, 9.0, res.Duration.Seconds(), "branches run side by side on the virtual clock")
}

func TestParallelBranchFailure(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Catch":[{"ErrorEquals":["Broken"],"Next":"C"}],
		"Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Fail","Error":"Broken","Cause":"b"}}}]},
		"C":{"Type":"Pass","End":true}}}`
	res := runDef(t, def, `{}`, nil)
	requireOutput(t, res, `{"Error":"Broken","Cause":"b"}`)
	require.Contains(t, eventTypes(res), history.ParallelStateFailed)
	uncaught := single(`{"Type":"Parallel","End":true,"Branches":[{"StartAt":"B","States":{"B":{"Type":"Fail","Error":"Broken"}}}]}`)
	requireError(t, runDef(t, uncaught, `{}`, nil), "Broken")
}
