package choice

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseTimestamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in  string
		ok  bool
		utc string // the instant, in time.RFC3339Nano, when ok
	}{
		{in: "2016-03-14T01:59:00Z", ok: true, utc: "2016-03-14T01:59:00Z"},
		{in: "2012-10-09T19:00:55+01:00", ok: true, utc: "2012-10-09T18:00:55Z"},
		{in: "2012-10-09T19:00:55-05:30", ok: true, utc: "2012-10-10T00:30:55Z"},
		{in: "2012-10-09T19:00:55.5Z", ok: true, utc: "2012-10-09T19:00:55.5Z"},
		{in: "2012-10-09T19:00:55.123456789Z", ok: true, utc: "2012-10-09T19:00:55.123456789Z"},
		{in: "2012-10-09T19:00:55.000+00:00", ok: true, utc: "2012-10-09T19:00:55Z"},
		{in: "2024-02-29T00:00:00Z", ok: true, utc: "2024-02-29T00:00:00Z"},
		{in: "2000-02-29T23:59:59Z", ok: true, utc: "2000-02-29T23:59:59Z"},
		{in: "0001-01-01T00:00:00Z", ok: true, utc: "0001-01-01T00:00:00Z"},
		{in: "2012-10-09T19:00:55"},
		{in: "2023-02-24"},
		{in: "2023-02-24 12:15:56.832957"},
		{in: "2012-10-09t19:00:55Z"},
		{in: "2012-10-09T19:00:55z"},
		{in: "2012-10-09 19:00:55Z"},
		{in: "2012-10-09T19:00:55.Z"},
		{in: "2012-10-09T19:00:55.1234567890Z"},
		{in: "2012-10-09T19:00:55+0100"},
		{in: "2012-10-09T19:00:55+01"},
		{in: "2012-10-09T19:00:55+24:00"},
		{in: "2012-10-09T19:00:55ZZ"},
		{in: "2012-10-09T24:00:00Z"},
		{in: "2012-10-09T23:60:00Z"},
		{in: "2012-10-09T23:59:60Z"},
		{in: "2012-13-09T19:00:55Z"},
		{in: "2012-00-09T19:00:55Z"},
		{in: "2012-04-31T19:00:55Z"},
		{in: "2023-02-29T19:00:55Z"},
		{in: "1900-02-29T19:00:55Z"},
		{in: "+2012-10-09T19:00:55Z"},
		{in: "2012-1a-09T19:00:55Z"},
		{in: ""},
	}
	for _, tt := range tests {
		got, ok := parseTimestamp(tt.in)
		require.Equal(t, tt.ok, ok, tt.in)
		if !ok {
			continue
		}
		want, err := time.Parse(time.RFC3339Nano, tt.utc)
		require.NoError(t, err)
		require.Equal(t, timestamp{sec: want.Unix(), nsec: int32(want.Nanosecond())}, got, tt.in)
	}
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
