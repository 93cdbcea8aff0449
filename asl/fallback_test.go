package asl_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

// TestJSONataFallbacks checks that expressions the native evaluator does
// not support are listed with a reason, and the others not.
func TestJSONataFallbacks(t *testing.T) {
	t.Parallel()
	def := `{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass","Output":{
		"a":"{% $states.input.a + 1 %}",
		"b":"{% ($f := function($x){$x}; $f(1)) %}",
		"c":["{% 'n: ' & $states.input.a %}", "{% $keys($states.input) %}"]},"End":true}}}`
	before := asl.JSONataFallbackCount()
	_, err := asl.Parse([]byte(def))
	require.NoError(t, err)
	require.GreaterOrEqual(t, asl.JSONataFallbackCount()-before, int64(3))
	got := asl.JSONataFallbacks([]byte(def))
	require.Len(t, got, 3)
	require.Equal(t, "($f := function($x){$x}; $f(1))", got[0].Expression)
	for _, f := range got {
		require.NotEmpty(t, f.Reason)
	}
	require.Nil(t, asl.JSONataFallbacks([]byte(`{`)))
}
