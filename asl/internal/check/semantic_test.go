package check

import (
	"testing"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
	"github.com/stretchr/testify/require"
)

func TestSemanticTimestamps(t *testing.T) {
	t.Parallel()
	runRuleCases(t, Semantic, []ruleCase{
		{"valid timestamps", machine(`"A": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00.123+02:00", "Next": "B"},
			"B": {"Type": "Choice", "Default": "C", "Choices": [{"Variable": "$.t", "TimestampEquals": "2016-03-14T01:59:00Z", "Next": "C"}]},
			"C": {"Type": "Succeed"}`), nil},
		{"date only", machine(`"A": {"Type": "Wait", "Timestamp": "2016-03-14", "End": true}`),
			[]string{CodeInvalidTimestamp + " /States/A/Timestamp"}},
		{"nested comparison", machine(`"A": {"Type": "Choice", "Default": "B", "Choices": [{"Or": [{"Variable": "$.t",
			"TimestampLessThanEquals": "yesterday"}], "Next": "B"}]}, "B": {"Type": "Succeed"}`),
			[]string{CodeInvalidTimestamp + " /States/A/Choices/0/Or/0/TimestampLessThanEquals"}},
		{"JSONata literal", jsonataMachine(`"A": {"Type": "Wait", "Timestamp": "14/03/2016", "End": true}`),
			[]string{CodeInvalidTimestamp + " /States/A/Timestamp"}},
		{"JSONata expression", jsonataMachine(`"A": {"Type": "Wait", "Timestamp": "{% $now() %}", "End": true}`), nil},
	})
}

func TestSemanticJSONata(t *testing.T) {
	t.Parallel()
	runRuleCases(t, Semantic, []ruleCase{
		{"valid expressions", jsonataMachine(`"A": {"Type": "Pass", "Output": {"a": ["{% $states.input.a %}", "{% 1 + 2 %}"]},
			"Assign": {"x": "{% $count([1]) %}"}, "Comment": "{% not parsed", "Next": "B"},
			"B": {"Type": "Choice", "Choices": [{"Condition": "{% $x > 1 %}", "Next": "C", "Comment": "{% no"}], "Default": "C"},
			"C": {"Type": "Succeed", "Output": "{%$x%}"}`), nil},
		{"literals that look like expressions", jsonataMachine(`"A": {"Type": "Pass", "Output": [" {% 1 + %}", "{% 1 +", "$states.input"], "End": true}`), nil},
		{"bad Output", jsonataMachine(`"A": {"Type": "Pass", "Output": {"a": "{% 1 + %}"}, "End": true}`),
			[]string{CodeInvalidJSONata + " /States/A/Output/a"}},
		{"bad Condition", jsonataMachine(`"A": {"Type": "Choice", "Choices": [{"Condition": "{% ($x %}", "Next": "B"}], "Default": "B"},
			"B": {"Type": "Succeed"}`), []string{CodeInvalidJSONata + " /States/A/Choices/0/Condition"}},
		{"bad catcher Output", jsonataMachine(`"A": {"Type": "Task", "Resource": "a:b", "End": true,
			"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B", "Output": "{% [ %}"}]}, "B": {"Type": "Fail"}`),
			[]string{CodeInvalidJSONata + " /States/A/Catch/0/Output"}},
		{"empty expression", jsonataMachine(`"A": {"Type": "Map", "Items": "{% %}", "ItemProcessor": ` + branch + `, "End": true}`),
			[]string{CodeInvalidJSONata + " /States/A/Items"}},
		{"nested JSONata state", machine(`"A": {"Type": "Parallel", "QueryLanguage": "JSONata", "End": true,
			"Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": "{% 10 + * 2 %}", "End": true}}}]}`),
			[]string{CodeInvalidJSONata + " /States/A/Branches/0/States/B/Output"}},
		{"JSONPath state is not parsed", machine(`"A": {"Type": "Pass", "Result": "{% 1 + %}", "End": true}`), nil},
	})
}

func TestSemanticQueryLanguage(t *testing.T) {
	t.Parallel()
	runRuleCases(t, Semantic, []ruleCase{
		{"JSONata state in JSONPath machine", machine(`"A": {"Type": "Pass", "QueryLanguage": "JSONata", "End": true}`), nil},
		{"JSONPath state in JSONata machine", jsonataMachine(`"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}`),
			[]string{CodeQueryLanguage + " /States/A/QueryLanguage"}},
		{"nested JSONPath state in JSONata machine", jsonataMachine(`"A": {"Type": "Map", "Items": [], "End": true, "ItemProcessor":
			{"StartAt": "B", "States": {"B": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}}`),
			[]string{CodeQueryLanguage + " /States/A/ItemProcessor/States/B/QueryLanguage"}},
		{"JSONPath state in a JSONata Map of a JSONPath machine", machine(`"A": {"Type": "Map", "QueryLanguage": "JSONata", "Items": [], "End": true, "ItemProcessor":
			{"StartAt": "B", "States": {"B": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}}`), nil},
		{"JSONPath state in a Distributed Map of a JSONata machine", jsonataMachine(`"A": {"Type": "Map", "Items": [], "End": true, "ItemProcessor":
			{"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "B", "States": {"B": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}}`), nil},
		{"JSONPath state in a Parallel of a Distributed Map's processor", jsonataMachine(`"A": {"Type": "Map", "Items": [], "End": true, "ItemProcessor":
			{"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "B", "States": {"B": {"Type": "Parallel", "End": true,
			"Branches": [{"StartAt": "C", "States": {"C": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}]}}}}`), nil},
	})
}

func TestSemanticHeartbeat(t *testing.T) {
	t.Parallel()
	task := func(fields string) string {
		return machine(`"A": {"Type": "Task", "Resource": "a:b", "End": true` + fields + `}`)
	}
	runRuleCases(t, Semantic, []ruleCase{
		{"heartbeat below timeout", task(`, "TimeoutSeconds": 10, "HeartbeatSeconds": 9`), nil},
		{"heartbeat equal to timeout", task(`, "TimeoutSeconds": 10, "HeartbeatSeconds": 10`),
			[]string{CodeHeartbeat + " /States/A/HeartbeatSeconds"}},
		{"heartbeat alone", task(`, "HeartbeatSeconds": 100`), nil},
	})
}

// TestSemanticMalformed checks that Semantic skips values of the wrong
// shape instead of failing; Schema reports them.
func TestSemanticMalformed(t *testing.T) {
	t.Parallel()
	defs := []string{
		`null`, `[]`, `"x"`, `{}`, `{"StartAt": 1, "States": []}`, `{"StartAt": "A", "States": {"A": 1}}`,
		`{"StartAt": "A", "States": {"A": {"Type": 1, "Next": 2, "End": "x"}}}`,
		`{"StartAt": "A", "States": {"A": {"Type": "Parallel", "Branches": [1, {"States": 2}], "End": true}}}`,
		`{"StartAt": "A", "States": {"A": {"Type": "Map", "Iterator": [], "ItemProcessor": {"StartAt": "B"}, "End": true}}}`,
		`{"StartAt": "A", "States": {"A": {"Type": "Task", "Retry": [1, {"ErrorEquals": "x"}], "Catch": {"a": 1}, "End": true}}}`,
		`{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [1, {"And": 1, "Not": [], "Next": 1}]}}}`,
		`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": [{"a.$": 1}], "InputPath": 1, "End": true}}}`,
		`{"QueryLanguage": 1, "StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": [{"a": "{%"}], "End": true}}}`,
	}
	for _, src := range defs {
		require.NotPanics(t, func() { Semantic(jsonvalue.MustDecode(src)) }, src)
		require.NotPanics(t, func() { Schema(jsonvalue.MustDecode(src)) }, src)
	}
	require.Nil(t, Semantic(nil))
}

func TestDiagnosticsAreSorted(t *testing.T) {
	t.Parallel()
	def := jsonvalue.MustDecode(machine(`"A": {"Type": "Pass", "Next": "X", "InputPath": "x"}, "B": {"Type": "Pass", "Next": "Y"}`))
	first := Semantic(def)
	for range 10 {
		require.Equal(t, first, Semantic(def))
	}
	for i := 1; i < len(first); i++ {
		require.LessOrEqual(t, first[i-1].Pointer, first[i].Pointer)
	}
}

func FuzzSemantic(f *testing.F) {
	f.Add(`{"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"a.$": "$.b"}, "End": true}}}`)
	f.Add(`{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "Output": "{% 1 %}", "End": true}}}`)
	f.Add(`{"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.a", "IsNull": true}, "Next": "A"}]}}}`)
	f.Fuzz(func(t *testing.T, src string) {
		def, err := jsonvalue.Decode([]byte(src))
		if err != nil {
			return
		}
		_ = Schema(def)
		_ = Semantic(def)
	})
}
