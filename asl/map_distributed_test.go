package asl_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

// distributedMap is a distributed Map state with the fields extra (ending
// in a comma) in query language lang.
func distributedMap(lang, extra string) string {
	return `{"QueryLanguage":"` + lang + `","StartAt":"S","States":{"S":{"Type":"Map",` + extra +
		`"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
}

// enterMap parses def and enters its state S on input, with the execution
// input input too.
func enterMap(t *testing.T, def, input string) asl.Decision {
	t.Helper()
	m, err := asl.Parse([]byte(def))
	require.NoError(t, err)
	in, err := asl.DecodeJSON([]byte(input))
	require.NoError(t, err)
	return m.Enter("S", in, &asl.Context{StateName: "S", Execution: asl.ExecutionInfo{Input: in}})
}

// TestDistributedMapArgs checks that a KindMap decision carries the
// ItemReader, ItemBatcher and ResultWriter evaluated on the state's input,
// in both query languages, from literals, paths and expressions.
func TestDistributedMapArgs(t *testing.T) {
	t.Parallel()
	const reader = `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject",`
	tests := []struct {
		name, lang, extra, input string
		reader                   *asl.ReaderArgs
		batcher                  *asl.BatcherArgs
		writer                   map[string]any
	}{
		{"JSONPath reader with literal MaxItems", asl.JSONPath,
			reader + `"Parameters":{"Bucket":"b","Key.$":"$.key"},"ReaderConfig":{"InputType":"JSON","MaxItems":5}},`,
			`{"key":"k.json"}`, &asl.ReaderArgs{Parameters: map[string]any{"Bucket": "b", "Key": "k.json"}, MaxItems: 5}, nil, nil},
		{"JSONPath reader after InputPath, with MaxItemsPath, context and intrinsic", asl.JSONPath,
			`"InputPath":"$.in",` + reader + `"Parameters":{"Bucket.$":"$$.Execution.Input.bucket","Key.$":"States.Format('{}.csv', $.name)"},"ReaderConfig":{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW","MaxItemsPath":"$.max"}},`,
			`{"bucket":"b","in":{"name":"n","max":"7"}}`, &asl.ReaderArgs{Parameters: map[string]any{"Bucket": "b", "Key": "n.csv"}, MaxItems: 7}, nil, nil},
		{"JSONPath reader without parameters or config", asl.JSONPath,
			reader + `"ReaderConfig":{"InputType":"MANIFEST"}},`, `5`, &asl.ReaderArgs{}, nil, nil},
		{"JSONPath literal batcher and writer", asl.JSONPath,
			`"ItemBatcher":{"MaxItemsPerBatch":10,"MaxInputBytesPerBatch":2048,"BatchInput":{"k":1}},"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"out","Prefix":"p"}},`,
			`[1]`, nil, &asl.BatcherArgs{MaxItemsPerBatch: 10, MaxInputBytesPerBatch: 2048, BatchInput: map[string]any{"k": int64(1)}}, map[string]any{"Bucket": "out", "Prefix": "p"}},
		{"JSONPath batcher paths and templates", asl.JSONPath,
			`"ItemsPath":"$.l","ItemBatcher":{"MaxItemsPerBatchPath":"$.n","MaxInputBytesPerBatchPath":"$.bytes","BatchInput":{"k.$":"$.k"}},"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket.$":"$.out"}},`,
			`{"l":[1],"n":3,"bytes":100,"k":"v","out":"o"}`, nil, &asl.BatcherArgs{MaxItemsPerBatch: 3, MaxInputBytesPerBatch: 100, BatchInput: map[string]any{"k": "v"}}, map[string]any{"Bucket": "o"}},
		{"JSONPath batcher with one bound", asl.JSONPath, `"ItemBatcher":{"MaxInputBytesPerBatch":64},`,
			`[1]`, nil, &asl.BatcherArgs{MaxInputBytesPerBatch: 64}, nil},
		{"JSONPath writer without parameters", asl.JSONPath, `"ResultWriter":{"WriterConfig":{"OutputType":"JSONL"}},`,
			`[1]`, nil, nil, nil},
		{"JSONata literal reader", asl.JSONata,
			reader + `"Arguments":{"Bucket":"b","Key":"k"},"ReaderConfig":{"InputType":"JSON","MaxItems":2}},`,
			`{}`, &asl.ReaderArgs{Parameters: map[string]any{"Bucket": "b", "Key": "k"}, MaxItems: 2}, nil, nil},
		{"JSONata reader expressions", asl.JSONata,
			reader + `"Arguments":{"Bucket":"{% $states.input.bucket %}","Key":"{% $states.context.Execution.Input.key %}"},"ReaderConfig":{"InputType":"JSON","MaxItems":"{% $states.input.max %}"}},`,
			`{"bucket":"b","key":"k","max":4}`, &asl.ReaderArgs{Parameters: map[string]any{"Bucket": "b", "Key": "k"}, MaxItems: 4}, nil, nil},
		{"JSONata reader Arguments as one expression", asl.JSONata,
			reader + `"Arguments":"{% $states.input.args %}"},`,
			`{"args":{"Bucket":"b"}}`, &asl.ReaderArgs{Parameters: map[string]any{"Bucket": "b"}}, nil, nil},
		{"JSONata literal batcher", asl.JSONata,
			`"Items":[1],"ItemBatcher":{"MaxItemsPerBatch":2,"MaxInputBytesPerBatch":512,"BatchInput":{"k":1}},`,
			`{}`, nil, &asl.BatcherArgs{MaxItemsPerBatch: 2, MaxInputBytesPerBatch: 512, BatchInput: map[string]any{"k": int64(1)}}, nil},
		{"JSONata batcher and writer expressions", asl.JSONata,
			`"Items":[1],"ItemBatcher":{"MaxItemsPerBatch":"{% $states.input.n %}","MaxInputBytesPerBatch":"{% $states.input.n * 100 %}","BatchInput":{"k":"{% $states.input.k %}"}},"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Arguments":{"Bucket":"{% $states.input.out %}","Prefix":"p"}},`,
			`{"n":3,"k":"v","out":"o"}`, nil, &asl.BatcherArgs{MaxItemsPerBatch: 3, MaxInputBytesPerBatch: 300, BatchInput: map[string]any{"k": "v"}}, map[string]any{"Bucket": "o", "Prefix": "p"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := enterMap(t, distributedMap(tt.lang, tt.extra), tt.input)
			require.Equal(t, asl.KindMap, d.Kind, "error: %v", d.Error)
			require.Equal(t, tt.reader, d.Map.Reader)
			require.Equal(t, tt.batcher, d.Map.Batcher)
			require.Equal(t, tt.writer, d.Map.WriterParameters)
			if tt.reader != nil {
				require.Nil(t, d.Map.Items, "the items come from the reader")
			} else {
				require.Equal(t, []any{int64(1)}, d.Map.Items)
			}
			require.Nil(t, d.Map.Err)
		})
	}
}

// TestDistributedMapArgErrors checks that a bad value for one of the
// fields fails the state with AWS's error name and a cause naming the
// field, and that Catch handles it like any Map error.
func TestDistributedMapArgErrors(t *testing.T) {
	t.Parallel()
	const reader = `"ItemReader":{"Resource":"arn:aws:states:::s3:getObject",`
	tests := []struct {
		name, lang, extra, input, err, cause string
	}{
		{"MaxItemsPath not an integer", asl.JSONPath, reader + `"ReaderConfig":{"MaxItemsPath":"$.x"}},`, `{"x":"many"}`,
			asl.ErrorRuntime, `The MaxItemsPath field refers to value "many" which is not a valid integer: $.x`},
		{"MaxItemsPath negative", asl.JSONPath, reader + `"ReaderConfig":{"MaxItemsPath":"$.x"}},`, `{"x":-1}`,
			asl.ErrorRuntime, `The MaxItemsPath field refers to value "-1" which is not a valid integer: $.x`},
		{"MaxItemsPerBatchPath zero", asl.JSONPath, `"ItemsPath":"$.l","ItemBatcher":{"MaxItemsPerBatchPath":"$.x"},`, `{"l":[],"x":0}`,
			asl.ErrorRuntime, `The MaxItemsPerBatchPath field refers to value "0" which is not a valid positive integer: $.x`},
		{"MaxInputBytesPerBatchPath missing", asl.JSONPath, `"ItemsPath":"$.l","ItemBatcher":{"MaxInputBytesPerBatchPath":"$.x"},`, `{"l":[]}`,
			asl.ErrorRuntime, `Invalid path '$.x' : No results for path: $['x']`},
		{"reader Parameters path missing", asl.JSONPath, reader + `"Parameters":{"Bucket.$":"$.b"}},`, `{}`,
			asl.ErrorRuntime, `The JSONPath '$.b' specified for the field 'Bucket.$' could not be found in the input '{}'`},
		{"writer Parameters path missing", asl.JSONPath, `"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket.$":"$.b"}},`, `[]`,
			asl.ErrorRuntime, `The JSONPath '$.b' specified for the field 'Bucket.$' could not be found in the input '[]'`},
		{"JSONata MaxItems not an integer", asl.JSONata, reader + `"ReaderConfig":{"MaxItems":"{% 'x' %}"}},`, `{}`,
			asl.ErrorQueryEvaluationError, `The JSONata expression ''x'' specified for the field 'MaxItems' returned an unexpected result type. Expected 'integer', but was 'string' for value: "x"`},
		{"JSONata MaxItemsPerBatch zero", asl.JSONata, `"ItemBatcher":{"MaxItemsPerBatch":"{% 0 %}"},`, `[]`,
			asl.ErrorQueryEvaluationError, `The JSONata expression '0' specified for the field 'MaxItemsPerBatch' returned an unexpected result type. Expected 'positive integer', but was 'number' for value: 0`},
		{"JSONata Arguments not an object", asl.JSONata, reader + `"Arguments":"{% 1 %}"},`, `{}`,
			asl.ErrorQueryEvaluationError, `The JSONata expression '1' specified for the field 'Arguments' returned an unexpected result type. Expected 'object', but was 'number' for value: 1`},
		{"JSONata BatchInput undefined", asl.JSONata, `"ItemBatcher":{"BatchInput":{"k":"{% $states.input.none %}"}},`, `[]`,
			asl.ErrorQueryEvaluationError, `The JSONata expression '$states.input.none' specified for the field 'BatchInput/k' returned nothing (undefined).`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := enterMap(t, distributedMap(tt.lang, tt.extra), tt.input)
			require.Equal(t, asl.KindFail, d.Kind)
			require.Equal(t, tt.err, d.Error.Name, d.Error.Cause)
			require.Contains(t, d.Error.Cause, "An error occurred while executing the state 'S'")
			require.Contains(t, d.Error.Cause, tt.cause)
		})
	}
	// A States.Runtime error is never caught; a JSONata one is.
	def := `{"QueryLanguage":"JSONata","StartAt":"S","States":{"S":{"Type":"Map","Catch":[{"ErrorEquals":["States.QueryEvaluationError"],"Next":"C"}],"Items":[1],` +
		`"ItemBatcher":{"MaxItemsPerBatch":"{% $states.input.x %}"},` +
		`"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"},"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true},"C":{"Type":"Succeed"}}}`
	d := enterMap(t, def, `{"x":"y"}`)
	require.Equal(t, asl.KindNext, d.Kind, "error: %v", d.Error)
	require.Equal(t, "C", d.Next)
	require.Equal(t, asl.ErrorQueryEvaluationError, d.Caught.Name)
	require.Contains(t, d.Caught.Cause, "'MaxItemsPerBatch'")
}

// TestDistributedMapParseErrors checks that bad ItemReader, ItemBatcher
// and ResultWriter fields fail at parse time with their location.
func TestDistributedMapParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, lang, extra, pointer, code string
	}{
		{"bad Parameters path", asl.JSONPath, `"ItemReader":{"Resource":"r:x","Parameters":{"Key.$":"$.["}},`, "/States/S/ItemReader/Parameters/Key.$", ""},
		{"bad intrinsic in BatchInput", asl.JSONPath, `"ItemBatcher":{"BatchInput":{"k.$":"States.Nope("}},`, "/States/S/ItemBatcher/BatchInput/k.$", ""},
		{"ResultWriter Parameters not an object", asl.JSONPath, `"ResultWriter":{"Parameters":[1]},`, "/States/S/ResultWriter/Parameters", ""},
		{"bad MaxItemsPath", asl.JSONPath, `"ItemReader":{"Resource":"r:x","ReaderConfig":{"MaxItemsPath":"x"}},`, "/States/S/ItemReader/ReaderConfig/MaxItemsPath", ""},
		{"negative MaxItems", asl.JSONPath, `"ItemReader":{"Resource":"r:x","ReaderConfig":{"MaxItems":-1}},`, "/States/S/ItemReader/ReaderConfig/MaxItems", ""},
		{"zero MaxItemsPerBatch", asl.JSONPath, `"ItemBatcher":{"MaxItemsPerBatch":0},`, "/States/S/ItemBatcher/MaxItemsPerBatch", ""},
		{"ItemBatcher not an object", asl.JSONPath, `"ItemBatcher":5,`, "/States/S/ItemBatcher", ""},
		{"Arguments in a JSONPath reader", asl.JSONPath, `"ItemReader":{"Resource":"r:x","Arguments":{}},`, "/States/S/ItemReader/Arguments", asl.CodeJSONataField},
		{"bad JSONata in Arguments", asl.JSONata, `"ItemReader":{"Resource":"r:x","Arguments":{"Key":"{% (1 %}"}},`, "/States/S/ItemReader/Arguments/Key", asl.CodeInvalidJSONata},
		{"bad JSONata MaxItems", asl.JSONata, `"ItemReader":{"Resource":"r:x","ReaderConfig":{"MaxItems":"{% ) %}"}},`, "/States/S/ItemReader/ReaderConfig/MaxItems", asl.CodeInvalidJSONata},
		{"literal Arguments not an object", asl.JSONata, `"ResultWriter":{"Arguments":"b"},`, "/States/S/ResultWriter/Arguments", ""},
		{"MaxItemsPerBatchPath in a JSONata batcher", asl.JSONata, `"ItemBatcher":{"MaxItemsPerBatchPath":"$.x"},`, "/States/S/ItemBatcher/MaxItemsPerBatchPath", asl.CodeJSONPathField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := asl.Parse([]byte(distributedMap(tt.lang, tt.extra)))
			var pe *asl.ParseError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tt.pointer, pe.Pointer, pe.Message)
			require.Equal(t, tt.code, pe.Code, pe.Message)
		})
	}
}
