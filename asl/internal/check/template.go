package check

import (
	"fmt"
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// intrinsicNames are the intrinsic functions of the language.
var intrinsicNames = map[string]bool{
	"States.Format":         true,
	"States.StringToJson":   true,
	"States.JsonToString":   true,
	"States.Array":          true,
	"States.ArrayPartition": true,
	"States.ArrayContains":  true,
	"States.ArrayRange":     true,
	"States.ArrayGetItem":   true,
	"States.ArrayLength":    true,
	"States.ArrayUnique":    true,
	"States.Base64Encode":   true,
	"States.Base64Decode":   true,
	"States.Hash":           true,
	"States.JsonMerge":      true,
	"States.MathRandom":     true,
	"States.MathAdd":        true,
	"States.StringSplit":    true,
	"States.UUID":           true,
}

// template checks a JSONPath-mode payload template (Parameters,
// ResultSelector, ItemSelector, Assign, ...): every "key.$" field holds a
// path or an intrinsic function call, and no object has both "key" and
// "key.$".
func (c *checker) template(v any, at string) {
	switch t := v.(type) {
	case []any:
		for i, e := range t {
			c.template(e, join(at, i))
		}
	case map[string]any:
		for _, k := range jsonvalue.SortedKeys(t) {
			if name, ok := strings.CutSuffix(k, ".$"); ok {
				c.dynamicField(name, t, join(at, k))
				continue
			}
			c.template(t[k], join(at, k))
		}
	}
}

// dynamicField checks the value of one "name.$" field of obj.
func (c *checker) dynamicField(name string, obj map[string]any, at string) {
	if _, dup := obj[name]; dup {
		c.report(CodeDuplicateField, at, "%s: both %q and %q are given; they name the same field", describe(at), name, name+".$")
	}
	src, ok := obj[name+".$"].(string)
	if !ok {
		c.report(CodeInvalidTemplate, at, "%s: a field ending in \".$\" must hold a path or an intrinsic function call as a string", describe(at))
		return
	}
	c.pathOrIntrinsic(src, at, anyPath)
}

// pathOrIntrinsic checks a value that may be a path of the given kind or an
// intrinsic function call.
func (c *checker) pathOrIntrinsic(src, at string, kind pathKind) {
	switch {
	case strings.HasPrefix(src, "$"):
		c.path(src, at, kind)
	case strings.HasPrefix(src, "States."):
		if err := checkIntrinsic(src); err != nil {
			c.report(CodeInvalidIntrinsic, at, "%s: %v", describe(at), err)
		}
	default:
		c.report(CodeInvalidTemplate, at, "%s: %q is neither a path (starting with '$') nor an intrinsic function call (starting with \"States.\")", describe(at), src)
	}
}

// checkIntrinsic checks the outline of an intrinsic function call: known
// function names, balanced parentheses, terminated string literals, and
// nothing after the closing parenthesis. Arguments are checked by the
// intrinsic function parser when the definition is compiled.
func checkIntrinsic(src string) error {
	name := leadingName(src)
	if !strings.HasPrefix(src[len(name):], "(") {
		return fmt.Errorf("%q is not an intrinsic function call", src)
	}
	depth, closed := 0, false
	for i := 0; i < len(src); i++ {
		if closed && src[i] != ' ' {
			return fmt.Errorf("%q has text after the closing parenthesis", src)
		}
		switch c := src[i]; {
		case c == '\'':
			end := quoteEnd(src, i)
			if end < 0 {
				return fmt.Errorf("%q has an unterminated string literal", src)
			}
			i = end
		case c == '(':
			depth++
		case c == ')':
			depth--
			closed = depth == 0
			if depth < 0 {
				return fmt.Errorf("%q has an unbalanced ')'", src)
			}
		case strings.HasPrefix(src[i:], "States.") && startsCall(src, i):
			fn := leadingName(src[i:])
			if !intrinsicNames[fn] {
				return fmt.Errorf("%s is not an intrinsic function", fn)
			}
			i += len(fn) - 1
		}
	}
	if depth != 0 {
		return fmt.Errorf("%q is missing a ')'", src)
	}
	return nil
}

// startsCall reports whether the name at src[i] is called: it is not part
// of a longer name or path and a '(' follows it.
func startsCall(src string, i int) bool {
	if i > 0 && (isNameByte(src[i-1]) || src[i-1] == '.' || src[i-1] == '$') {
		return false
	}
	return strings.HasPrefix(src[i+len(leadingName(src[i:])):], "(")
}

// leadingName returns the dotted name at the start of s.
func leadingName(s string) string {
	i := 0
	for i < len(s) && (isNameByte(s[i]) || s[i] == '.') {
		i++
	}
	return s[:i]
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// quoteEnd returns the index of the quote closing the literal that starts
// at s[start], or -1. A backslash escapes the next character.
func quoteEnd(s string, start int) int {
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '\'':
			return i
		}
	}
	return -1
}
