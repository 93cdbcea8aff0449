package conformance_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl/conformance"
)

// corpus is where the shared conformance corpus sits beside the repository.
var corpus = filepath.Join("..", "..", "..", "shared", "conformance")

func requireCorpus(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("conformance corpus not found at %s", corpus)
	}
}

// TestCases runs the execution cases on the in-memory runner. The bar is
// the issue's: at least 90% of the JSONPath-only cases pass.
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
	score := conformance.Tally(results, conformance.JSONPathOnly)
	if score.Rate() < 0.90 {
		var failures strings.Builder
		conformance.WriteFailures(&failures, results)
		t.Fatalf("JSONPath-only cases: %d/%d pass, below 90%%\n%s", score.Passed, score.Passed+score.Failed, failures.String())
	}
}

// TestValidation checks that every valid fixture is accepted and at least
// 95% of the invalid ones are rejected.
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
	require.GreaterOrEqual(t, float64(s.InvalidRejected), 0.95*float64(s.Invalid), "at least 95%% of invalid definitions must be rejected")
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
