package check

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
	"github.com/stretchr/testify/require"
)

const schemaCode = CodeSchema + " "

func TestSchemaTopLevel(t *testing.T) {
	t.Parallel()
	runRuleCases(t, Schema, []ruleCase{
		{"minimal", machine(`"A": {"Type": "Succeed"}`), nil},
		{"all top-level fields", `{"Comment": "c", "Version": "1.0", "TimeoutSeconds": 60, "QueryLanguage": "JSONPath",
			"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`, nil},
		{"missing StartAt", `{"States": {"A": {"Type": "Succeed"}}}`, []string{schemaCode}},
		{"missing States", `{"StartAt": "A"}`, []string{schemaCode}},
		{"empty States", `{"StartAt": "A", "States": {}}`, []string{schemaCode + "/States"}},
		{"unknown field", `{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}, "Foo": 1}`, []string{schemaCode + "/Foo"}},
		{"bad QueryLanguage", `{"QueryLanguage": "XPath", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`,
			[]string{schemaCode + "/QueryLanguage"}},
		{"zero TimeoutSeconds", `{"TimeoutSeconds": 0, "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}`,
			[]string{schemaCode + "/TimeoutSeconds"}},
		{"not an object", `[]`, []string{schemaCode}},
		{"state not an object", machine(`"A": 1`), []string{schemaCode + "/States/A"}},
		{"missing Type", machine(`"A": {"End": true}`), []string{schemaCode + "/States/A"}},
		{"unknown Type", machine(`"A": {"Type": "Sleep", "End": true}`), []string{schemaCode + "/States/A/Type"}},
	})
}

func TestSchemaTransitions(t *testing.T) {
	t.Parallel()
	runRuleCases(t, Schema, []ruleCase{
		{"Next", machine(`"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}`), nil},
		{"End", machine(`"A": {"Type": "Pass", "End": true}`), nil},
		{"Next and End", machine(`"A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Succeed"}`),
			[]string{schemaCode + "/States/A"}},
		{"neither Next nor End", machine(`"A": {"Type": "Wait", "Seconds": 1}`), []string{schemaCode + "/States/A"}},
		{"End false", machine(`"A": {"Type": "Pass", "End": false}`), []string{schemaCode + "/States/A/End"}},
		{"Next on Succeed", machine(`"A": {"Type": "Succeed", "Next": "A"}`), []string{schemaCode + "/States/A/Next"}},
		{"End on Choice", machine(`"A": {"Type": "Choice", "End": true,
			"Choices": [{"Variable": "$.x", "IsNull": true, "Next": "A"}]}`), []string{schemaCode + "/States/A/End"}},
		{"empty Next", machine(`"A": {"Type": "Pass", "Next": ""}`), []string{schemaCode + "/States/A/Next"}},
	})
}

func TestSchemaFieldsPerType(t *testing.T) {
	t.Parallel()
	cases := []ruleCase{
		{"Pass with every field", machine(`"A": {"Type": "Pass", "Comment": "c", "QueryLanguage": "JSONPath",
			"InputPath": "$", "OutputPath": null, "Parameters": {"a": 1}, "ResultPath": "$.r", "Result": [1],
			"Assign": {"v": 1}, "End": true}`), nil},
		{"Task with every field", machine(`"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
			"InputPath": "$", "OutputPath": "$", "Parameters": {}, "ResultSelector": {}, "ResultPath": null,
			"TimeoutSecondsPath": "$.t", "HeartbeatSecondsPath": "$.h", "Credentials": {"RoleArn": "r"},
			"Retry": [], "Catch": [], "Assign": {}, "End": true}`), nil},
		{"Succeed with paths", machine(`"A": {"Type": "Succeed", "InputPath": "$", "OutputPath": "$"}`), nil},
		{"Fail with paths", machine(`"A": {"Type": "Fail", "ErrorPath": "$.e", "CausePath": "$.c"}`), nil},
	}
	notAllowed := map[string][]string{
		`"Type": "Pass", "End": true`:                                                     {"ResultSelector", "Resource", "Retry", "Catch", "Output", "Arguments"},
		`"Type": "Task", "Resource": "a:b", "End": true`:                                  {"Result", "Output", "Arguments", "ItemsPath"},
		`"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "A"}]`: {"Parameters", "ResultPath", "ResultSelector", "Retry", "Output"},
		`"Type": "Wait", "Seconds": 1, "End": true`:                                       {"Parameters", "ResultPath", "ResultSelector", "Retry"},
		`"Type": "Succeed"`:                                                               {"Parameters", "ResultPath", "ResultSelector", "Assign"},
		`"Type": "Fail"`:                                                                  {"InputPath", "OutputPath", "Parameters", "ResultPath", "Assign"},
		`"Type": "Parallel", "Branches": [` + branch + `], "End": true`:                   {"Result", "ItemsPath", "Resource"},
		`"Type": "Map", "ItemProcessor": ` + branch + `, "End": true`:                     {"Result", "Branches", "Resource", "Items"},
	}
	for fields, names := range notAllowed {
		for _, name := range names {
			cases = append(cases, ruleCase{
				name: fmt.Sprintf("%s in %s", name, strings.Split(fields, ",")[0]),
				def:  machine(fmt.Sprintf(`"A": {%s, %q: {}}`, fields, name)),
				want: []string{schemaCode + "/States/A/" + name},
			})
		}
	}
	runRuleCases(t, Schema, cases)
}

// branch is a minimal nested state machine.
const branch = `{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}`

func TestSchemaTask(t *testing.T) {
	t.Parallel()
	task := func(fields string) string {
		return machine(`"A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "End": true` + fields + `}`)
	}
	runRuleCases(t, Schema, []ruleCase{
		{"URI resource", machine(`"A": {"Type": "Task", "Resource": "foo:bar", "End": true}`), nil},
		{"missing Resource", machine(`"A": {"Type": "Task", "End": true}`), []string{schemaCode + "/States/A"}},
		{"Resource not a URI", machine(`"A": {"Type": "Task", "Resource": "lambda", "End": true}`),
			[]string{schemaCode + "/States/A/Resource"}},
		{"timeouts", task(`, "TimeoutSeconds": 10, "HeartbeatSeconds": 5`), nil},
		{"zero TimeoutSeconds", task(`, "TimeoutSeconds": 0`), []string{schemaCode + "/States/A/TimeoutSeconds"}},
		{"fractional HeartbeatSeconds", task(`, "HeartbeatSeconds": 1.5`), []string{schemaCode + "/States/A/HeartbeatSeconds"}},
		{"TimeoutSeconds and TimeoutSecondsPath", task(`, "TimeoutSeconds": 10, "TimeoutSecondsPath": "$.t"`),
			[]string{schemaCode + "/States/A"}},
		{"HeartbeatSeconds and HeartbeatSecondsPath", task(`, "HeartbeatSeconds": 10, "HeartbeatSecondsPath": "$.t"`),
			[]string{schemaCode + "/States/A"}},
		{"Credentials string", task(`, "Credentials": "arn"`), []string{schemaCode + "/States/A/Credentials"}},
		{"Parameters array", task(`, "Parameters": [1]`), []string{schemaCode + "/States/A/Parameters"}},
		{"ResultPath number", task(`, "ResultPath": 1`), []string{schemaCode + "/States/A/ResultPath"}},
	})
}

func TestSchemaRetryCatch(t *testing.T) {
	t.Parallel()
	withRetry := func(retrier string) string {
		return machine(`"A": {"Type": "Task", "Resource": "a:b", "End": true, "Retry": [` + retrier + `]}`)
	}
	withCatch := func(catcher string) string {
		return machine(`"A": {"Type": "Task", "Resource": "a:b", "End": true, "Catch": [` + catcher + `]}, "B": {"Type": "Succeed"}`)
	}
	runRuleCases(t, Schema, []ruleCase{
		{"full retrier", withRetry(`{"ErrorEquals": ["E"], "IntervalSeconds": 2, "MaxAttempts": 0, "BackoffRate": 1,
			"MaxDelaySeconds": 10, "JitterStrategy": "FULL", "Comment": "c"}`), nil},
		{"integer BackoffRate", withRetry(`{"ErrorEquals": ["E"], "BackoffRate": 3}`), nil},
		{"BackoffRate below 1", withRetry(`{"ErrorEquals": ["E"], "BackoffRate": 0.5}`),
			[]string{schemaCode + "/States/A/Retry/0/BackoffRate"}},
		{"bad JitterStrategy", withRetry(`{"ErrorEquals": ["E"], "JitterStrategy": "PARTIAL"}`),
			[]string{schemaCode + "/States/A/Retry/0/JitterStrategy"}},
		{"negative MaxAttempts", withRetry(`{"ErrorEquals": ["E"], "MaxAttempts": -1}`),
			[]string{schemaCode + "/States/A/Retry/0/MaxAttempts"}},
		{"zero IntervalSeconds", withRetry(`{"ErrorEquals": ["E"], "IntervalSeconds": 0}`),
			[]string{schemaCode + "/States/A/Retry/0/IntervalSeconds"}},
		{"zero MaxDelaySeconds", withRetry(`{"ErrorEquals": ["E"], "MaxDelaySeconds": 0}`),
			[]string{schemaCode + "/States/A/Retry/0/MaxDelaySeconds"}},
		{"empty ErrorEquals", withRetry(`{"ErrorEquals": []}`), []string{schemaCode + "/States/A/Retry/0/ErrorEquals"}},
		{"missing ErrorEquals", withRetry(`{"MaxAttempts": 1}`), []string{schemaCode + "/States/A/Retry/0"}},
		{"non-string error", withRetry(`{"ErrorEquals": [true]}`), []string{schemaCode + "/States/A/Retry/0/ErrorEquals/0"}},
		{"unknown retrier field", withRetry(`{"ErrorEquals": ["E"], "Next": "B"}`), []string{schemaCode + "/States/A/Retry/0/Next"}},
		{"full catcher", withCatch(`{"ErrorEquals": ["E"], "Next": "B", "ResultPath": null, "Assign": {}, "Comment": "c"}`), nil},
		{"catcher without Next", withCatch(`{"ErrorEquals": ["E"]}`), []string{schemaCode + "/States/A/Catch/0"}},
		{"catcher with Output in JSONPath", withCatch(`{"ErrorEquals": ["E"], "Next": "B", "Output": 1}`),
			[]string{schemaCode + "/States/A/Catch/0/Output"}},
	})
}

func TestSchemaChoice(t *testing.T) {
	t.Parallel()
	choice := func(rules string) string {
		return machine(`"A": {"Type": "Choice", "Choices": [` + rules + `], "Default": "B"}, "B": {"Type": "Succeed"}`)
	}
	runRuleCases(t, Schema, []ruleCase{
		{"compound rules", choice(`{"And": [{"Variable": "$.a", "IsPresent": true}, {"Not": {"Variable": "$.b", "StringMatches": "x*"}}],
			"Next": "B", "Comment": "c", "Assign": {"x": 1}}, {"Or": [{"Variable": "$.a", "NumericEqualsPath": "$.b"}], "Next": "B"}`), nil},
		{"no Choices", machine(`"A": {"Type": "Choice"}`), []string{schemaCode + "/States/A"}},
		{"empty Choices", machine(`"A": {"Type": "Choice", "Choices": []}`), []string{schemaCode + "/States/A/Choices"}},
		{"rule without Next", choice(`{"Variable": "$.a", "IsNull": true}`), []string{schemaCode + "/States/A/Choices/0"}},
		{"rule with End", choice(`{"Variable": "$.a", "IsNull": true, "Next": "B", "End": true}`),
			[]string{schemaCode + "/States/A/Choices/0/End"}},
		{"nested rule with Next", choice(`{"Not": {"Variable": "$.a", "IsNull": true, "Next": "B"}, "Next": "B"}`),
			[]string{schemaCode + "/States/A/Choices/0/Not"}},
		{"two operators", choice(`{"Variable": "$.a", "IsNull": true, "IsString": true, "Next": "B"}`),
			[]string{schemaCode + "/States/A/Choices/0"}},
		{"no operator", choice(`{"Variable": "$.a", "Next": "B"}`), []string{schemaCode + "/States/A/Choices/0"}},
		{"comparison without Variable", choice(`{"StringEquals": "x", "Next": "B"}`), []string{schemaCode + "/States/A/Choices/0"}},
		{"And with Variable", choice(`{"Variable": "$.a", "And": [{"Variable": "$.a", "IsNull": true}], "Next": "B"}`),
			[]string{schemaCode + "/States/A/Choices/0"}},
		{"empty And", choice(`{"And": [], "Next": "B"}`), []string{schemaCode + "/States/A/Choices/0/And"}},
		{"unknown operator", choice(`{"Variable": "$.a", "StringContains": "x", "Next": "B"}`),
			[]string{schemaCode + "/States/A/Choices/0", schemaCode + "/States/A/Choices/0/StringContains"}},
		{"JSONata Condition in JSONPath", choice(`{"Condition": "{% true %}", "Next": "B"}`),
			[]string{schemaCode + "/States/A/Choices/0", schemaCode + "/States/A/Choices/0", schemaCode + "/States/A/Choices/0/Condition"}},
	})
}

// operandTypes maps each comparison operator to a valid and an invalid
// operand.
var operandTypes = map[string][2]string{
	"String": {`"x"`, `1`}, "Numeric": {`1.5`, `"1"`}, "Timestamp": {`"2020-01-01T00:00:00Z"`, `1`},
}

func TestSchemaChoiceOperators(t *testing.T) {
	t.Parallel()
	var cases []ruleCase
	rule := func(op, operand string) string {
		return machine(fmt.Sprintf(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.v", %q: %s, "Next": "B"}]}, "B": {"Type": "Succeed"}`, op, operand))
	}
	for prefix, operands := range operandTypes {
		for _, cmp := range []string{"Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"} {
			op := prefix + cmp
			cases = append(cases,
				ruleCase{op, rule(op, operands[0]), nil},
				ruleCase{op + " wrong type", rule(op, operands[1]), []string{schemaCode + "/States/A/Choices/0/" + op}},
				ruleCase{op + "Path", rule(op+"Path", `"$.w"`), nil},
				ruleCase{op + "Path wrong type", rule(op+"Path", `1`), []string{schemaCode + "/States/A/Choices/0/" + op + "Path"}},
			)
		}
	}
	booleans := []string{"BooleanEquals", "IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"}
	for _, op := range booleans {
		cases = append(cases,
			ruleCase{op, rule(op, `true`), nil},
			ruleCase{op + " wrong type", rule(op, `"true"`), []string{schemaCode + "/States/A/Choices/0/" + op}},
		)
	}
	cases = append(cases,
		ruleCase{"BooleanEqualsPath", rule("BooleanEqualsPath", `"$.w"`), nil},
		ruleCase{"StringMatches", rule("StringMatches", `"a*"`), nil},
	)
	runRuleCases(t, Schema, cases)
}

func TestSchemaWaitFail(t *testing.T) {
	t.Parallel()
	wait := func(fields string) string { return machine(`"A": {"Type": "Wait", "End": true` + fields + `}`) }
	runRuleCases(t, Schema, []ruleCase{
		{"Seconds", wait(`, "Seconds": 0`), nil},
		{"Timestamp", wait(`, "Timestamp": "2020-01-01T00:00:00Z"`), nil},
		{"SecondsPath", wait(`, "SecondsPath": "$.s"`), nil},
		{"TimestampPath", wait(`, "TimestampPath": "$.t"`), nil},
		{"no duration", wait(``), []string{schemaCode + "/States/A"}},
		{"two durations", wait(`, "Seconds": 1, "TimestampPath": "$.t"`), []string{schemaCode + "/States/A"}},
		{"negative Seconds", wait(`, "Seconds": -1`), []string{schemaCode + "/States/A/Seconds"}},
		{"JSONata Seconds in JSONPath", wait(`, "Seconds": "{% 1 %}"`), []string{schemaCode + "/States/A/Seconds"}},
		{"Fail with Error and Cause", machine(`"A": {"Type": "Fail", "Error": "E", "Cause": "C"}`), nil},
		{"Fail with Error and ErrorPath", machine(`"A": {"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}`),
			[]string{schemaCode + "/States/A"}},
		{"Fail with Cause and CausePath", machine(`"A": {"Type": "Fail", "Cause": "C", "CausePath": "$.c"}`),
			[]string{schemaCode + "/States/A"}},
		{"Fail Error number", machine(`"A": {"Type": "Fail", "Error": 1}`), []string{schemaCode + "/States/A/Error"}},
	})
}

func TestSchemaParallelMap(t *testing.T) {
	t.Parallel()
	mapState := func(fields string) string { return machine(`"A": {"Type": "Map", "End": true` + fields + `}`) }
	runRuleCases(t, Schema, []ruleCase{
		{"Parallel", machine(`"A": {"Type": "Parallel", "Branches": [` + branch + `], "End": true}`), nil},
		{"Parallel without Branches", machine(`"A": {"Type": "Parallel", "End": true}`), []string{schemaCode + "/States/A"}},
		{"Parallel with empty Branches", machine(`"A": {"Type": "Parallel", "Branches": [], "End": true}`),
			[]string{schemaCode + "/States/A/Branches"}},
		{"branch with unknown field", machine(`"A": {"Type": "Parallel", "End": true,
			"Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}, "Foo": 1}]}`),
			[]string{schemaCode + "/States/A/Branches/0/Foo"}},
		{"branch state checked", machine(`"A": {"Type": "Parallel", "End": true,
			"Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass"}}}]}`),
			[]string{schemaCode + "/States/A/Branches/0/States/B"}},
		{"Map with ItemProcessor", mapState(`, "ItemsPath": "$.items", "ItemSelector": {"a.$": "$"}, "MaxConcurrency": 0,
			"ToleratedFailureCount": 1, "ToleratedFailurePercentage": 50.5, "Label": "L", "ResultSelector": {},
			"ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "B",
			"States": {"B": {"Type": "Succeed"}}}`), nil},
		{"Map with Iterator", mapState(`, "Parameters": {}, "Iterator": ` + branch), nil},
		{"Map with both processors", mapState(`, "Iterator": ` + branch + `, "ItemProcessor": ` + branch),
			[]string{schemaCode + "/States/A"}},
		{"Map without processor", mapState(``), []string{schemaCode + "/States/A"}},
		{"Map with Parameters and ItemSelector", mapState(`, "Parameters": {}, "ItemSelector": {}, "Iterator": ` + branch),
			[]string{schemaCode + "/States/A"}},
		{"bad Mode", mapState(`, "ItemProcessor": {"ProcessorConfig": {"Mode": "PARALLEL"}, "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}`),
			[]string{schemaCode + "/States/A/ItemProcessor/ProcessorConfig/Mode"}},
		{"percentage above 100", mapState(`, "ToleratedFailurePercentage": 101, "Iterator": ` + branch),
			[]string{schemaCode + "/States/A/ToleratedFailurePercentage"}},
		{"negative MaxConcurrency", mapState(`, "MaxConcurrency": -1, "Iterator": ` + branch),
			[]string{schemaCode + "/States/A/MaxConcurrency"}},
		{"MaxConcurrency and MaxConcurrencyPath", mapState(`, "MaxConcurrency": 1, "MaxConcurrencyPath": "$.m", "Iterator": ` + branch),
			[]string{schemaCode + "/States/A"}},
		{"ToleratedFailurePercentage and Path", mapState(`, "ToleratedFailurePercentage": 1, "ToleratedFailurePercentagePath": "$.m", "Iterator": ` + branch),
			[]string{schemaCode + "/States/A"}},
		{"ItemsPath null", mapState(`, "ItemsPath": null, "Iterator": ` + branch), []string{schemaCode + "/States/A/ItemsPath"}},
		{"long Label", mapState(`, "Label": "` + strings.Repeat("x", 41) + `", "Iterator": ` + branch),
			[]string{schemaCode + "/States/A/Label"}},
		{"distributed map fields", mapState(`, "ItemProcessor": ` + branch + `,
			"ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b"},
				"ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a"], "MaxItemsPath": "$.m"}},
			"ItemBatcher": {"MaxItemsPerBatch": 10, "MaxInputBytesPerBatchPath": "$.b", "BatchInput": {"k": 1}},
			"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Parameters": {},
				"WriterConfig": {"OutputType": "JSONL", "Transformation": "COMPACT"}}`), nil},
		{"ItemReader without Resource", mapState(`, "ItemProcessor": ` + branch + `, "ItemReader": {"Parameters": {}}`),
			[]string{schemaCode + "/States/A/ItemReader"}},
		{"bad InputType", mapState(`, "ItemProcessor": ` + branch + `, "ItemReader": {"Resource": "a:b", "ReaderConfig": {"InputType": "XML"}}`),
			[]string{schemaCode + "/States/A/ItemReader/ReaderConfig/InputType"}},
		{"MaxItems and MaxItemsPath", mapState(`, "ItemProcessor": ` + branch + `, "ItemReader": {"Resource": "a:b", "ReaderConfig": {"MaxItems": 1, "MaxItemsPath": "$.m"}}`),
			[]string{schemaCode + "/States/A/ItemReader/ReaderConfig"}},
		{"batcher pairs", mapState(`, "ItemProcessor": ` + branch + `, "ItemBatcher": {"MaxItemsPerBatch": 1, "MaxItemsPerBatchPath": "$.m"}`),
			[]string{schemaCode + "/States/A/ItemBatcher"}},
		{"bad WriterConfig", mapState(`, "ItemProcessor": ` + branch + `, "ResultWriter": {"WriterConfig": {"OutputType": "CSV"}}`),
			[]string{schemaCode + "/States/A/ResultWriter/WriterConfig/OutputType"}},
	})
}

// jsonPathCode prefixes the expected diagnostics for JSONPath-only fields
// in JSONata states.
const jsonPathCode = CodeJSONPathInJSONata + " "

func TestSchemaJSONata(t *testing.T) {
	t.Parallel()
	runRuleCases(t, Schema, []ruleCase{
		{"every state type", jsonataMachine(`
			"A": {"Type": "Pass", "Output": {"a": "{% 1 %}"}, "Assign": {"v": 1}, "Next": "T"},
			"T": {"Type": "Task", "Resource": "a:b", "Arguments": "{% $states.input %}", "Output": 1,
				"TimeoutSeconds": "{% 10 %}", "HeartbeatSeconds": 5, "Credentials": {"RoleArn": "r"},
				"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "C", "Output": "{% $states.errorOutput %}", "Assign": {}}], "Next": "C"},
			"C": {"Type": "Choice", "Choices": [{"Condition": "{% true %}", "Next": "W", "Output": 1, "Assign": {}}, {"Condition": false, "Next": "W"}],
				"Default": "W", "Output": 1, "Assign": {}},
			"W": {"Type": "Wait", "Seconds": "{% 1 %}", "Output": 1, "Next": "W2"},
			"W2": {"Type": "Wait", "Timestamp": "{% $t %}", "Next": "P"},
			"P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Output": 1, "End": true}}}],
				"Arguments": {}, "Output": 1, "Next": "M"},
			"M": {"Type": "Map", "Items": "{% [1, 2] %}", "ItemSelector": "{% $states.context.Map.Item %}", "MaxConcurrency": "{% 2 %}",
				"ToleratedFailureCount": "{% 0 %}", "ToleratedFailurePercentage": 5, "ItemProcessor": ` + branch + `,
				"ItemReader": {"Resource": "a:b", "Arguments": {}, "ReaderConfig": {"MaxItems": "{% 1 %}"}},
				"ItemBatcher": {"MaxItemsPerBatch": "{% 1 %}"}, "ResultWriter": {"Resource": "a:b", "Arguments": {}}, "Next": "F"},
			"F": {"Type": "Fail", "Error": "{% 'E' %}", "Cause": "c"},
			"S": {"Type": "Succeed", "Output": 1}`), nil},
		{"state-level JSONata in a JSONPath machine", machine(`"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": 1, "End": true}`), nil},
		{"JSONPath fields in JSONata", jsonataMachine(`"A": {"Type": "Pass", "Parameters": {}, "ResultPath": "$.r", "InputPath": "$", "End": true}`),
			[]string{jsonPathCode + "/States/A/Parameters", jsonPathCode + "/States/A/ResultPath", jsonPathCode + "/States/A/InputPath"}},
		{"ResultSelector in JSONata Task", jsonataMachine(`"A": {"Type": "Task", "Resource": "a:b", "ResultSelector": {}, "End": true}`),
			[]string{jsonPathCode + "/States/A/ResultSelector"}},
		{"TimeoutSeconds not an expression", jsonataMachine(`"A": {"Type": "Task", "Resource": "a:b", "TimeoutSeconds": "10", "End": true}`),
			[]string{schemaCode + "/States/A/TimeoutSeconds"}},
		{"Seconds not an expression", jsonataMachine(`"A": {"Type": "Wait", "Seconds": "$.s", "End": true}`),
			[]string{schemaCode + "/States/A/Seconds"}},
		{"SecondsPath in JSONata", jsonataMachine(`"A": {"Type": "Wait", "SecondsPath": "$.s", "End": true}`),
			[]string{schemaCode + "/States/A", jsonPathCode + "/States/A/SecondsPath"}},
		{"Variable rule in JSONata", jsonataMachine(`"A": {"Type": "Choice", "Choices": [{"Variable": "$.a", "IsNull": true, "Next": "A"}]}`),
			[]string{schemaCode + "/States/A/Choices/0", jsonPathCode + "/States/A/Choices/0/Variable", schemaCode + "/States/A/Choices/0/IsNull"}},
		{"Items and ItemsPath", jsonataMachine(`"A": {"Type": "Map", "Items": [1], "ItemsPath": "$.x", "ItemProcessor": ` + branch + `, "End": true}`),
			[]string{jsonPathCode + "/States/A/ItemsPath"}},
		{"Iterator in JSONata", jsonataMachine(`"A": {"Type": "Map", "Iterator": ` + branch + `, "End": true}`),
			[]string{schemaCode + "/States/A", schemaCode + "/States/A/Iterator"}},
		{"ErrorPath in JSONata", jsonataMachine(`"A": {"Type": "Fail", "ErrorPath": "$.e"}`), []string{jsonPathCode + "/States/A/ErrorPath"}},
		{"Items object", jsonataMachine(`"A": {"Type": "Map", "Items": {}, "ItemProcessor": ` + branch + `, "End": true}`),
			[]string{schemaCode + "/States/A/Items"}},
		{"branches inherit JSONata", machine(`"A": {"Type": "Parallel", "QueryLanguage": "JSONata", "End": true,
			"Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Parameters": {}, "End": true}}}]}`),
			[]string{jsonPathCode + "/States/A/Branches/0/States/B/Parameters"}},
		{"JSONPath override inside JSONata", jsonataMachine(`"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "Parameters": {}, "End": true}`), nil},
	})
}

func TestSchemaMessages(t *testing.T) {
	t.Parallel()
	def := jsonvalue.MustDecode(machine(`"A": {"Type": "Pass", "bugInputPath": "$", "End": true},
		"B": {"Type": "Task", "Resource": "a:b", "TimeoutSeconds": 1, "TimeoutSecondsPath": "$.t", "End": true},
		"C": {"Type": "Task", "End": true, "Retry": [{"ErrorEquals": ["E"], "BackoffRate": 0.5}]}`))
	msgs := map[string]string{}
	for _, d := range Schema(def) {
		msgs[d.Pointer] = d.Message
	}
	require.Equal(t, map[string]string{
		"/States/A/bugInputPath":        `state "A": field "bugInputPath" is not allowed in a Pass state`,
		"/States/B":                     `state "B": "TimeoutSeconds" and "TimeoutSecondsPath" are mutually exclusive`,
		"/States/C":                     `state "C": missing required field "Resource" in a Task state`,
		"/States/C/Retry/0/BackoffRate": `state "C", field Retry[0].BackoffRate: must be >= 1 but found 0.5`,
	}, msgs)
}

func TestSchemaSpecialNames(t *testing.T) {
	t.Parallel()
	def := jsonvalue.MustDecode(machine(`"A b/c~d": {"Type": "Pass", "Foo": 1, "End": true}`))
	ds := Schema(def)
	require.Len(t, ds, 1)
	require.Equal(t, "/States/A b~1c~0d/Foo", ds[0].Pointer)
	require.Contains(t, ds[0].Message, `state "A b/c~d"`)
}
