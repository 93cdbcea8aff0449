package intrinsic

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
)

// prefix starts the name of every intrinsic function.
const prefix = "States."

// maxDepth is how deeply calls may nest in one field, as AWS documents.
const maxDepth = 10

// Call is a parsed intrinsic function invocation; immutable, safe for
// concurrent use.
type Call struct {
	src  string
	fn   *function
	args []arg
	// tmpl is the parsed template of a States.Format call whose first
	// argument is a string literal; tmplErr is why that template is invalid.
	tmpl    *template
	tmplErr error
}

// String returns the source text of the call.
func (c *Call) String() string { return c.src }

// Name returns the function name, such as "States.Format".
func (c *Call) Name() string { return c.fn.name }

type argKind int

const (
	literalArg argKind = iota
	pathArg            // $... or $$...
	varArg             // $name...
	callArg
)

// arg is one parsed argument of a call.
type arg struct {
	kind  argKind
	src   string
	value any            // literalArg
	raw   string         // literalArg holding a string: the text between the quotes
	path  *jsonpath.Path // pathArg, varArg (applied to the variable's value)
	name  string         // varArg
	call  *Call          // callArg
}

// ParseError reports what is wrong in the text of an intrinsic call and
// where. Err is the JSONPath compile error behind it, or nil.
type ParseError struct {
	Src    string // the text given to Parse
	Offset int    // character (not byte) offset in Src where the problem is
	Msg    string
	Err    error
}

// Error renders the message with its offset and the call text.
func (e *ParseError) Error() string {
	return fmt.Sprintf("invalid intrinsic function call %q: %s at offset %d", e.Src, e.Msg, e.Offset)
}

// Unwrap returns the JSONPath compile error behind e, or nil.
func (e *ParseError) Unwrap() error { return e.Err }

// Looks reports whether s is meant as an intrinsic call: it starts with
// "States." after optional spaces. Callers use it to choose between a path
// and a call for "key.$" values; Parse then rejects the leading spaces.
func Looks(s string) bool {
	return strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), prefix)
}

// Parse compiles src such as "States.Format('Hello {}', $.name)". Errors are
// *ParseError values naming what is wrong and where (character offset).
func Parse(src string) (*Call, error) {
	p := &parser{src: src}
	if src == "" || isSpace(src[0]) {
		return nil, p.fail(0, "the call must start with %q, without white space before it", prefix)
	}
	c, err := p.call(1)
	if err != nil {
		return nil, err
	}
	if p.pos < len(src) {
		return nil, p.fail(p.pos, "unexpected %q after the call", src[p.pos:])
	}
	return c, nil
}

type parser struct {
	src string
	pos int
}

func (p *parser) fail(pos int, format string, args ...any) *ParseError {
	return &ParseError{
		Src:    p.src,
		Offset: utf8.RuneCountInString(p.src[:pos]),
		Msg:    fmt.Sprintf(format, args...),
	}
}

func (p *parser) peek() byte {
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// word reads letters, digits, underscores and dots, as function names and
// keywords are made of.
func (p *parser) word() string {
	start := p.pos
	for p.pos < len(p.src) {
		b := p.src[p.pos]
		if !isLetter(b) && !isDigit(b) && b != '_' && b != '.' {
			break
		}
		p.pos++
	}
	return p.src[start:p.pos]
}

// call parses "States.Name(args)" at p.pos; depth counts the calls around it.
func (p *parser) call(depth int) (*Call, error) {
	start := p.pos
	name := p.word()
	if !strings.HasPrefix(name, prefix) {
		return nil, p.fail(start, "expected a function name starting with %q", prefix)
	}
	fn := functions[name]
	if fn == nil {
		return nil, p.fail(start, "unknown intrinsic function %s", name)
	}
	if depth > maxDepth {
		return nil, p.fail(start, "intrinsic functions nest more than %d deep", maxDepth)
	}
	p.skipSpace()
	if p.peek() != '(' {
		return nil, p.fail(p.pos, "expected '(' after %s", name)
	}
	p.pos++
	args, err := p.args(depth)
	if err != nil {
		return nil, err
	}
	c := &Call{src: p.src[start:p.pos], fn: fn, args: args}
	if fn.name == "States.Format" && len(args) > 0 && args[0].kind == literalArg {
		if _, ok := args[0].value.(string); ok {
			c.tmpl, c.tmplErr = parseTemplate(args[0].raw)
		}
	}
	return c, nil
}

// args parses the arguments after '(' up to and including ')'.
func (p *parser) args(depth int) ([]arg, error) {
	var args []arg
	p.skipSpace()
	if p.peek() == ')' {
		p.pos++
		return args, nil
	}
	for {
		p.skipSpace()
		a, err := p.arg(depth)
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		p.skipSpace()
		switch p.peek() {
		case ',':
			p.pos++
		case ')':
			p.pos++
			return args, nil
		case 0:
			return nil, p.fail(p.pos, "missing ')'")
		default:
			return nil, p.fail(p.pos, "expected ',' or ')' but found %q", p.src[p.pos:p.pos+1])
		}
	}
}

func (p *parser) arg(depth int) (arg, error) {
	b := p.peek()
	switch {
	case b == '\'':
		return p.stringArg()
	case b == '$':
		return p.pathArg()
	case b == '-' || isDigit(b):
		return p.numberArg()
	case isLetter(b):
		return p.wordArg(depth)
	case b == ',' || b == ')':
		return arg{}, p.fail(p.pos, "missing argument")
	case b == 0:
		return arg{}, p.fail(p.pos, "missing argument and ')'")
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return arg{}, p.fail(p.pos, "unexpected %q where an argument should be", r)
}

// wordArg parses true, false, null or a nested call.
func (p *parser) wordArg(depth int) (arg, error) {
	start := p.pos
	w := p.word()
	if strings.HasPrefix(w, prefix) {
		p.pos = start
		c, err := p.call(depth + 1)
		if err != nil {
			return arg{}, err
		}
		return arg{kind: callArg, src: c.src, call: c}, nil
	}
	lit := arg{kind: literalArg, src: w}
	switch w {
	case "true":
		lit.value = true
	case "false":
		lit.value = false
	case "null":
		lit.value = nil
	default:
		return arg{}, p.fail(start, "unexpected %q: arguments are strings in single quotes, numbers, true, false, null, paths or calls", w)
	}
	return lit, nil
}

// stringArg parses a single-quoted literal with the escapes \' \{ \} \\.
func (p *parser) stringArg() (arg, error) {
	start := p.pos
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '\'':
			p.pos++
			return arg{kind: literalArg, src: p.src[start:p.pos], value: b.String(), raw: p.src[start+1 : p.pos-1]}, nil
		case '\\':
			if p.pos+1 >= len(p.src) {
				return arg{}, p.fail(p.pos, "unterminated escape sequence")
			}
			e := p.src[p.pos+1]
			if e != '\'' && e != '{' && e != '}' && e != '\\' {
				r, _ := utf8.DecodeRuneInString(p.src[p.pos+1:])
				return arg{}, p.fail(p.pos, "invalid escape sequence \\%c: only \\', \\{, \\} and \\\\ are allowed", r)
			}
			b.WriteByte(e)
			p.pos += 2
		default:
			b.WriteByte(c)
			p.pos++
		}
	}
	return arg{}, p.fail(start, "unterminated string literal")
}

// numberArg parses a JSON number: -?digits(.digits)?([eE][+-]?digits)?.
func (p *parser) numberArg() (arg, error) {
	start := p.pos
	if p.peek() == '-' {
		p.pos++
	}
	if !p.digits() {
		return arg{}, p.fail(start, "invalid number")
	}
	integer := true
	if p.peek() == '.' {
		integer = false
		p.pos++
		if !p.digits() {
			return arg{}, p.fail(start, "invalid number: digits must follow '.'")
		}
	}
	if b := p.peek(); b == 'e' || b == 'E' {
		integer = false
		p.pos++
		if b := p.peek(); b == '+' || b == '-' {
			p.pos++
		}
		if !p.digits() {
			return arg{}, p.fail(start, "invalid number: digits must follow the exponent")
		}
	}
	text := p.src[start:p.pos]
	if b := p.peek(); isLetter(b) || b == '.' || b == '_' {
		return arg{}, p.fail(start, "invalid number %q", text+string(b))
	}
	lit := arg{kind: literalArg, src: text}
	if integer {
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			lit.value = i
			return lit, nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) {
		return arg{}, p.fail(start, "number %s is out of range", text)
	}
	lit.value = f
	return lit, nil
}

func (p *parser) digits() bool {
	start := p.pos
	for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
		p.pos++
	}
	return p.pos > start
}

// pathArg parses a JSONPath ($..., $$...) or a variable reference ($name...).
// The path ends at a ',' or ')' or white space outside brackets, parentheses
// and quotes.
func (p *parser) pathArg() (arg, error) {
	start := p.pos
	if err := p.scanPath(); err != nil {
		return arg{}, err
	}
	text := p.src[start:p.pos]
	path, err := compilePath(text)
	if err != nil {
		e := p.fail(start, "%v", err)
		e.Err = err
		return arg{}, e
	}
	a := arg{kind: pathArg, src: text, path: path}
	if name := path.Variable(); name != "" {
		a.kind, a.name = varArg, name
	}
	return a, nil
}

func (p *parser) scanPath() error {
	start := p.pos
	depth := 0
	var quote byte
	for ; p.pos < len(p.src); p.pos++ {
		b := p.src[p.pos]
		switch {
		case quote != 0:
			if b == '\\' && p.pos+1 < len(p.src) {
				p.pos++
			} else if b == quote {
				quote = 0
			}
		case depth > 0 && (b == '\'' || b == '"'):
			quote = b
		case b == '[' || b == '(':
			depth++
		case depth > 0 && (b == ']' || b == ')'):
			depth--
		case depth == 0 && (b == ',' || b == ')' || b == ']' || isSpace(b)):
			return nil
		}
	}
	if quote != 0 || depth > 0 {
		return p.fail(start, "unterminated path")
	}
	return nil
}

// compilePath compiles a JSONPath, turning a panic of the JSONPath parser
// into an error so that Parse never panics.
func compilePath(src string) (path *jsonpath.Path, err error) {
	defer func() {
		if r := recover(); r != nil {
			path, err = nil, fmt.Errorf("cannot parse path: %v", r)
		}
	}()
	return jsonpath.Compile(src)
}
