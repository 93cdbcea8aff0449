package conformance

import (
	"fmt"
	"io"
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Score counts results.
type Score struct {
	Passed, Failed               int
	CauseMatched, CauseChecked   int
	EventsMatched, EventsChecked int
}

// Tally scores the results that keep says to count (nil counts all).
func Tally(results []Result, keep func(*Case) bool) Score {
	var s Score
	for _, r := range results {
		if keep != nil && !keep(r.Case) {
			continue
		}
		if r.Passed {
			s.Passed++
		} else {
			s.Failed++
		}
		if r.CauseChecked {
			s.CauseChecked++
			if r.CauseMatched {
				s.CauseMatched++
			}
		}
		if r.EventsChecked {
			s.EventsChecked++
			if r.EventsMatched {
				s.EventsMatched++
			}
		}
	}
	return s
}

// JSONPathOnly keeps the cases that use neither JSONata nor variables.
func JSONPathOnly(c *Case) bool { return c.JSONPathOnly }

// JSONataOrVariables keeps the cases that use JSONata or variables.
func JSONataOrVariables(c *Case) bool { return !c.JSONPathOnly }

// Rate is Passed as a fraction of all counted cases.
func (s Score) Rate() float64 {
	if s.Passed+s.Failed == 0 {
		return 0
	}
	return float64(s.Passed) / float64(s.Passed+s.Failed)
}

// WriteFailures prints each failed case: name, expected and got.
func WriteFailures(w io.Writer, results []Result) {
	for _, r := range results {
		if r.Passed {
			continue
		}
		fmt.Fprintf(w, "FAIL %s\n  expected: %s\n  got:      %s\n", r.Case.Name, r.Case.Expected(), r.Got())
	}
}

// WriteEventMismatches prints each case whose history event types differ
// from the recording, with both sequences.
func WriteEventMismatches(w io.Writer, results []Result) {
	for _, r := range results {
		if !r.EventsChecked || r.EventsMatched || r.Outcome == nil {
			continue
		}
		fmt.Fprintf(w, "EVENTS %s\n  expected: %s\n  got:      %s\n", r.Case.Name,
			strings.Join(r.Case.Events, " "), strings.Join(r.Outcome.Events, " "))
	}
}

// Expected describes the outcome the case's recording expects, in one
// line: "SUCCEEDED <output>" or "<STATUS> error=... cause=...".
func (c *Case) Expected() string {
	if c.Expect.Status == "SUCCEEDED" {
		return "SUCCEEDED " + jsonvalue.String(c.Expect.Output)
	}
	return fmt.Sprintf("%s error=%q cause=%q", c.Expect.Status, c.Expect.Error, c.Expect.Cause)
}

// Got describes the run's outcome in the form of Case.Expected, or the
// error that kept it from running.
func (r Result) Got() string {
	if r.Err != nil {
		return "run error: " + r.Err.Error()
	}
	o := r.Outcome
	if o.Status == "SUCCEEDED" {
		return "SUCCEEDED " + jsonvalue.String(o.Output)
	}
	return fmt.Sprintf("%s error=%q cause=%q", o.Status, o.Error, o.Cause)
}

// WriteSummary prints the scores and the closing line "N passed, N failed".
func WriteSummary(w io.Writer, results []Result) {
	all := Tally(results, nil)
	jp := Tally(results, JSONPathOnly)
	fmt.Fprintf(w, "JSONPath-only cases: %d/%d passed (%.1f%%)\n", jp.Passed, jp.Passed+jp.Failed, 100*jp.Rate())
	jv := Tally(results, JSONataOrVariables)
	fmt.Fprintf(w, "JSONata and variable cases: %d/%d passed (%.1f%%)\n", jv.Passed, jv.Passed+jv.Failed, 100*jv.Rate())
	fmt.Fprintf(w, "cause text identical: %d/%d; event types identical: %d/%d\n",
		all.CauseMatched, all.CauseChecked, all.EventsMatched, all.EventsChecked)
	fmt.Fprintf(w, "%d passed, %d failed\n", all.Passed, all.Failed)
}
