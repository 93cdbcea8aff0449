package choice

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

// TestParseTimestamp parses each text, giving the instant in
// time.RFC3339Nano, or "" when the text is not a timestamp.
func TestParseTimestamp(t *testing.T) {
	t.Parallel()
	instant := func(_ *testing.T, in string) string {
		ts, ok := parseTimestamp(in)
		if !ok {
			return ""
		}
		return time.Unix(ts.sec, int64(ts.nsec)).UTC().Format(time.RFC3339Nano)
	}
	testkit.Table(t, instant, map[string]string{
		"2016-03-14T01:59:00Z":            "2016-03-14T01:59:00Z",
		"2012-10-09T19:00:55+01:00":       "2012-10-09T18:00:55Z",
		"2012-10-09T19:00:55-05:30":       "2012-10-10T00:30:55Z",
		"2012-10-09T19:00:55.5Z":          "2012-10-09T19:00:55.5Z",
		"2012-10-09T19:00:55.123456789Z":  "2012-10-09T19:00:55.123456789Z",
		"2012-10-09T19:00:55.000+00:00":   "2012-10-09T19:00:55Z",
		"2024-02-29T00:00:00Z":            "2024-02-29T00:00:00Z",
		"2000-02-29T23:59:59Z":            "2000-02-29T23:59:59Z",
		"0001-01-01T00:00:00Z":            "0001-01-01T00:00:00Z",
		"2012-10-09T19:00:55":             "",
		"2023-02-24":                      "",
		"2023-02-24 12:15:56.832957":      "",
		"2012-10-09t19:00:55Z":            "",
		"2012-10-09T19:00:55z":            "",
		"2012-10-09 19:00:55Z":            "",
		"2012-10-09T19:00:55.Z":           "",
		"2012-10-09T19:00:55.1234567890Z": "",
		"2012-10-09T19:00:55+0100":        "",
		"2012-10-09T19:00:55+01":          "",
		"2012-10-09T19:00:55+24:00":       "",
		"2012-10-09T19:00:55ZZ":           "",
		"2012-10-09T24:00:00Z":            "",
		"2012-10-09T23:60:00Z":            "",
		"2012-10-09T23:59:60Z":            "",
		"2012-13-09T19:00:55Z":            "",
		"2012-00-09T19:00:55Z":            "",
		"2012-04-31T19:00:55Z":            "",
		"2023-02-29T19:00:55Z":            "",
		"1900-02-29T19:00:55Z":            "",
		"+2012-10-09T19:00:55Z":           "",
		"2012-1a-09T19:00:55Z":            "",
		"":                                "",
	})
}

func TestTimestampCompare(t *testing.T) {
	t.Parallel()
	a, _ := parseTimestamp("2012-10-09T19:00:55Z")
	b, _ := parseTimestamp("2012-10-09T19:00:55.000000001Z")
	c, _ := parseTimestamp("2012-10-09T20:00:55+01:00")
	require.Equal(t, -1, a.compare(b))
	require.Equal(t, 1, b.compare(a))
	require.Equal(t, 0, a.compare(c))
}

// FuzzParseTimestamp checks that every timestamp accepted also parses with
// package time, to the same instant.
func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2016-03-14T01:59:00Z", "2012-10-09T19:00:55.5+01:00", "2012-10-09T19:00:55", "2024-02-29T00:00:00-23:59"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseTimestamp(s)
		if !ok {
			return
		}
		want, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatalf("parseTimestamp accepted %q, package time rejects it: %v", s, err)
		}
		if got.sec != want.Unix() || got.nsec != int32(want.Nanosecond()) {
			t.Fatalf("%q: got %+v, package time says %v", s, got, want)
		}
	})
}
