package jsonata_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/conformance"
	"github.com/stepwise-run/stepwise/asl/internal/jsonata"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
	"github.com/stepwise-run/stepwise/internal/testkit"
)

// knownDifference is one entry of testdata/known-differences.json: an
// expression whose served result may differ from the reference's, and why.
type knownDifference struct {
	Expr   string `json:"expr"`
	Reason string `json:"reason"`
}

func knownDifferences(t *testing.T) map[string]string {
	raw, err := os.ReadFile(filepath.Join("testdata", "known-differences.json"))
	require.NoError(t, err)
	var list []knownDifference
	require.NoError(t, json.Unmarshal(raw, &list))
	known := map[string]string{}
	for _, d := range list {
		require.NotEmpty(t, d.Reason, "known difference %q has no reason", d.Expr)
		known[d.Expr] = d.Reason
	}
	return known
}

// tally counts how the evaluators agree over a set of evaluations.
type tally struct {
	evaluations, native, nativeRight, served int
	// direct counts the evaluations the direct evaluator accepted, and
	// directExprs the expressions it accepted at least one of.
	direct                    int
	directExprs               map[string]bool
	nativeTime, referenceTime time.Duration
}

// check compares one evaluation and fails t when what Eval serves differs
// from the reference for an expression not listed in known.
func (s *tally) check(t *testing.T, known map[string]string, ev jsonata.Evaluation, name string) {
	t.Helper()
	o := ev.Expr.Compare(ev.Input, ev.Bindings)
	s.evaluations++
	if o.Direct != "" {
		s.direct++
		if s.directExprs == nil {
			s.directExprs = map[string]bool{}
		}
		s.directExprs[ev.Expr.String()] = true
		if o.Direct != o.Reference {
			// The direct evaluator has no known differences.
			t.Errorf("%s: direct evaluation of %s\n  direct:    %s\n  reference: %s", name, ev.Expr, o.Direct, o.Reference)
		}
	}
	if ev.Expr.Fallback() == "" {
		s.native++
		if sameOutcome(o.Native, o.Reference) {
			s.nativeRight++
		}
		s.nativeTime += timed(func() { _, _ = ev.Expr.Eval(ev.Input, ev.Bindings, nil) })
		s.referenceTime += timed(func() { _, _ = jsonata.EvalReference(ev.Expr, ev.Input, ev.Bindings) })
	}
	if o.Served == o.Reference {
		s.served++
		return
	}
	if _, ok := known[ev.Expr.String()]; !ok {
		t.Errorf("%s: %s\n  served:    %s\n  reference: %s", name, ev.Expr, o.Served, o.Reference)
	}
}

// sameOutcome compares outcomes, any two errors alike: the native
// evaluator's errors are never served.
func sameOutcome(native, reference string) bool {
	if strings.HasPrefix(native, "error") && strings.HasPrefix(reference, "error") {
		return true
	}
	return native == reference
}

func timed(f func()) time.Duration {
	start := time.Now()
	f()
	return time.Since(start)
}

func (s *tally) log(t *testing.T, what string) {
	t.Logf("%s: %d evaluations, %d native (%d of them right before the reference takes the failures), %d served as the reference's; %d fallbacks in the process",
		what, s.evaluations, s.native, s.nativeRight, s.served, jsonata.Fallbacks())
	t.Logf("%s: the direct evaluator accepted %d evaluations of %d expressions, all as the reference's", what, s.direct, len(s.directExprs))
	if s.native > 0 {
		t.Logf("%s: %.1f µs per native evaluation, %.1f µs on the reference", what,
			float64(s.nativeTime.Microseconds())/float64(s.native), float64(s.referenceTime.Microseconds())/float64(s.native))
	}
}

// TestDifferentialCorpus runs the JSONata and variable cases of the
// conformance corpus in memory, collecting every evaluation, and replays
// each on both evaluators.
func TestDifferentialCorpus(t *testing.T) {
	corpus := testkit.Corpus()
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("conformance corpus not found at %s", corpus)
	}
	cases, err := conformance.LoadCases(filepath.Join(corpus, "cases"))
	require.NoError(t, err)
	var mu sync.Mutex
	seen := map[string]jsonata.Evaluation{}
	stop := jsonata.Observe(func(ev jsonata.Evaluation) {
		key := ev.Expr.String() + "\x00" + jsonvalue.String(ev.Input) + "\x00" + jsonvalue.String(ev.Bindings)
		mu.Lock()
		defer mu.Unlock()
		if _, ok := seen[key]; !ok {
			seen[key] = jsonata.Evaluation{Expr: ev.Expr, Input: ev.Input, Bindings: jsonvalue.Copy(ev.Bindings).(map[string]any)}
		}
	})
	var jsonataCases []*conformance.Case
	for _, c := range cases {
		if !c.JSONPathOnly {
			jsonataCases = append(jsonataCases, c)
			for _, f := range asl.JSONataFallbacks(c.Definition) {
				t.Logf("fallback in %s: %s (%s)", c.Name, f.Expression, f.Reason)
			}
		}
	}
	conformance.Run(context.Background(), jsonataCases, conformance.Memory)
	stop()
	require.NotEmpty(t, seen)
	known := knownDifferences(t)
	var s tally
	for _, ev := range seen {
		s.check(t, known, ev, "corpus")
	}
	s.log(t, "corpus")
}

// TestDifferentialSuite replays the official JSONata test suite (see
// TestOfficialSuite) on both evaluators; it skips when JSONATA_SUITE is
// not set, since the suite is not kept in the repository.
func TestDifferentialSuite(t *testing.T) {
	dir := os.Getenv("JSONATA_SUITE")
	if dir == "" {
		t.Skip("set JSONATA_SUITE to the jsonata-js test/test-suite folder to compare the evaluators on it")
	}
	cases, err := jsonata.SuiteCases(dir)
	require.NoError(t, err)
	known := knownDifferences(t)
	var s tally
	compiled := 0
	for _, c := range cases {
		e, err := jsonata.Compile(c.Src)
		if err != nil {
			continue
		}
		compiled++
		s.check(t, known, jsonata.Evaluation{Expr: e, Input: c.Input, Bindings: c.Bindings}, c.Name)
	}
	t.Logf("suite: %d cases, %d compile", len(cases), compiled)
	s.log(t, "suite")
}
