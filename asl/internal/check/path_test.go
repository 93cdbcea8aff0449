package check

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckPath(t *testing.T) {
	t.Parallel()
	cases := []struct {
		src  string
		kind pathKind
		ok   bool
	}{
		{"$", anyPath, true},
		{"$$", anyPath, true},
		{"$.a.b[0]", referencePath, true},
		{"$.books[-2]", referencePath, true},
		{"$['a b']", referencePath, true},
		{"$.input-foo-bar", referencePath, true},
		{"$$.Execution.Input.input-value", referencePath, true},
		{"$.a[?(@.b-c == 1)]", anyPath, true},
		{"$.a[1:]", anyPath, true},
		{"$..a", anyPath, true},
		{"$.a.*", anyPath, true},
		{"$var", referencePath, true},
		{"$var.field[0]", referencePath, true},
		{"$_x", anyPath, true},
		{"$.a[1:]", referencePath, false},
		{"$..a", referencePath, false},
		{"$.a[?(@.b == 1)]", referencePath, false},
		{"$var[*]", referencePath, false},
		{"$.r", resultPath, true},
		{"$", resultPath, true},
		{"$$.Execution", resultPath, false},
		{"$var.x", resultPath, false},
		{"$.a[*]", resultPath, false},
		{"", anyPath, false},
		{"a.b", anyPath, false},
		{".guid", anyPath, false},
		{"$...", anyPath, false},
		{"$.a[", anyPath, false},
		{"$var-x", anyPath, false},
		{"States.Format('{}', $.a)", anyPath, false},
	}
	for _, tc := range cases {
		t.Run(tc.src, func(t *testing.T) {
			t.Parallel()
			err := checkPath(tc.src, tc.kind)
			if tc.ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}
}

func TestSemanticPaths(t *testing.T) {
	t.Parallel()
	pass := func(fields string) string { return machine(`"A": {"Type": "Pass", "End": true` + fields + `}`) }
	runRuleCases(t, Semantic, []ruleCase{
		{"valid paths", pass(`, "InputPath": "$$.Execution.Input", "OutputPath": "$.out-put", "ResultPath": "$.r[0]"`), nil},
		{"null paths", pass(`, "InputPath": null, "OutputPath": null, "ResultPath": null`), nil},
		{"bad InputPath", pass(`, "InputPath": "bug$.x"`), []string{CodeInvalidPath + " /States/A/InputPath"}},
		{"bad OutputPath", pass(`, "OutputPath": "$.a["`), []string{CodeInvalidPath + " /States/A/OutputPath"}},
		{"indefinite ResultPath", pass(`, "ResultPath": "$.a[*]"`), []string{CodeInvalidReferencePath + " /States/A/ResultPath"}},
		{"context ResultPath", pass(`, "ResultPath": "$$.a"`), []string{CodeInvalidReferencePath + " /States/A/ResultPath"}},
		{"intrinsic InputPath", pass(`, "InputPath": "States.Format('x')"`), []string{CodeInvalidPath + " /States/A/InputPath"}},
		{"Wait paths", machine(`"A": {"Type": "Wait", "SecondsPath": "$.a..b", "Next": "B"}, "B": {"Type": "Wait", "TimestampPath": "x", "End": true}`),
			[]string{CodeInvalidReferencePath + " /States/A/SecondsPath", CodeInvalidPath + " /States/B/TimestampPath"}},
		{"Task paths", machine(`"A": {"Type": "Task", "Resource": "a:b", "End": true, "TimeoutSecondsPath": "$.t[*]", "HeartbeatSecondsPath": "$$.h",
			"Catch": [{"ErrorEquals": ["E"], "Next": "A", "ResultPath": "$.e[?(@)]"}]}`),
			[]string{CodeInvalidReferencePath + " /States/A/TimeoutSecondsPath", CodeInvalidReferencePath + " /States/A/Catch/0/ResultPath"}},
		{"Map paths", machine(`"A": {"Type": "Map", "End": true, "Iterator": ` + branch + `, "ItemsPath": "$.items[*]",
			"MaxConcurrencyPath": "m", "ToleratedFailureCountPath": "$.c", "ToleratedFailurePercentagePath": "$.p[",
			"ItemReader": {"Resource": "a:b", "ReaderConfig": {"MaxItemsPath": "$$.x"}},
			"ItemBatcher": {"MaxItemsPerBatchPath": "$.m", "MaxInputBytesPerBatchPath": "nope"}}`),
			[]string{CodeInvalidReferencePath + " /States/A/ItemsPath", CodeInvalidPath + " /States/A/MaxConcurrencyPath",
				CodeInvalidPath + " /States/A/ToleratedFailurePercentagePath", CodeInvalidPath + " /States/A/ItemBatcher/MaxInputBytesPerBatchPath"}},
		{"Fail paths", machine(`"A": {"Type": "Fail", "ErrorPath": "States.Format('{}', $.e)", "CausePath": "cause"}`),
			[]string{CodeInvalidTemplate + " /States/A/CausePath"}},
		{"choice paths", machine(`"A": {"Type": "Choice", "Default": "B", "Choices": [
			{"Variable": "$.a[*]", "IsNull": true, "Next": "B"},
			{"And": [{"Variable": "$.ok", "StringEqualsPath": "x"}, {"Not": {"Variable": "$$.ok", "NumericEqualsPath": "$.n"}}], "Next": "B"},
			{"Or": [{"Variable": "$var.x", "BooleanEqualsPath": "$other"}], "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{CodeInvalidReferencePath + " /States/A/Choices/0/Variable", CodeInvalidPath + " /States/A/Choices/1/And/0/StringEqualsPath"}},
		{"paths in a JSONata state are not checked", jsonataMachine(`"A": {"Type": "Pass", "QueryLanguage": "JSONata", "InputPath": "x", "End": true}`), nil},
	})
}
