package spectest_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/spectest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(want), got)
}

// TestFailingReport runs a spec whose cases miss their expectations in
// every way, and checks the readable report and the JUnit XML.
func TestFailingReport(t *testing.T) {
	t.Parallel()
	s, err := spectest.Load("testdata/failing.spec.json")
	require.NoError(t, err)
	r := spectest.Run(context.Background(), s, spectest.Options{})
	require.False(t, r.Passed())
	require.Equal(t, 3, r.Failed())

	var text bytes.Buffer
	require.NoError(t, r.Write(&text))
	golden(t, "failing.report.txt", text.String())

	var junit bytes.Buffer
	require.NoError(t, r.JUnit(&junit))
	stable := regexp.MustCompile(`time="[0-9.]+"`).ReplaceAllString(junit.String(), `time="0"`)
	golden(t, "failing.junit.xml", stable)

	var doc struct {
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(junit.Bytes(), &doc))
	require.Equal(t, 3, doc.Failures)
	cases := doc.Suites[0].Cases
	require.Len(t, cases, 4)
	require.Nil(t, cases[0].Failure)
	require.Equal(t, "unmet expectations: outputIncludes, states, stateIO.ShipItem.input, invocations", cases[1].Failure.Message)
	require.Equal(t, "unmet expectations: status, error", cases[2].Failure.Message)
}
