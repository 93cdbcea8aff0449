package conformance_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/conformance"
	"github.com/stepwise-run/stepwise/internal/testkit"
)

// corpus is where the shared conformance corpus sits beside the repository.
var corpus = testkit.Corpus()

func requireCorpus(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("conformance corpus not found at %s", corpus)
	}
}

// TestCases runs the execution cases on the in-memory runner. The bars are
// the scores reached: every JSONPath-only case and every JSONata or
// variable case passes.
func TestCases(t *testing.T) {
	t.Parallel()
	requireCorpus(t)
	cases, err := conformance.LoadCases(filepath.Join(corpus, "cases"))
	require.NoError(t, err)
	require.NotEmpty(t, cases)
	results := conformance.Run(context.Background(), cases, conformance.Memory)
	var out strings.Builder
	conformance.WriteSummary(&out, results)
	t.Log("\n" + out.String())
	for _, bar := range []struct {
		name string
		keep func(*conformance.Case) bool
		min  float64
	}{
		{"JSONPath-only", conformance.JSONPathOnly, 1},
		{"JSONata and variable", conformance.JSONataOrVariables, 1},
	} {
		score := conformance.Tally(results, bar.keep)
		if score.Rate() < bar.min {
			var failures strings.Builder
			conformance.WriteFailures(&failures, results)
			t.Fatalf("%s cases: %d/%d pass, below %.0f%%\n%s", bar.name, score.Passed, score.Passed+score.Failed, 100*bar.min, failures.String())
		}
	}
}

// TestValidation checks that every valid fixture is accepted and every
// invalid one (the invalid JSONata definitions included) rejected.
func TestValidation(t *testing.T) {
	t.Parallel()
	requireCorpus(t)
	fixtures, err := conformance.Validation(filepath.Join(corpus, "validation"))
	require.NoError(t, err)
	var out strings.Builder
	conformance.WriteValidation(&out, fixtures)
	t.Log("\n" + out.String())
	s := conformance.ScoreValidation(fixtures)
	require.NotZero(t, s.Valid)
	require.Equal(t, s.Valid, s.ValidAccepted, "every valid definition must be accepted")
	require.Equal(t, s.Invalid, s.InvalidRejected, "every invalid definition must be rejected")
}

// TestCaseDefinitionsValidate checks that every definition AWS ran passes
// validation.
func TestCaseDefinitionsValidate(t *testing.T) {
	t.Parallel()
	requireCorpus(t)
	cases, err := conformance.LoadCases(filepath.Join(corpus, "cases"))
	require.NoError(t, err)
	for _, c := range cases {
		require.Empty(t, conformanceValidate(c), c.Name)
	}
}
