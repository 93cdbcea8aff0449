package check

import (
	"fmt"
	"testing"
)

func TestSemanticErrorNames(t *testing.T) {
	t.Parallel()
	task := func(field, entries string) string {
		return machine(fmt.Sprintf(`"A": {"Type": "Task", "Resource": "a:b", "Next": "B", %q: [%s]}, "B": {"Type": "Fail"}`, field, entries))
	}
	cases := []ruleCase{
		{"States.ALL last and alone", task("Retry", `{"ErrorEquals": ["E"]}, {"ErrorEquals": ["States.ALL"]}`), nil},
		{"States.ALL with others", task("Retry", `{"ErrorEquals": ["E", "States.ALL"]}`),
			[]string{CodeStatesAllNotAlone + " /States/A/Retry/0/ErrorEquals/1"}},
		{"States.ALL not last retrier", task("Retry", `{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}`),
			[]string{CodeStatesAllNotLast + " /States/A/Retry/0/ErrorEquals/0"}},
		{"States.ALL not last catcher", task("Catch", `{"ErrorEquals": ["States.ALL"], "Next": "B"}, {"ErrorEquals": ["E"], "Next": "B"}`),
			[]string{CodeStatesAllNotLast + " /States/A/Catch/0/ErrorEquals/0"}},
		{"custom States error", task("Catch", `{"ErrorEquals": ["States.FauxFailure1", "Custom.Error"], "Next": "B"}`), nil},
		{"custom States errors in a Map", machine(`"A": {"Type": "Map", "End": true, "Iterator": ` + branch + `,
			"Retry": [{"ErrorEquals": ["States.Timeout", "States.QuorumMet"]}, {"ErrorEquals": ["States.ALL"]}]}`), nil},
		{"States.ALL with a custom States error", task("Retry", `{"ErrorEquals": ["States.QuorumMet", "States.ALL"]}`),
			[]string{CodeStatesAllNotAlone + " /States/A/Retry/0/ErrorEquals/1"}},
	}
	runRuleCases(t, Semantic, cases)
}
