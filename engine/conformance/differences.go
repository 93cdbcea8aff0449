package conformance

import (
	"fmt"
	"io"
	"strings"

	aslconformance "github.com/stepwise-run/stepwise/asl/conformance"
)

// Difference is a case judged differently by two runs: the reference run
// (in memory) and the durable one.
type Difference struct {
	Case      *aslconformance.Case
	Reference aslconformance.Result
	Durable   aslconformance.Result
	// Verdict is set when one run passed the case and the other failed it;
	// otherwise only the cause text or the event types differ.
	Verdict bool
}

// Differences pairs results by case name and returns every case whose
// verdict, cause match or event-type match differs between reference and
// durable, in the order of durable. Cases missing from either side are
// skipped.
func Differences(reference, durable []aslconformance.Result) []Difference {
	byName := make(map[string]aslconformance.Result, len(reference))
	for _, r := range reference {
		byName[r.Case.Name] = r
	}
	var out []Difference
	for _, d := range durable {
		ref, ok := byName[d.Case.Name]
		if !ok {
			continue
		}
		if ref.Passed != d.Passed || ref.CauseMatched != d.CauseMatched || ref.EventsMatched != d.EventsMatched {
			out = append(out, Difference{Case: d.Case, Reference: ref, Durable: d, Verdict: ref.Passed != d.Passed})
		}
	}
	return out
}

// WriteDifferences prints each difference: what the recording expects and
// what each run got, with the event types when they are what differs.
func WriteDifferences(w io.Writer, diffs []Difference) {
	for _, d := range diffs {
		kind := "DIFF"
		if !d.Verdict {
			kind = "DIFF (detail)"
		}
		fmt.Fprintf(w, "%s %s\n  expected:  %s\n  in memory: %s\n  durable:   %s\n",
			kind, d.Case.Name, d.Case.Expected(), d.Reference.Got(), d.Durable.Got())
		if d.Reference.EventsMatched != d.Durable.EventsMatched {
			fmt.Fprintf(w, "  events expected:  %s\n  events in memory: %s\n  events durable:   %s\n",
				strings.Join(d.Case.Events, " "), events(d.Reference), events(d.Durable))
		}
	}
}

func events(r aslconformance.Result) string {
	if r.Outcome == nil {
		return "-"
	}
	return strings.Join(r.Outcome.Events, " ")
}
