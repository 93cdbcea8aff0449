package asl_test

import "testing"

func TestChoiceState(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"C","States":{
		"C":{"Type":"Choice","InputPath":"$.in","OutputPath":"$.v","Choices":[
			{"Variable":"$.v","NumericGreaterThan":10,"Next":"Big"},
			{"And":[{"Variable":"$.v","IsNumeric":true},{"Not":{"Variable":"$.v","NumericEquals":0}}],"Next":"Small"}],
			"Default":"Zero"},
		"Big":{"Type":"Pass","Result":"big","End":true},
		"Small":{"Type":"Pass","Parameters":{"small.$":"$"},"End":true},
		"Zero":{"Type":"Pass","Result":"zero","End":true}}}`
	tests := []struct{ input, want string }{
		{`{"in":{"v":11}}`, `"big"`},
		{`{"in":{"v":3}}`, `{"small":3}`},
		{`{"in":{"v":0}}`, `"zero"`},
	}
	for _, tt := range tests {
		requireOutput(t, runDef(t, def, tt.input, nil), tt.want)
	}
	noDefault := single(`{"Type":"Choice","Choices":[{"Variable":"$.v","StringEquals":"x","Next":"S"}]}`)
	requireError(t, runDef(t, noDefault, `{"v":"y"}`, nil), "States.NoChoiceMatched")
}
