package spectest

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// junitSuites is JUnit XML's root element.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Tests   int          `xml:"tests,attr"`
	Fails   int          `xml:"failures,attr"`
	Errors  int          `xml:"errors,attr"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name   string      `xml:"name,attr"`
	Tests  int         `xml:"tests,attr"`
	Fails  int         `xml:"failures,attr"`
	Errors int         `xml:"errors,attr"`
	Skips  int         `xml:"skipped,attr"`
	Time   string      `xml:"time,attr"`
	Cases  []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// JUnit writes r as JUnit XML: a testsuite with a testcase per case, a
// failure element for a case that missed expectations and an error
// element for one that could not run.
func (r *Report) JUnit(w io.Writer) error { return JUnit(w, r) }

// JUnit writes reports as one JUnit XML document, a testsuite per spec.
func JUnit(w io.Writer, reports ...*Report) error {
	doc := junitSuites{}
	for _, r := range reports {
		s := suite(r)
		doc.Tests += s.Tests
		doc.Fails += s.Fails
		doc.Errors += s.Errors
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// suite is one report as a testsuite.
func suite(r *Report) junitSuite {
	s := junitSuite{Name: r.Spec, Tests: len(r.Cases), Time: seconds(r.Duration)}
	for _, c := range r.Cases {
		jc := junitCase{Name: c.Name, Classname: r.Spec + " (" + r.Mode + ")", Time: seconds(c.Duration)}
		switch {
		case c.Skipped:
			s.Skips++
			jc.Skipped = &junitSkipped{Message: "durable only: run with --durable"}
		case c.Err != nil:
			s.Errors++
			jc.Error = &junitProblem{Message: c.Err.Error(), Type: "error", Text: c.Err.Error()}
		case len(c.Failures) > 0:
			s.Fails++
			jc.Failure = failure(c.Failures)
		}
		s.Cases = append(s.Cases, jc)
	}
	return s
}

// failure is a case's unmet expectations as one failure element.
func failure(fs []Failure) *junitProblem {
	names := make([]string, len(fs))
	var text strings.Builder
	for i, f := range fs {
		names[i] = f.Expectation
		text.WriteString(f.text())
	}
	return &junitProblem{Message: "unmet expectations: " + strings.Join(names, ", "), Type: "expectation", Text: text.String()}
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
