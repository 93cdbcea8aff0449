package choice

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPatternMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything", true},
		{"**", "", true},
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"a*", "a", true},
		{"a*", "ba", false},
		{"*a", "ba", true},
		{"*a", "ab", false},
		{"a*a", "a", false},
		{"a*a", "aa", true},
		{"a*a", "aba", true},
		{"*.log", "x.log", true},
		{"*.log", "x.log.gz", false},
		{"log-*.txt", "log-2024-01-01.txt", true},
		{"a*b*c", "abc", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "acb", false},
		{"a*bb*a", "abba", true},
		{"a*bb*a", "aba", false},
		{"*ab*ab*", "abab", true},
		{"*ab*ab*", "aab", false},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{`\**`, "*star", true},
		{`\**`, "star", false},
		{`a\\b`, `a\b`, true},
		{`a\\*`, `a\anything`, true},
		{`a\\\*`, `a\*`, true},
		{`a\b`, `a\b`, true},
		{`a\`, `a\`, true},
		{"é*", "été", true},
		{"*😀", "smile 😀", true},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, compilePattern(tt.pattern).match(tt.s), "%q ~ %q", tt.pattern, tt.s)
	}
}

// patternRegexp is a reference implementation of StringMatches on top of
// package regexp, for the fuzz target.
func patternRegexp(src string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src) && (src[i+1] == '*' || src[i+1] == '\\'):
			i++
			b.WriteString(regexp.QuoteMeta(src[i : i+1]))
		case c == '*':
			b.WriteString(`.*`)
		default:
			b.WriteString(regexp.QuoteMeta(src[i : i+1]))
		}
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

func FuzzStringMatches(f *testing.F) {
	for _, seed := range [][2]string{
		{"*", ""}, {"a*b*c", "aXbYc"}, {`a\*b`, "a*b"}, {`a\\*`, `a\x`}, {"*ab*ab*", "aab"},
		{"log-*.txt", "log-1.txt"}, {`\`, `\`}, {"é*", "été"}, {"**a**", "bab"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pat, s string) {
		// The regexp reference works on UTF-8 text; JSON strings are text.
		re := patternRegexp(strings.ToValidUTF8(pat, "?"))
		s = strings.ToValidUTF8(s, "?")
		want := re.MatchString(s)
		if got := compilePattern(strings.ToValidUTF8(pat, "?")).match(s); got != want {
			t.Fatalf("pattern %q on %q: got %v, regexp says %v", pat, s, got, want)
		}
	})
}
