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
		{"unknown States error", task("Catch", `{"ErrorEquals": ["States.Nope", "Custom.Error"], "Next": "B"}`),
			[]string{CodeUnknownError + " /States/A/Catch/0/ErrorEquals/0"}},
		{"errors in a Map", machine(`"A": {"Type": "Map", "End": true, "Iterator": ` + branch + `,
			"Retry": [{"ErrorEquals": ["States.Timeout", "States.TimeOut"]}]}`),
			[]string{CodeUnknownError + " /States/A/Retry/0/ErrorEquals/1"}},
	}
	for name := range predefinedErrors {
		cases = append(cases, ruleCase{name, task("Retry", fmt.Sprintf(`{"ErrorEquals": [%q]}`, name)), nil})
	}
	runRuleCases(t, Semantic, cases)
}
