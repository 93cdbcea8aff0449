package asl_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

func TestStages(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"T","States":{
	  "T":{"Type":"Task","Resource":"arn:aws:lambda:::function:f","InputPath":"$.order",
	       "Parameters":{"id.$":"$.id"},"ResultSelector":{"ok.$":"$.status"},"ResultPath":"$.res","OutputPath":"$.res","Next":"P"},
	  "P":{"Type":"Pass","Result":{"r":1},"ResultPath":"$.p","Next":"C"},
	  "C":{"Type":"Choice","OutputPath":"$.missing","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"Par"}],"Default":"Par"},
	  "Par":{"Type":"Parallel","Branches":[{"StartAt":"Inner","States":{"Inner":{"Type":"Pass","End":true}}}],"End":true}}}`
	m, err := asl.Parse([]byte(def))
	require.NoError(t, err)
	input := map[string]any{"order": map[string]any{"id": "o-1"}}
	names := func(stages []asl.Stage) []string {
		var out []string
		for _, s := range stages {
			out = append(out, s.Name)
		}
		return out
	}
	tests := []struct {
		name      string
		state     string
		result    any
		hasResult bool
		want      []string
		last      string // the last stage's value as JSON, or the error name
	}{
		{"task with result", "T", map[string]any{"status": "done"}, true,
			[]string{"Input", "InputPath", "Parameters", "Result", "ResultSelector", "ResultPath", "OutputPath"}, `{"ok":"done"}`},
		{"task still running", "T", nil, false, []string{"Input", "InputPath", "Parameters"}, `{"id":"o-1"}`},
		{"pass", "P", nil, false, []string{"Input", "InputPath", "Result", "ResultPath", "OutputPath"},
			`{"order":{"id":"o-1"},"p":{"r":1}}`},
		{"choice output path fails", "C", nil, false, []string{"Input", "InputPath", "OutputPath"}, asl.ErrorRuntime},
		{"nested state", "Inner", nil, false, []string{"Input", "InputPath", "Result", "ResultPath", "OutputPath"}, `{"order":{"id":"o-1"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, ok := m.Find(tt.state)
			require.True(t, ok)
			stages := asl.Stages(st, input, tt.result, tt.hasResult, &asl.Context{})
			require.Equal(t, tt.want, names(stages))
			last := stages[len(stages)-1]
			if last.Error != nil {
				require.Equal(t, tt.last, last.Error.Name)
				return
			}
			require.JSONEq(t, tt.last, asl.EncodeJSON(last.Value))
		})
	}
	_, ok := m.Find("Nope")
	require.False(t, ok)
}
