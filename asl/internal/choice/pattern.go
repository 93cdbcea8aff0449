package choice

import "strings"

// pattern is a compiled StringMatches pattern: the literal parts between
// its unescaped '*' wildcards, so a pattern with n wildcards has n+1 parts
// (some possibly empty).
type pattern struct {
	parts []string
}

// compilePattern splits src at its unescaped '*'. "\*" stands for a
// literal '*' and "\\" for a literal '\'; a backslash before any other
// character, or at the end, is itself literal.
func compilePattern(src string) pattern {
	var parts []string
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src) && (src[i+1] == '*' || src[i+1] == '\\'):
			i++
			b.WriteByte(src[i])
		case c == '*':
			parts = append(parts, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return pattern{parts: append(parts, b.String())}
}

// match reports whether s matches the whole pattern. Each '*' matches any
// run of characters, including none. It allocates nothing.
func (p pattern) match(s string) bool {
	n := len(p.parts)
	if n == 1 {
		return s == p.parts[0]
	}
	first, last := p.parts[0], p.parts[n-1]
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	s = s[len(first) : len(s)-len(last)]
	for _, part := range p.parts[1 : n-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return true
}
