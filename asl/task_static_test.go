package asl_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

func TestTaskStaticArgument(t *testing.T) {
	t.Parallel()
	const invoke = `"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","End":true`
	for _, tc := range []struct {
		name, state string
		value       any
		dynamic     bool
	}{
		{"literal parameters", `{` + invoke + `,"Parameters":{"FunctionName":"f","Payload":{"a":1}}}`, "f", false},
		{"literal beside a path", `{` + invoke + `,"Parameters":{"FunctionName":"f","Payload.$":"$"}}`, "f", false},
		{"path", `{` + invoke + `,"Parameters":{"FunctionName.$":"$.fn"}}`, nil, true},
		{"intrinsic", `{` + invoke + `,"Parameters":{"FunctionName.$":"States.Format('f{}', $.n)"}}`, nil, true},
		{"absent", `{` + invoke + `,"Parameters":{"Payload.$":"$"}}`, nil, false},
		{"no parameters", `{` + invoke + `}`, nil, false},
		{"literal arguments", `{"QueryLanguage":"JSONata",` + invoke + `,"Arguments":{"FunctionName":"g","Payload":"{% $states.input %}"}}`, "g", false},
		{"expression", `{"QueryLanguage":"JSONata",` + invoke + `,"Arguments":{"FunctionName":"{% $states.input.fn %}"}}`, nil, true},
		{"whole arguments", `{"QueryLanguage":"JSONata",` + invoke + `,"Arguments":"{% $states.input %}"}`, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := asl.Parse([]byte(single(tc.state)))
			require.NoError(t, err)
			v, dynamic := m.States["S"].(*asl.Task).StaticArgument("FunctionName")
			require.Equal(t, tc.value, v)
			require.Equal(t, tc.dynamic, dynamic)
		})
	}
}
