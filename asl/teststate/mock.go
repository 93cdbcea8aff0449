package teststate

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
)

// shape is the documented result of a resource: the JSON type of each
// field it may hold, and the fields it always holds.
type shape struct {
	fields   map[string]string
	required []string
}

// shapes are the results of the request-response integrations whose
// output AWS documents, by resource after arn:aws:states:::.
var shapes = map[string]shape{
	"lambda:invoke": {fields: map[string]string{"StatusCode": "number", "ExecutedVersion": "string",
		"FunctionError": "string", "LogResult": "string"}, required: []string{"StatusCode"}},
	"http:invoke": {fields: map[string]string{"StatusCode": "number", "StatusText": "string", "Headers": "object"},
		required: []string{"StatusCode", "StatusText"}},
	"sns:publish":      {fields: map[string]string{"MessageId": "string", "SequenceNumber": "string"}, required: []string{"MessageId"}},
	"sqs:sendMessage":  {fields: map[string]string{"MessageId": "string", "MD5OfMessageBody": "string", "SequenceNumber": "string"}, required: []string{"MessageId", "MD5OfMessageBody"}},
	"dynamodb:getItem": {fields: map[string]string{"Item": "object", "ConsumedCapacity": "object"}},
	"dynamodb:putItem": {fields: map[string]string{"Attributes": "object", "ConsumedCapacity": "object", "ItemCollectionMetrics": "object"}},
	"states:startExecution": {fields: map[string]string{"ExecutionArn": "string", "StartDate": "string"},
		required: []string{"ExecutionArn", "StartDate"}},
}

// statesPrefix starts the resource of AWS's integrations.
const statesPrefix = "arn:aws:states:::"

// validateResult checks a mocked result against what the state returns:
// an array for Parallel and Map states; for a Task of an integration in
// shapes, an object whose fields have their documented types (and, when
// strict, hold the required ones). Other Tasks' results are not checked.
func validateResult(st asl.State, result any, strict bool) error {
	switch s := st.(type) {
	case *asl.Parallel, *asl.Map:
		if _, ok := result.([]any); !ok {
			return fmt.Errorf("a %s state's result is an array, not %s", typeOf(st), asl.JSONType(result))
		}
		return nil
	case *asl.Task:
		sh, ok := shapes[strings.TrimPrefix(s.Resource, statesPrefix)]
		if !ok || !strings.HasPrefix(s.Resource, statesPrefix) {
			return nil
		}
		return sh.check(result, strict)
	}
	return nil
}

// check reports the first way result breaks the shape.
func (sh shape) check(result any, strict bool) error {
	obj, ok := result.(map[string]any)
	if !ok {
		return fmt.Errorf("the result is an object, not %s", asl.JSONType(result))
	}
	for _, k := range slices.Sorted(maps.Keys(sh.fields)) {
		v, present := obj[k]
		if present && asl.JSONType(v) != sh.fields[k] {
			return fmt.Errorf("field %s is a %s, not a %s", k, asl.JSONType(v), sh.fields[k])
		}
	}
	if !strict {
		return nil
	}
	for _, k := range sh.required {
		if _, present := obj[k]; !present {
			return fmt.Errorf("required field %s is missing", k)
		}
	}
	return nil
}
