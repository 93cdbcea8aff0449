package check

import (
	"strings"
	"testing"
)

func TestSemanticTransitions(t *testing.T) {
	t.Parallel()
	runRuleCases(t, Semantic, []ruleCase{
		{"chain", machine(`"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}`), nil},
		{"missing StartAt target", `{"StartAt": "X", "States": {"A": {"Type": "Succeed"}}}`,
			[]string{CodeMissingTarget + " /StartAt"}},
		{"missing Next target", machine(`"A": {"Type": "Pass", "Next": "X"}`),
			[]string{CodeMissingTarget + " /States/A/Next", CodeNoTerminal + " /States"}},
		{"missing Default and rule targets", machine(`"A": {"Type": "Choice", "Default": "X",
			"Choices": [{"Variable": "$.a", "IsNull": true, "Next": "Y"}, {"Variable": "$.a", "IsNull": false, "Next": "B"}]},
			"B": {"Type": "Succeed"}`),
			[]string{CodeMissingTarget + " /States/A/Default", CodeMissingTarget + " /States/A/Choices/0/Next"}},
		{"missing catcher target", machine(`"A": {"Type": "Task", "Resource": "a:b", "End": true,
			"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "X"}]}`),
			[]string{CodeMissingTarget + " /States/A/Catch/0/Next"}},
		{"branch cannot leave its scope", machine(`"A": {"Type": "Parallel", "Next": "C",
			"Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "C"}}}]}, "C": {"Type": "Succeed"}`),
			[]string{CodeMissingTarget + " /States/A/Branches/0/States/B/Next", CodeNoTerminal + " /States/A/Branches/0/States"}},
		{"outer state cannot enter a processor", machine(`"A": {"Type": "Map", "Next": "B",
			"ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}}`),
			[]string{CodeMissingTarget + " /States/A/Next", CodeNoTerminal + " /States"}},
		{"nested processor start", machine(`"A": {"Type": "Map", "End": true,
			"Iterator": {"StartAt": "X", "States": {"B": {"Type": "Succeed"}}}}`),
			[]string{CodeMissingTarget + " /States/A/Iterator/StartAt"}},
	})
}

func TestSemanticReachability(t *testing.T) {
	t.Parallel()
	runRuleCases(t, Semantic, []ruleCase{
		{"unreachable state", machine(`"A": {"Type": "Succeed"}, "B": {"Type": "Pass", "Next": "A"}`),
			[]string{CodeUnreachable + " /States/B"}},
		{"reachable through a catcher", machine(`"A": {"Type": "Task", "Resource": "a:b", "End": true,
			"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B"}]}, "B": {"Type": "Fail"}`), nil},
		{"reachable through Default", machine(`"A": {"Type": "Choice", "Default": "C",
			"Choices": [{"Variable": "$.a", "IsNull": true, "Next": "B"}]}, "B": {"Type": "Succeed"}, "C": {"Type": "Fail"}`), nil},
		{"unreachable in a branch", machine(`"A": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "B",
			"States": {"B": {"Type": "Succeed"}, "C": {"Type": "Succeed"}}}]}`),
			[]string{CodeUnreachable + " /States/A/Branches/0/States/C"}},
		{"loop without exit", machine(`"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Wait", "Seconds": 1, "Next": "A"}`),
			[]string{CodeNoTerminal + " /States"}},
		{"terminal only in an unreachable state", machine(`"A": {"Type": "Pass", "Next": "A"}, "B": {"Type": "Succeed"}`),
			[]string{CodeNoTerminal + " /States", CodeUnreachable + " /States/B"}},
		{"choice loop with exit", machine(`"A": {"Type": "Choice", "Default": "A",
			"Choices": [{"Variable": "$.a", "IsNull": true, "Next": "B"}]}, "B": {"Type": "Pass", "End": true}`), nil},
		{"no terminal in processor", machine(`"A": {"Type": "Map", "End": true,
			"ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "Next": "B"}}}}`),
			[]string{CodeNoTerminal + " /States/A/ItemProcessor/States"}},
	})
}

func TestSemanticStateNames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("n", 81)
	runRuleCases(t, Semantic, []ruleCase{
		{"80 characters", machine(`"A": {"Type": "Pass", "Next": "` + long[1:] + `"}, "` + long[1:] + `": {"Type": "Succeed"}`), nil},
		{"80 multibyte characters", machine(`"A": {"Type": "Pass", "Next": "` + strings.Repeat("é", 80) + `"}, "` +
			strings.Repeat("é", 80) + `": {"Type": "Succeed"}`), nil},
		{"81 characters", machine(`"A": {"Type": "Pass", "Next": "` + long + `"}, "` + long + `": {"Type": "Succeed"}`),
			[]string{CodeStateNameTooLong + " /States/" + long}},
		{"duplicate across branches", machine(`"A": {"Type": "Parallel", "End": true, "Branches": [
			{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}]}`),
			[]string{CodeDuplicateState + " /States/A/Branches/1/States/B"}},
		{"duplicate of an outer state", machine(`"A": {"Type": "Map", "End": true,
			"ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}}`),
			[]string{CodeDuplicateState + " /States/A/ItemProcessor/States/A"}},
	})
}
