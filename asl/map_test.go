package asl_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMap(t *testing.T) {
	t.Parallel()
	runOutputs(t, []stateCase{
		{"items in order", `{"Type":"Map","ItemsPath":"$.l","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`,
			`{"l":[3,1,2]}`, `[3,1,2]`},
		{"item selector with context", `{"Type":"Map","ItemsPath":"$.l","ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","k.$":"$.k"},
			"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`,
			`{"l":["a","b"],"k":0}`, `[{"i":0,"v":"a","k":0},{"i":1,"v":"b","k":0}]`},
		{"legacy iterator and parameters", `{"Type":"Map","ItemsPath":"$.l","Parameters":{"v.$":"$$.Map.Item.Value"},
			"Iterator":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`,
			`{"l":[1]}`, `[{"v":1}]`},
		{"empty items", `{"Type":"Map","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}`,
			`[]`, `[]`},
		{"result path", `{"Type":"Map","ItemsPath":"$.l","ResultPath":"$.r","ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Result":0,"End":true}}},"End":true}`,
			`{"l":[1,2]}`, `{"l":[1,2],"r":[0,0]}`},
	})
}

func TestMapConcurrencyOnVirtualClock(t *testing.T) {
	t.Parallel()
	state := `{"Type":"Map","MaxConcurrency":2,"ItemProcessor":{"StartAt":"W","States":{"W":{"Type":"Wait","SecondsPath":"$","End":true}}},"End":true}`
	res := runDef(t, single(state), `[10,10,10,10,10]`, nil)
	requireOutput(t, res, `[10,10,10,10,10]`)
	require.Equal(t, 30.0, res.Duration.Seconds(), "five 10 s items two at a time take three rounds")
}

func TestMapFailures(t *testing.T) {
	t.Parallel()
	proc := `"ItemProcessor":{"StartAt":"C","States":{"C":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":0,"Next":"F"}],"Default":"P"},"F":{"Type":"Fail","Error":"Zero"},"P":{"Type":"Pass","End":true}}}`
	tests := []struct {
		name, extra, input, err string
	}{
		{"no tolerance fails with the item's error", ``, `[1,0,2]`, "Zero"},
		{"count exceeded", `"ToleratedFailureCount":1,`, `[0,0,1]`, "States.ExceedToleratedFailureThreshold"},
		{"percentage exceeded", `"ToleratedFailurePercentage":40,`, `[0,0,1,1]`, "States.ExceedToleratedFailureThreshold"},
		{"negative count path", `"ToleratedFailureCountPath":"$$.Execution.Input[0]",`, `[-1]`, "States.Runtime"},
		{"percentage above 100", `"ToleratedFailurePercentage":101,`, `[1]`, "States.Runtime"},
		{"items not an array", ``, `{"a":1}`, "States.Runtime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			requireError(t, runDef(t, single(`{"Type":"Map",`+tt.extra+proc+`,"End":true}`), tt.input, nil), tt.err)
		})
	}
	res := runDef(t, single(`{"Type":"Map","ToleratedFailureCount":1,`+proc+`,"End":true}`), `[0,1]`, nil)
	require.Equal(t, "SUCCEEDED", res.Status)
}
