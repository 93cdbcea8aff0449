package itemio_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/itemio"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	v, err := asl.DecodeJSON([]byte(s))
	require.NoError(t, err)
	return v
}

func TestParseReader(t *testing.T) {
	t.Parallel()
	c, err := itemio.ParseReader(decode(t, `{
		"Resource": "arn:aws:states:::s3:getObject",
		"ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a", "b"], "CSVDelimiter": "PIPE", "MaxItems": 10},
		"Parameters": {"Bucket": "data", "Key.$": "$.key"}}`), false)
	require.NoError(t, err)
	require.Equal(t, itemio.ResourceGetObject, c.Resource)
	require.Equal(t, itemio.InputCSV, c.InputType)
	require.Equal(t, []string{"a", "b"}, c.Headers)
	require.Equal(t, byte('|'), c.Delimiter)
	require.Equal(t, int64(10), c.MaxItems.Value)
	require.Equal(t, "$.key", c.Parameters["Key.$"])

	c, err = itemio.ParseReader(decode(t, `{
		"Resource": "arn:aws:states:::s3:listObjectsV2",
		"ReaderConfig": {"MaxItems": "{% $states.input.n %}"},
		"Arguments": {"Bucket": "data", "Prefix": "{% $states.input.p %}"}}`), true)
	require.NoError(t, err)
	require.Equal(t, itemio.ResourceListObjectsV2, c.Resource)
	require.Equal(t, "{% $states.input.n %}", c.MaxItems.Expr)

	c, err = itemio.ParseReader(decode(t, `{
		"Resource": "arn:aws:states:::s3:getObject",
		"ReaderConfig": {"InputType": "JSONL", "MaxItemsPath": "$.max"},
		"Parameters": {"Bucket": "data", "Key": "k"}}`), false)
	require.NoError(t, err)
	require.Equal(t, "$.max", c.MaxItems.Path)
	require.Equal(t, byte(','), c.Delimiter)
}

func TestParseReaderErrors(t *testing.T) {
	t.Parallel()
	const get = `"Resource": "arn:aws:states:::s3:getObject"`
	const params = `"Parameters": {"Bucket": "b", "Key": "k"}`
	for _, tc := range []struct {
		def, field string
		jsonata    bool
	}{
		{`[]`, "ItemReader", false},
		{`{` + params + `, "ReaderConfig": {"InputType": "JSON"}}`, "ItemReader.Resource", false},
		{`{"Resource": "arn:aws:states:::s3:putObject", ` + params + `}`, "ItemReader.Resource", false},
		{`{` + get + `, ` + params + `}`, "ItemReader.ReaderConfig.InputType", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "XML"}}`, "ItemReader.ReaderConfig.InputType", false},
		{`{` + get + `, "ReaderConfig": {"InputType": "JSON"}}`, "ItemReader.Parameters", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "JSON"}}`, "ItemReader.Parameters", true},
		{`{` + get + `, "Parameters": {"Bucket": "b"}, "ReaderConfig": {"InputType": "JSON"}}`, "ItemReader.Parameters.Key", false},
		{`{` + get + `, "Parameters": {"Bucket": "b", "Key": "k", "Prefix": "p"}, "ReaderConfig": {"InputType": "JSON"}}`, "ItemReader.Parameters.Prefix", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "CSV"}}`, "ItemReader.ReaderConfig.CSVHeaderLocation", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN"}}`, "ItemReader.ReaderConfig.CSVHeaders", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": [1]}}`, "ItemReader.ReaderConfig.CSVHeaders", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVHeaders": ["a"]}}`, "ItemReader.ReaderConfig.CSVHeaders", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "JSON", "CSVDelimiter": "PIPE"}}`, "ItemReader.ReaderConfig.CSVDelimiter", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "CSVDelimiter": "COLON"}}`, "ItemReader.ReaderConfig.CSVDelimiter", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "JSON", "MaxItems": -1}}`, "ItemReader.ReaderConfig.MaxItems", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "JSON", "MaxItems": 100000001}}`, "ItemReader.ReaderConfig.MaxItems", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "JSON", "MaxItems": 1, "MaxItemsPath": "$.n"}}`, "ItemReader.ReaderConfig.MaxItems", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "JSON", "MaxItemsPath": "n"}}`, "ItemReader.ReaderConfig.MaxItemsPath", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "JSON", "Other": 1}}`, "ItemReader.ReaderConfig.Other", false},
		{`{"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}, "ReaderConfig": {"InputType": "JSON"}}`, "ItemReader.ReaderConfig.InputType", false},
		{`{"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}, "ReaderConfig": {"InputType": "JSON", "Transformation": "LOAD_AND_FLATTEN"}}`, "ItemReader.ReaderConfig.Transformation", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "JSON", "ItemsPointer": "/a"}}`, "ItemReader.ReaderConfig.ItemsPointer", false},
		{`{` + get + `, ` + params + `, "ReaderConfig": {"InputType": "PARQUET"}}`, "ItemReader.ReaderConfig.InputType", false},
	} {
		_, err := itemio.ParseReader(decode(t, tc.def), tc.jsonata)
		var fe *itemio.FieldError
		require.ErrorAs(t, err, &fe, tc.def)
		require.Equal(t, tc.field, fe.Field, tc.def)
	}
}

func TestParseBatcher(t *testing.T) {
	t.Parallel()
	c, err := itemio.ParseBatcher(decode(t, `{"MaxItemsPerBatch": 100, "MaxInputBytesPerBatchPath": "$.bytes", "BatchInput": {"k.$": "$.v"}}`), false)
	require.NoError(t, err)
	require.Equal(t, int64(100), c.MaxItemsPerBatch.Value)
	require.Equal(t, "$.bytes", c.MaxInputBytesPerBatch.Path)
	require.Equal(t, map[string]any{"k.$": "$.v"}, c.BatchInput)

	for _, tc := range []struct{ def, field string }{
		{`{}`, "ItemBatcher"},
		{`{"BatchInput": {}}`, "ItemBatcher"},
		{`{"MaxItemsPerBatch": 1, "MaxItemsPerBatchPath": "$.n"}`, "ItemBatcher.MaxItemsPerBatch"},
		{`{"MaxInputBytesPerBatch": 262145}`, "ItemBatcher.MaxInputBytesPerBatch"},
		{`{"MaxItemsPerBatch": 1.5}`, "ItemBatcher.MaxItemsPerBatch"},
		{`{"MaxItemsPerBatch": 0, "MaxInputBytesPerBatch": 10}`, "ItemBatcher.MaxItemsPerBatch"},
		{`{"MaxInputBytesPerBatch": 0}`, "ItemBatcher.MaxInputBytesPerBatch"},
		{`{"MaxItemsPerBatch": 1, "BatchInput": 3}`, "ItemBatcher.BatchInput"},
		{`{"MaxItemsPerBatch": 1, "Size": 3}`, "ItemBatcher.Size"},
	} {
		_, err := itemio.ParseBatcher(decode(t, tc.def), false)
		var fe *itemio.FieldError
		require.ErrorAs(t, err, &fe, tc.def)
		require.Equal(t, tc.field, fe.Field, tc.def)
	}
}

func TestParseWriter(t *testing.T) {
	t.Parallel()
	c, err := itemio.ParseWriter(decode(t, `{"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Prefix": "p"}}`), false)
	require.NoError(t, err)
	require.True(t, c.Export)
	require.Equal(t, itemio.TransformNone, c.Transformation)
	require.Equal(t, itemio.OutputJSON, c.OutputType)

	c, err = itemio.ParseWriter(decode(t, `{"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSONL"}}`), true)
	require.NoError(t, err)
	require.False(t, c.Export)
	require.Equal(t, itemio.TransformFlatten, c.Transformation)
	require.Equal(t, itemio.OutputJSONL, c.OutputType)

	c, err = itemio.ParseWriter(decode(t, `{"Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "b"}, "WriterConfig": {"Transformation": "COMPACT"}}`), true)
	require.NoError(t, err)
	require.True(t, c.Export)
	require.Equal(t, itemio.TransformCompact, c.Transformation)

	for _, tc := range []struct{ def, field string }{
		{`{}`, "ResultWriter"},
		{`{"Resource": "arn:aws:states:::s3:putObject"}`, "ResultWriter"},
		{`{"Parameters": {"Bucket": "b"}}`, "ResultWriter"},
		{`{"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "b"}}`, "ResultWriter.Resource"},
		{`{"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Prefix": "p"}}`, "ResultWriter.Parameters.Bucket"},
		{`{"Resource": "arn:aws:states:::s3:putObject", "Parameters": {"Bucket": "b", "Key": "k"}}`, "ResultWriter.Parameters.Key"},
		{`{"WriterConfig": {"OutputType": "CSV"}}`, "ResultWriter.WriterConfig.OutputType"},
		{`{"WriterConfig": {"Transformation": "ALL"}}`, "ResultWriter.WriterConfig.Transformation"},
	} {
		_, err := itemio.ParseWriter(decode(t, tc.def), false)
		var fe *itemio.FieldError
		require.ErrorAs(t, err, &fe, tc.def)
		require.Equal(t, tc.field, fe.Field, tc.def)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["a"]}, "Parameters": {"Bucket": "b", "Key": "k"}}`)
	f.Add(`{"MaxItemsPerBatch": 2, "BatchInput": {"a": 1}}`)
	f.Add(`{"Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "b"}, "WriterConfig": {"OutputType": "JSONL"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		v, err := asl.DecodeJSON([]byte(s))
		if err != nil {
			return
		}
		for _, jsonata := range []bool{false, true} {
			// Any input gives a config or an error, never a panic.
			_, _ = itemio.ParseReader(v, jsonata)
			_, _ = itemio.ParseBatcher(v, jsonata)
			_, _ = itemio.ParseWriter(v, jsonata)
		}
	})
}

func TestParseArgumentsExpression(t *testing.T) {
	t.Parallel()
	c, err := itemio.ParseReader(decode(t, `{"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Arguments": "{% $states.input.source %}"}`), true)
	require.NoError(t, err)
	require.Nil(t, c.Parameters)
	require.Equal(t, "{% $states.input.source %}", c.ParametersExpr)

	w, err := itemio.ParseWriter(decode(t, `{"Resource": "arn:aws:states:::s3:putObject", "Arguments": "{% $out %}"}`), true)
	require.NoError(t, err)
	require.True(t, w.Export)
	require.Equal(t, "{% $out %}", w.ParametersExpr)

	// A JSONPath state has no expressions.
	_, err = itemio.ParseReader(decode(t, `{"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": "{% $x %}"}`), false)
	require.ErrorContains(t, err, "ItemReader.Parameters: must be a JSON object")
}

func TestParseMap(t *testing.T) {
	t.Parallel()
	machine := func(mode, language string) *asl.Map {
		def := `{"StartAt": "M", "QueryLanguage": "` + language + `", "States": {"M": {"Type": "Map", "End": true,
			"ItemProcessor": {"ProcessorConfig": {"Mode": "` + mode + `"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
			"ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2", "Arguments": {"Bucket": "b", "Prefix": "{% $states.input.p %}"}},
			"ItemBatcher": {"MaxItemsPerBatch": "{% $states.input.n %}"},
			"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject", "Arguments": {"Bucket": "out"}}}}}`
		sm, err := asl.Parse([]byte(def))
		require.NoError(t, err)
		return sm.States["M"].(*asl.Map)
	}
	c, err := itemio.ParseMap(machine("DISTRIBUTED", "JSONata"))
	require.NoError(t, err)
	require.Equal(t, itemio.ResourceListObjectsV2, c.Reader.Resource)
	require.Equal(t, "{% $states.input.n %}", c.Batcher.MaxItemsPerBatch.Expr)
	require.True(t, c.Writer.Export)

	_, err = itemio.ParseMap(machine("INLINE", "JSONata"))
	var fe *itemio.FieldError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, "ItemReader", fe.Field)
}
