package check

import (
	"fmt"
	"testing"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
	"github.com/stretchr/testify/require"
)

// ruleCase is one definition and the diagnostics expected from a layer,
// each written as "CODE /pointer".
type ruleCase struct {
	name string
	def  string
	want []string
}

// runRuleCases checks each case against layer.
func runRuleCases(t *testing.T, layer func(any) []Diagnostic, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			def, err := jsonvalue.Decode([]byte(tc.def))
			require.NoError(t, err)
			got := layer(def)
			require.ElementsMatch(t, tc.want, codesAt(got), "diagnostics:\n%s", listDiagnostics(got))
			for _, d := range got {
				require.NotEmpty(t, d.Message)
			}
		})
	}
}

func codesAt(ds []Diagnostic) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.Code+" "+d.Pointer)
	}
	return out
}

// machine wraps states (the members of "States") in a definition that
// starts at "A".
func machine(states string) string {
	return fmt.Sprintf(`{"StartAt": "A", "States": {%s}}`, states)
}

// jsonataMachine is machine with the top-level QueryLanguage JSONata.
func jsonataMachine(states string) string {
	return fmt.Sprintf(`{"QueryLanguage": "JSONata", "StartAt": "A", "States": {%s}}`, states)
}
