package check

import (
	"testing"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

func TestCheckIntrinsic(t *testing.T) {
	t.Parallel()
	ok := func(_ *testing.T, src string) bool { return checkIntrinsic(src) == nil }
	testkit.Table(t, ok, map[string]bool{
		"States.UUID()":                       true,
		"States.Format('Hello {}', $.name)":   true,
		"States.Format('it\\'s {} (x)', $.a)": true,
		"States.MathAdd(States.ArrayLength($$.Execution.Input.machines),-1)": true,
		"States.ArrayGetItem($.a[?(@.k == States)].v, 0)":                    true,
		"States.Array($.States.x)":                                           true,
		"States.Xyz($.result)":                                               false,
		"States.Format('x'":                                                  false,
		"States.Format('x)":                                                  false,
		"States.Format('x'))":                                                false,
		"States.Format('x') tail":                                            false,
		"States.Format":                                                      false,
		"States.Array(States.Nope(1))":                                       false,
	})
}

func TestSemanticTemplates(t *testing.T) {
	t.Parallel()
	pass := func(fields string) string { return machine(`"A": {"Type": "Pass", "End": true` + fields + `}`) }
	runRuleCases(t, Semantic, []ruleCase{
		{"valid template", pass(`, "Parameters": {"static": "$.not-evaluated", "p.$": "$.a[1:]", "c.$": "$$.Map.Item.Value",
			"v.$": "$var.x", "i.$": "States.Array($.a, 'b')", "nested": {"deep": [{"x.$": "$.y"}]}}`), nil},
		{"non-string dynamic value", pass(`, "Parameters": {"a.$": 5}`), []string{CodeInvalidTemplate + " /States/A/Parameters/a.$"}},
		{"literal dynamic value", pass(`, "Parameters": {"a.$": "hello"}`), []string{CodeInvalidTemplate + " /States/A/Parameters/a.$"}},
		{"leading space", pass(`, "Parameters": {"a.$": " States.UUID()"}`), []string{CodeInvalidTemplate + " /States/A/Parameters/a.$"}},
		{"bad path", pass(`, "Parameters": {"x": [{"a.$": "$.["}]}`), []string{CodeInvalidPath + " /States/A/Parameters/x/0/a.$"}},
		{"unknown intrinsic", pass(`, "Assign": {"a.$": "States.Nope()"}`), []string{CodeInvalidIntrinsic + " /States/A/Assign/a.$"}},
		{"duplicate field", pass(`, "Parameters": {"d": {"k": 1, "k.$": "$.k"}}`), []string{CodeDuplicateField + " /States/A/Parameters/d/k.$"}},
		{"ResultSelector and ItemSelector", machine(`"A": {"Type": "Map", "End": true, "Iterator": ` + branch + `,
			"ItemSelector": {"a.$": "x"}, "ResultSelector": {"b.$": "$["}}`),
			[]string{CodeInvalidTemplate + " /States/A/ItemSelector/a.$", CodeInvalidPath + " /States/A/ResultSelector/b.$"}},
		{"distributed map templates", machine(`"A": {"Type": "Map", "End": true, "ItemProcessor": ` + branch + `,
			"ItemReader": {"Resource": "a:b", "Parameters": {"a.$": "x"}}, "ItemBatcher": {"BatchInput": {"b.$": "y"}},
			"ResultWriter": {"Parameters": {"c.$": "z"}}}`),
			[]string{CodeInvalidTemplate + " /States/A/ItemReader/Parameters/a.$", CodeInvalidTemplate + " /States/A/ItemBatcher/BatchInput/b.$",
				CodeInvalidTemplate + " /States/A/ResultWriter/Parameters/c.$"}},
		{"credentials and catcher Assign", machine(`"A": {"Type": "Task", "Resource": "a:b", "End": true, "Credentials": {"RoleArn.$": "arn"},
			"Catch": [{"ErrorEquals": ["E"], "Next": "A", "Assign": {"e.$": "$.["}}]}`),
			[]string{CodeInvalidTemplate + " /States/A/Credentials/RoleArn.$", CodeInvalidPath + " /States/A/Catch/0/Assign/e.$"}},
		{"choice rule Assign", machine(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "B", "Assign": {"x.$": "y"}}]},
			"B": {"Type": "Succeed"}`), []string{CodeInvalidTemplate + " /States/A/Choices/0/Assign/x.$"}},
		{"Result is not a template", pass(`, "Result": {"a.$": 1}`), nil},
	})
}
