package spectest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

func TestIncludes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		want, got    string
		includes, eq bool
	}{
		{`{"a": 1}`, `{"a": 1.0, "b": 2}`, true, false},
		{`{"a": {"b": [1, {"c": 2}]}}`, `{"a": {"b": [1, {"c": 2, "d": 3}], "e": 4}}`, true, false},
		{`{"a": [1]}`, `{"a": [1, 2]}`, false, false},
		{`{"a": null}`, `{}`, false, false},
		{`{}`, `{"a": 1}`, true, false},
		{`[{"a": 1}]`, `[{"a": 1}]`, true, true},
		{`"1"`, `1`, false, false},
		{`{"a": 1, "b": "x"}`, `{"b": "x", "a": 1}`, true, true},
		{`null`, `null`, true, true},
	} {
		t.Run(tc.want+" "+tc.got, func(t *testing.T) {
			t.Parallel()
			want, got := decode(t, tc.want), decode(t, tc.got)
			require.Equal(t, tc.includes, includes(want, got))
			require.Equal(t, tc.eq, equal(want, got))
		})
	}
}

func TestProject(t *testing.T) {
	t.Parallel()
	got := decode(t, `{"a": {"b": 1, "c": 2}, "d": [{"e": 1, "f": 2}, 3], "g": 4}`)
	want := decode(t, `{"a": {"b": 9}, "d": [{"e": 9}], "x": 1}`)
	require.Equal(t, decode(t, `{"a": {"b": 1}, "d": [{"e": 1}, 3]}`), project(got, want))
}

func TestDiff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, expected, got, want string
	}{
		{"change", "a\nb\nc", "a\nx\nc", "--- expected|+++ got|  a|- b|+ x|  c"},
		{"far apart", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10", "0\n2\n3\n4\n5\n6\n7\n8\n9\n11",
			"--- expected|+++ got|- 1|+ 0|  2|  3|  4|@@ …|  7|  8|  9|- 10|+ 11"},
		{"added at the end", "a", "a\nb", "--- expected|+++ got|  a|+ b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tc.want, strings.Join(diff(tc.expected, tc.got), "|"))
		})
	}
}

func TestSameSteps(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		want [][]string
		got  []string
		same bool
	}{
		{[][]string{{"A"}, {"B", "C"}, {"D"}}, []string{"A", "C", "B", "D"}, true},
		{[][]string{{"A"}, {"B", "C"}, {"D"}}, []string{"A", "B", "D", "C"}, false},
		{[][]string{{"A"}}, []string{"A", "B"}, false},
		{[][]string{{"A"}, {"B"}}, []string{"A"}, false},
		{[][]string{}, nil, true},
	} {
		require.Equal(t, tc.same, sameSteps(tc.want, tc.got), "%v %v", tc.want, tc.got)
	}
}

func decode(t *testing.T, s string) any {
	t.Helper()
	v, err := asl.DecodeJSON([]byte(s))
	require.NoError(t, err)
	return v
}
