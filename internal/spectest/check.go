package spectest

import (
	"fmt"
	"slices"
	"strconv"
)

// Failure is one expectation a case did not meet.
type Failure struct {
	// Expectation names it as the spec does: status, output,
	// outputIncludes, error, cause, states, stateIO.STATE.input,
	// stateIO.STATE.output or invocations.
	Expectation string
	// Message says what went wrong in one line.
	Message string
	// Expected and Got are indented JSON when the report shows a diff;
	// empty otherwise.
	Expected, Got string
}

// check compares what an execution did with what its case expects.
func check(e Expect, o *outcome) []Failure {
	var fs []Failure
	fs = append(fs, checkStatus(e, o)...)
	fs = append(fs, checkOutput(e, o)...)
	fs = append(fs, checkText("error", e.Error, o.Error)...)
	fs = append(fs, checkText("cause", e.Cause, o.Cause)...)
	if e.States != nil && !sameSteps(e.States, o.states()) {
		fs = append(fs, diffFailure("states", "the states entered differ (an array in the list is a group in any order)",
			stepsJSON(e.States), stepsJSON(grouped(o.states(), e.States))))
	}
	for _, state := range keys(e.StateIO) {
		fs = append(fs, checkStateIO(state, e.StateIO[state], o)...)
	}
	return append(fs, checkInvocations(e.Invocations, o)...)
}

func checkStatus(e Expect, o *outcome) []Failure {
	if e.Status == o.Status {
		return nil
	}
	msg := fmt.Sprintf("expected %s, got %s", e.Status, o.Status)
	if o.Error != "" || o.Cause != "" {
		msg += fmt.Sprintf(" (error %s: %s)", strconv.Quote(o.Error), o.Cause)
	}
	return []Failure{{Expectation: "status", Message: msg}}
}

func checkOutput(e Expect, o *outcome) []Failure {
	var fs []Failure
	if e.Output != nil && !equal(*e.Output, o.Output) {
		fs = append(fs, diffFailure("output", "the output differs", *e.Output, o.Output))
	}
	if e.OutputIncludes != nil && !includes(*e.OutputIncludes, o.Output) {
		fs = append(fs, diffFailure("outputIncludes", "the output does not include what is expected (only the fields expected are shown)",
			*e.OutputIncludes, project(o.Output, *e.OutputIncludes)))
	}
	return fs
}

func checkText(name string, want *string, got string) []Failure {
	if want == nil || *want == got {
		return nil
	}
	return []Failure{{Expectation: name, Message: fmt.Sprintf("expected %s, got %s", strconv.Quote(*want), strconv.Quote(got))}}
}

// checkStateIO checks the input and output of one visit of state.
func checkStateIO(state string, want StateIO, o *outcome) []Failure {
	at := "stateIO." + state
	v, ok := o.visit(state, want.Visit)
	if !ok {
		return []Failure{{Expectation: at, Message: fmt.Sprintf("%s was entered %d times, so it has no visit %d", state, o.count(state), want.Visit)}}
	}
	name := describeVisit(state, want.Visit)
	var fs []Failure
	if want.Input != nil && !includes(*want.Input, v.Input) {
		fs = append(fs, diffFailure(at+".input", "the input of "+name+" does not include what is expected", *want.Input, project(v.Input, *want.Input)))
	}
	switch {
	case want.Output == nil:
	case !v.Exited:
		fs = append(fs, Failure{Expectation: at + ".output", Message: name + " did not exit, so it has no output"})
	case !includes(*want.Output, v.Output):
		fs = append(fs, diffFailure(at+".output", "the output of "+name+" does not include what is expected", *want.Output, project(v.Output, *want.Output)))
	}
	return fs
}

// checkInvocations compares the Task invocation counts expected with
// those of the same states.
func checkInvocations(want map[string]int, o *outcome) []Failure {
	if len(want) == 0 {
		return nil
	}
	expected, got := map[string]any{}, map[string]any{}
	for state, n := range want {
		expected[state], got[state] = int64(n), int64(o.Invocations[state])
	}
	if equal(expected, got) {
		return nil
	}
	return []Failure{diffFailure("invocations", "the Task invocation counts differ (each retry and Map iteration is an invocation)", expected, got)}
}

// diffFailure is a failure the report shows as a diff of want and got.
func diffFailure(expectation, message string, want, got any) Failure {
	return Failure{Expectation: expectation, Message: message, Expected: indent(want), Got: indent(got)}
}

// sameSteps reports whether got, the states entered in order, is want:
// each group of want, in any order, then the next.
func sameSteps(want [][]string, got []string) bool {
	i := 0
	for _, group := range want {
		if i+len(group) > len(got) {
			return false
		}
		if !slices.Equal(slices.Sorted(slices.Values(group)), slices.Sorted(slices.Values(got[i:i+len(group)]))) {
			return false
		}
		i += len(group)
	}
	return i == len(got)
}

// grouped splits got into groups of the sizes of like's, for a diff that
// lines up with the expectation; the rest are groups of one.
func grouped(got []string, like [][]string) [][]string {
	var out [][]string
	for _, group := range like {
		n := min(len(group), len(got))
		if n == 0 {
			break
		}
		if sameSteps([][]string{group}, got[:n]) {
			out = append(out, group) // the same names: shown in the expected order
		} else {
			out = append(out, got[:n])
		}
		got = got[n:]
	}
	for _, name := range got {
		out = append(out, []string{name})
	}
	return out
}

// stepsJSON renders groups as the spec writes them: a group of one as its
// name.
func stepsJSON(groups [][]string) []any {
	out := make([]any, len(groups))
	for i, g := range groups {
		if len(g) == 1 {
			out[i] = g[0]
			continue
		}
		names := make([]any, len(g))
		for j, n := range g {
			names[j] = n
		}
		out[i] = names
	}
	return out
}
