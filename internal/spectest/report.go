package spectest

import (
	"bufio"
	"fmt"
	"io"
	"time"
)

// Report is how the cases of one spec did.
type Report struct {
	// Spec is the spec file's path.
	Spec string
	// Mode is ModeMemory or ModeDurable.
	Mode string
	// Cases are the cases' results, in spec order.
	Cases []CaseResult
	// Duration is the real time the spec took.
	Duration time.Duration
}

// CaseResult is how one case did.
type CaseResult struct {
	Name string
	// Skipped is set for a durable-only case run in memory.
	Skipped bool
	// Failures are the expectations the case did not meet; none when it
	// passed.
	Failures []Failure
	// Err is why the case's execution could not run or end (a durable
	// start refused, a wait that timed out); nil when it ran.
	Err error
	// Duration is the real time the case took.
	Duration time.Duration
}

// Passed reports whether the case ran and met every expectation, or was
// skipped.
func (c CaseResult) Passed() bool { return c.Err == nil && len(c.Failures) == 0 }

// Failed counts the cases that did not pass.
func (r *Report) Failed() int {
	n := 0
	for _, c := range r.Cases {
		if !c.Passed() {
			n++
		}
	}
	return n
}

// skipped counts the cases skipped.
func (r *Report) skipped() int {
	n := 0
	for _, c := range r.Cases {
		if c.Skipped {
			n++
		}
	}
	return n
}

// Passed reports whether every case passed.
func (r *Report) Passed() bool { return r.Failed() == 0 }

// Write writes the readable report: a line per case, PASS or FAIL, and
// under a failed case each unmet expectation, with a diff of expected and
// got indented JSON where it helps.
func (r *Report) Write(w io.Writer) error {
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "%s (%s)\n", r.Spec, r.Mode)
	for _, c := range r.Cases {
		writeCase(b, c)
	}
	fmt.Fprintf(b, "%d %s: %d passed, %d failed, %d skipped\n", len(r.Cases), plural(len(r.Cases), "case"), len(r.Cases)-r.Failed()-r.skipped(), r.Failed(), r.skipped())
	return b.Flush()
}

func writeCase(b *bufio.Writer, c CaseResult) {
	if c.Skipped {
		fmt.Fprintf(b, "  SKIP  %s (durable only)\n", c.Name)
		return
	}
	if c.Passed() {
		fmt.Fprintf(b, "  PASS  %s\n", c.Name)
		return
	}
	fmt.Fprintf(b, "  FAIL  %s\n", c.Name)
	if c.Err != nil {
		fmt.Fprintf(b, "        could not run: %v\n", c.Err)
	}
	for _, f := range c.Failures {
		fmt.Fprintf(b, "        %s: %s\n", f.Expectation, f.Message)
		if f.Expected == "" && f.Got == "" {
			continue
		}
		for _, line := range diff(f.Expected, f.Got) {
			fmt.Fprintf(b, "          %s\n", line)
		}
	}
}

// text is a failure as plain text: the message and the diff.
func (f Failure) text() string {
	s := f.Expectation + ": " + f.Message + "\n"
	if f.Expected == "" && f.Got == "" {
		return s
	}
	for _, line := range diff(f.Expected, f.Got) {
		s += line + "\n"
	}
	return s
}

// plural is noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
