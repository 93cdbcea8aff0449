package check

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
)

// pathKind says which paths a field accepts.
type pathKind int

const (
	// anyPath is a Path: it may select many nodes.
	anyPath pathKind = iota
	// referencePath names exactly one node.
	referencePath
	// resultPath is a Reference Path into the state input: no context
	// object and no variables.
	resultPath
)

// checkPath compiles src as a path of the given kind. Besides "$" and "$$"
// paths it accepts variable references ($name, $name.field) where the kind
// allows them.
func checkPath(src string, kind pathKind) error {
	if !strings.HasPrefix(src, "$") {
		return fmt.Errorf("%q must start with '$'", src)
	}
	body := src
	if name, rest, ok := splitVariable(src); ok {
		if kind == resultPath {
			return fmt.Errorf("%q refers to variable $%s; a ResultPath must point into the state input", src, name)
		}
		if rest != "" && rest[0] != '.' && rest[0] != '[' {
			return fmt.Errorf("%q is not a valid variable reference", src)
		}
		body = "$" + rest
	}
	if kind == resultPath && strings.HasPrefix(src, "$$") {
		return fmt.Errorf("%q points into the context object, which is read-only", src)
	}
	body = bracketNames(body)
	if kind == anyPath {
		_, err := jsonpath.Compile(body)
		return err
	}
	_, err := jsonpath.CompileReference(body)
	return err
}

// splitVariable splits "$name.rest" into the variable name and the rest. It
// reports false for "$", "$$", "$.x" and "$[0]", which are not variables.
func splitVariable(src string) (name, rest string, ok bool) {
	s := src[1:]
	end := 0
	for i, r := range s {
		if r == '_' || unicode.IsLetter(r) || (i > 0 && unicode.IsDigit(r)) {
			end = i + len(string(r))
			continue
		}
		break
	}
	if end == 0 {
		return "", "", false
	}
	return s[:end], s[end:], true
}

// bracketNames rewrites dot-notation names that hold punctuation such as
// "-", which AWS accepts ($.input-value) but the JSONPath library does not,
// into bracket notation ($['input-value']).
func bracketNames(p string) string {
	var b strings.Builder
	depth := 0
	var quote byte
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case quote != 0:
			if c == '\\' && i+1 < len(p) {
				b.WriteByte(c)
				i++
				c = p[i]
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			if depth > 0 {
				quote = c
			}
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '.' && depth == 0:
			name := dotName(p[i+1:])
			if needsBrackets(name) {
				b.WriteString("['" + name + "']")
				i += len(name)
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// dotName returns the name that follows a dot, up to the next dot or
// bracket.
func dotName(s string) string {
	if i := strings.IndexAny(s, ".["); i >= 0 {
		return s[:i]
	}
	return s
}

// needsBrackets reports whether a dot-notation name holds characters the
// JSONPath library rejects but that are plain name characters for AWS.
func needsBrackets(name string) bool {
	if name == "" || name == "*" {
		return false
	}
	special := false
	for _, r := range name {
		switch {
		case r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
		case strings.ContainsRune(" '\"()?,*\\@=<>!&|", r):
			return false
		default:
			special = true
		}
	}
	return special
}
