// Package jsonpath compiles and evaluates the JSONPath expressions of Amazon
// States Language on top of the ojg library. It keeps ASL's distinction
// between a Path, which may select many nodes, and a Reference Path, which
// names exactly one node and may be written to.
package jsonpath

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ohler55/ojg/jp"
)

// ErrNotFound is returned by Select when a definite path names no node.
var ErrNotFound = errors.New("no results for path")

// Path is a compiled JSONPath. A Path whose source starts with "$$" reads
// the context object instead of the state input; Context reports which.
type Path struct {
	src      string
	context  bool
	variable string
	expr     jp.Expr
	definite bool
	// merge holds the names of a final bracket that lists several, as in
	// $.a['b','c']: as in AWS's JSONPath (Jayway), it selects an object
	// holding those of the members that exist, not their values.
	merge []string
}

// Compile parses src, which must start with "$" (or "$$" for the context
// object).
func Compile(src string) (*Path, error) {
	if !strings.HasPrefix(src, "$") {
		return nil, fmt.Errorf("path %q must start with '$'", src)
	}
	p := &Path{src: src}
	body := src
	if strings.HasPrefix(src, "$$") {
		p.context = true
		body = src[1:]
	} else if name, rest, ok := SplitVariable(src); ok {
		p.variable = name
		body = "$" + rest
		if rest != "" && rest[0] != '.' && rest[0] != '[' {
			return nil, fmt.Errorf("%q is not a valid variable reference", src)
		}
	}
	if body == "$" {
		p.expr = jp.Expr{jp.Root('$')}
		p.definite = true
		return p, nil
	}
	expr, err := jp.ParseString(bracketNames(body))
	if err != nil {
		return nil, fmt.Errorf("invalid path %q: %v", src, err)
	}
	if len(expr) == 0 {
		return nil, fmt.Errorf("invalid path %q", src)
	}
	if _, ok := expr[0].(jp.Root); !ok {
		return nil, fmt.Errorf("path %q must start with '$'", src)
	}
	if names, ok := mergedNames(expr[len(expr)-1]); ok {
		p.merge = names
		expr = expr[:len(expr)-1]
	}
	p.expr = expr
	p.definite = isDefinite(expr)
	return p, nil
}

// CompileReference parses src as a Reference Path: only child names and
// single indexes, so that it names at most one node.
func CompileReference(src string) (*Path, error) {
	p, err := Compile(src)
	if err != nil {
		return nil, err
	}
	if !p.definite {
		return nil, fmt.Errorf("%q is not a reference path: it may select more than one node", src)
	}
	if p.merge != nil {
		return nil, fmt.Errorf("%q is not a reference path: it selects several members", src)
	}
	return p, nil
}

// MustCompile is Compile for literals known to be valid; it panics otherwise.
func MustCompile(src string) *Path {
	p, err := Compile(src)
	if err != nil {
		panic(err)
	}
	return p
}

// bracketNames rewrites dot-notation names that ojg does not accept in
// dot notation but AWS does (such as $.input-value) into bracket notation
// ($['input-value']). Text inside brackets and quotes is left alone.
func bracketNames(src string) string {
	var b strings.Builder
	depth, parens := 0, 0
	for i := 0; i < len(src); i++ {
		ch := src[i]
		switch {
		case parens > 0 && isBareWordStart(src, i):
			n := bareWord(&b, src[i:])
			i += n - 1
			continue
		case ch == '[':
			depth++
		case ch == '(':
			depth++
			parens++
		case ch == ']':
			depth--
		case ch == ')':
			depth--
			parens--
		case ch == '\'':
			n := quoted(&b, src[i:])
			i += n - 1
			continue
		case ch == '.' && depth == 0 && i+1 < len(src) && src[i+1] == '[' && (i == 0 || src[i-1] != '.'):
			// AWS reads "$.[0]" and "$.a.['b']" as "$[0]" and "$.a['b']".
			continue
		case ch == '.' && depth == 0 && i+1 < len(src) && src[i+1] != '.':
			name := src[i+1:]
			if end := strings.IndexAny(name, ".["); end >= 0 {
				name = name[:end]
			}
			if needsBrackets(name) {
				b.WriteString("['" + strings.NewReplacer("\\", "\\\\", "'", "\\'").Replace(name) + "']")
				i += len(name)
				continue
			}
		}
		b.WriteByte(ch)
	}
	return b.String()
}

// quoted copies the single-quoted string at the start of s and returns
// its length. As in AWS's JSONPath, a backslash inside it escapes only a
// quote; any other backslash is literal, so it is doubled for ojg.
func quoted(b *strings.Builder, s string) int {
	b.WriteByte('\'')
	for i := 1; i < len(s); i++ {
		switch {
		case s[i] == '\\' && i+1 < len(s) && s[i+1] == '\'':
			b.WriteString("\\'")
			i++
		case s[i] == '\\':
			b.WriteString("\\\\")
		case s[i] == '\'':
			b.WriteByte('\'')
			return i + 1
		default:
			b.WriteByte(s[i])
		}
	}
	return len(s)
}

// isBareWordStart reports whether a word starts at src[i] that is not a
// path step, a number, a keyword or a function name: inside a filter AWS
// reads such a word as a string.
func isBareWordStart(src string, i int) bool {
	ch := src[i]
	if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch == '_') {
		return false
	}
	if i > 0 && strings.ContainsRune(".@$_'\"", rune(src[i-1])) || i > 0 && isWordChar(src[i-1]) {
		return false
	}
	end := i
	for end < len(src) && isWordChar(src[end]) {
		end++
	}
	word := src[i:end]
	if word == "true" || word == "false" || word == "null" {
		return false
	}
	return end >= len(src) || src[end] != '('
}

func isWordChar(ch byte) bool {
	return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_'
}

// bareWord writes the word at the start of s as a quoted string and
// returns its length.
func bareWord(b *strings.Builder, s string) int {
	end := 0
	for end < len(s) && isWordChar(s[end]) {
		end++
	}
	b.WriteString("'" + s[:end] + "'")
	return end
}

func needsBrackets(name string) bool {
	if name == "*" || name == "" {
		return false
	}
	for _, r := range name {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127) {
			return true
		}
	}
	return false
}

func isDefinite(expr jp.Expr) bool {
	for _, f := range expr {
		switch f.(type) {
		case jp.Root, jp.At, jp.Child, jp.Nth, jp.Bracket, *jp.Proc:
		default:
			return false
		}
	}
	return true
}

// String returns the source text of the path.
func (p *Path) String() string { return p.src }

// Context reports whether the path reads the context object ("$$").
func (p *Path) Context() bool { return p.context }

// Variable returns the name of the workflow variable the path reads
// ("$order.id" reads variable "order"), or "" for a path on the input or
// the context object. Select then applies to the variable's value.
func (p *Path) Variable() string { return p.variable }

// SplitVariable splits "$name.rest" into the variable name and the rest.
// It reports false for "$", "$$...", "$.x" and "$[0]", which are not
// variable references.
func SplitVariable(src string) (name, rest string, ok bool) {
	if len(src) < 2 || src[0] != '$' || !isWordChar(src[1]) {
		return "", "", false
	}
	end := 1
	for end < len(src) && isWordChar(src[end]) {
		end++
	}
	return src[1:end], src[end:], true
}

// Definite reports whether the path names at most one node.
func (p *Path) Definite() bool { return p.definite }

// IsRoot reports whether the path is "$" (or "$$") alone.
func (p *Path) IsRoot() bool { return len(p.expr) == 1 && p.merge == nil }

// mergedNames returns the names of f when it is a bracket listing more
// than one name and nothing else.
func mergedNames(f jp.Frag) ([]string, bool) {
	u, ok := f.(jp.Union)
	if !ok || len(u) < 2 {
		return nil, false
	}
	names := make([]string, len(u))
	for i, k := range u {
		if names[i], ok = k.(string); !ok {
			return nil, false
		}
	}
	return names, true
}

// merged returns the object holding the members of v named by the
// path's final bracket, or false when v is not an object.
func (p *Path) merged(v any) (any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	out := make(map[string]any, len(p.merge))
	for _, name := range p.merge {
		if x, ok := m[name]; ok {
			out[name] = x
		}
	}
	return out, true
}

// Select evaluates the path against data. A definite path returns its node,
// or an error wrapping ErrNotFound; an indefinite path returns the array of
// every node it matches, possibly empty.
func (p *Path) Select(data any) (any, error) {
	if p.IsRoot() {
		return data, nil
	}
	if !p.definite {
		found := p.expr.Get(data)
		if p.merge != nil {
			objects := found[:0:0]
			for _, v := range found {
				if m, ok := p.merged(v); ok {
					objects = append(objects, m)
				}
			}
			found = objects
		}
		if found == nil {
			found = []any{}
		}
		return found, nil
	}
	v, ok := p.lookup(data)
	if ok && p.merge != nil {
		v, ok = p.merged(v)
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, p.Normalized())
	}
	return v, nil
}

func (p *Path) lookup(data any) (any, bool) {
	cur := data
	for _, f := range p.expr[1:] {
		switch t := f.(type) {
		case jp.Child:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, false
			}
			if cur, ok = m[string(t)]; !ok {
				return nil, false
			}
		case jp.Nth:
			a, ok := cur.([]any)
			if !ok {
				return nil, false
			}
			i := int(t)
			if i < 0 {
				i += len(a)
			}
			if i < 0 || i >= len(a) {
				return nil, false
			}
			cur = a[i]
		case *jp.Proc:
			found := t.Procedure.Get(cur)
			if len(found) != 1 {
				return nil, false
			}
			cur = found[0]
		}
	}
	return cur, true
}

// Normalized renders a definite path in the bracket form AWS prints in
// error messages, such as $['a'][0].
func (p *Path) Normalized() string {
	if !p.definite {
		return p.src
	}
	var b strings.Builder
	b.WriteString("$")
	for _, f := range p.expr[1:] {
		switch t := f.(type) {
		case jp.Child:
			b.WriteString("['" + string(t) + "']")
		case jp.Nth:
			b.WriteString("[" + strconv.Itoa(int(t)) + "]")
		case *jp.Proc:
			b.WriteString(t.String())
		}
	}
	if p.merge != nil {
		b.WriteString("['" + strings.Join(p.merge, "','") + "']")
	}
	return b.String()
}

// Set returns data with value placed at the path, which must be definite.
// Objects on the way are copied, never changed in place; missing objects
// are created. It fails when the path crosses a value that is not an
// object, or an array index that does not exist.
func (p *Path) Set(data, value any) (any, error) {
	if !p.definite || p.merge != nil {
		return nil, fmt.Errorf("%q is not a reference path", p.src)
	}
	return setAt(data, p.expr[1:], value, p)
}

func setAt(cur any, rest jp.Expr, value any, p *Path) (any, error) {
	for len(rest) > 0 {
		if _, ok := rest[0].(jp.Bracket); ok {
			rest = rest[1:]
			continue
		}
		break
	}
	if len(rest) == 0 {
		return value, nil
	}
	switch t := rest[0].(type) {
	case jp.Child:
		var m map[string]any
		switch c := cur.(type) {
		case map[string]any:
			m = make(map[string]any, len(c)+1)
			for k, v := range c {
				m[k] = v
			}
		case nil:
			m = map[string]any{}
		default:
			return nil, fmt.Errorf("cannot set field %q of a %s", string(t), typeName(cur))
		}
		v, err := setAt(m[string(t)], rest[1:], value, p)
		if err != nil {
			return nil, err
		}
		m[string(t)] = v
		return m, nil
	case jp.Nth:
		a, ok := cur.([]any)
		i := int(t)
		if ok && i < 0 {
			i += len(a)
		}
		if !ok || i < 0 || i >= len(a) {
			return nil, fmt.Errorf("index %d does not exist in %s", int(t), p.src)
		}
		b := append([]any(nil), a...)
		v, err := setAt(b[i], rest[1:], value, p)
		if err != nil {
			return nil, err
		}
		b[i] = v
		return b, nil
	}
	return nil, fmt.Errorf("unsupported path element in %s", p.src)
}

func typeName(v any) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case int64, float64, int:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	}
	return "value"
}
