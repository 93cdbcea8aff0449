package jsonpath

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ohler55/ojg/jp"
)

// AWS's JSONPath accepts script expressions, a bracket holding an
// arithmetic expression on the current node: $[(@.length-1)] selects the
// last element of an array. ojg parses "[(...)]" and hands the text to
// jp.CompileScript, which this package sets to compile the expression.
func init() {
	jp.CompileScript = compileScript
}

// compileScript compiles the code of a script expression, parentheses
// included. It panics on a syntax error; ojg's parser turns the panic into
// the error of jp.ParseString.
func compileScript(code []byte) jp.Procedure {
	s := &scriptParser{src: string(code)}
	e := s.sum()
	s.space()
	if s.pos != len(s.src) {
		panic(fmt.Errorf("unexpected %q in script expression %s", s.src[s.pos:], s.src))
	}
	return &script{expr: e}
}

// script is a compiled script expression: it selects the element of the
// current array at the index the expression gives, or the member of the
// current object it names.
type script struct{ expr scriptExpr }

// Get returns the node the script selects in data, or nothing.
func (s *script) Get(data any) []any {
	if v, ok := s.lookup(data); ok {
		return []any{v}
	}
	return nil
}

// First returns the node the script selects in data, or nil.
func (s *script) First(data any) any {
	v, _ := s.lookup(data)
	return v
}

func (s *script) lookup(data any) (any, bool) {
	key, ok := s.expr(data)
	if !ok {
		return nil, false
	}
	switch c := data.(type) {
	case []any:
		i, ok := key.(int64)
		if !ok {
			return nil, false
		}
		if i < 0 {
			i += int64(len(c))
		}
		if i < 0 || i >= int64(len(c)) {
			return nil, false
		}
		return c[i], true
	case map[string]any:
		name, ok := key.(string)
		if !ok {
			return nil, false
		}
		v, ok := c[name]
		return v, ok
	}
	return nil, false
}

// scriptExpr evaluates part of a script expression with @ bound to the
// current node; it reports false when a value is missing or of the wrong
// type.
type scriptExpr func(cur any) (any, bool)

// scriptParser is a recursive-descent parser over integers, strings,
// @ paths (with .length for the size of an array or string), parentheses,
// unary minus and the operators + - * / %.
type scriptParser struct {
	src   string
	pos   int
	depth int
}

// maxScriptDepth bounds the nesting of parentheses and unary minus signs
// in a script expression, and so the parser's recursion.
const maxScriptDepth = 64

func (s *scriptParser) space() {
	for s.pos < len(s.src) && s.src[s.pos] == ' ' {
		s.pos++
	}
}

func (s *scriptParser) peek() byte {
	s.space()
	if s.pos < len(s.src) {
		return s.src[s.pos]
	}
	return 0
}

func (s *scriptParser) sum() scriptExpr {
	left := s.product()
	for op := s.peek(); op == '+' || op == '-'; op = s.peek() {
		s.pos++
		left = arithmetic(op, left, s.product())
	}
	return left
}

func (s *scriptParser) product() scriptExpr {
	left := s.unary()
	for op := s.peek(); op == '*' || op == '/' || op == '%'; op = s.peek() {
		s.pos++
		left = arithmetic(op, left, s.unary())
	}
	return left
}

func (s *scriptParser) unary() scriptExpr {
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > maxScriptDepth {
		panic(fmt.Errorf("script expression %s is nested too deeply", s.src))
	}
	switch ch := s.peek(); {
	case ch == '-':
		s.pos++
		return arithmetic('-', constant(int64(0)), s.unary())
	case ch == '(':
		s.pos++
		e := s.sum()
		if s.peek() != ')' {
			panic(fmt.Errorf("missing ')' in script expression %s", s.src))
		}
		s.pos++
		return e
	case ch == '@':
		s.pos++
		return s.current()
	case ch == '\'':
		return s.text()
	case ch >= '0' && ch <= '9':
		start := s.pos
		for s.pos < len(s.src) && s.src[s.pos] >= '0' && s.src[s.pos] <= '9' {
			s.pos++
		}
		n, err := strconv.ParseInt(s.src[start:s.pos], 10, 64)
		if err != nil {
			panic(err)
		}
		return constant(n)
	}
	panic(fmt.Errorf("unexpected %q in script expression %s", s.src[s.pos:], s.src))
}

// current parses the member names after @.
func (s *scriptParser) current() scriptExpr {
	var names []string
	for s.pos < len(s.src) && s.src[s.pos] == '.' {
		s.pos++
		start := s.pos
		for s.pos < len(s.src) && isWordChar(s.src[s.pos]) {
			s.pos++
		}
		if start == s.pos {
			panic(fmt.Errorf("missing name after '.' in script expression %s", s.src))
		}
		names = append(names, s.src[start:s.pos])
	}
	return func(cur any) (any, bool) {
		for _, name := range names {
			switch c := cur.(type) {
			case map[string]any:
				v, ok := c[name]
				if !ok {
					return nil, false
				}
				cur = v
			case []any:
				if name != "length" {
					return nil, false
				}
				cur = int64(len(c))
			case string:
				if name != "length" {
					return nil, false
				}
				cur = int64(len([]rune(c)))
			default:
				return nil, false
			}
		}
		return cur, true
	}
}

func (s *scriptParser) text() scriptExpr {
	end := strings.IndexByte(s.src[s.pos+1:], '\'')
	if end < 0 {
		panic(fmt.Errorf("unterminated string in script expression %s", s.src))
	}
	v := s.src[s.pos+1 : s.pos+1+end]
	s.pos += end + 2
	return constant(v)
}

func constant(v any) scriptExpr {
	return func(any) (any, bool) { return v, true }
}

// arithmetic applies op to two integer operands; + also joins strings.
func arithmetic(op byte, left, right scriptExpr) scriptExpr {
	return func(cur any) (any, bool) {
		l, lok := left(cur)
		r, rok := right(cur)
		if !lok || !rok {
			return nil, false
		}
		if ls, ok := l.(string); ok && op == '+' {
			rs, ok := r.(string)
			return ls + rs, ok
		}
		a, aok := toInt(l)
		b, bok := toInt(r)
		if !aok || !bok {
			return nil, false
		}
		switch op {
		case '+':
			return a + b, true
		case '-':
			return a - b, true
		case '*':
			return a * b, true
		}
		if b == 0 {
			return nil, false
		}
		if op == '/' {
			return a / b, true
		}
		return a % b, true
	}
}

func toInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	}
	return 0, false
}
