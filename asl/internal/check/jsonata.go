package check

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// checkJSONata reports whether src is a syntactically valid JSONata
// expression. It parses with the operator precedences of JSONata 2.0 and
// builds nothing: evaluation is the job of the engine.
func checkJSONata(src string) error {
	p := &jsonataParser{lex: jsonataLexer{src: src}}
	if err := p.advance(true); err != nil {
		return err
	}
	if p.tok.kind == tokEnd {
		return fmt.Errorf("empty expression")
	}
	if err := p.expression(0); err != nil {
		return err
	}
	if p.tok.kind != tokEnd {
		return p.unexpected()
	}
	return nil
}

// tokenKind classifies JSONata tokens.
type tokenKind int

const (
	tokEnd tokenKind = iota
	tokNumber
	tokString
	tokName     // field name, backquoted name, or keyword
	tokVariable // $name, $ or $$
	tokRegex
	tokOperator
)

// token is one lexical unit of a JSONata expression.
type token struct {
	kind  tokenKind
	value string
	pos   int
}

// is reports whether t is the operator or keyword op.
func (t token) is(op string) bool {
	return (t.kind == tokOperator || t.kind == tokName) && t.value == op
}

// bindingPowers are the left binding powers of infix operators.
var bindingPowers = map[string]int{
	".": 75, "[": 80, "{": 70, "(": 80, "@": 80, "#": 80,
	"?": 20, "+": 50, "-": 50, "*": 60, "/": 60, "%": 60,
	"=": 40, "<": 40, ">": 40, "^": 40, "!=": 40, "<=": 40, ">=": 40,
	"~>": 40, "in": 40, "&": 50, "and": 30, "or": 25,
	"..": 20, ":=": 10, "??": 40, "?:": 40,
}

// jsonataParser is a Pratt parser over the token stream.
type jsonataParser struct {
	lex jsonataLexer
	tok token
}

// advance reads the next token; operand says whether an operand is
// expected there, which makes "/" start a regular expression.
func (p *jsonataParser) advance(operand bool) error {
	t, err := p.lex.next(operand)
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

// expect checks that the current token is op and moves past it.
func (p *jsonataParser) expect(op string, operand bool) error {
	if p.tok.kind != tokOperator || p.tok.value != op {
		return fmt.Errorf("expected %q at position %d, found %s", op, p.tok.pos, p.describe())
	}
	return p.advance(operand)
}

func (p *jsonataParser) describe() string {
	if p.tok.kind == tokEnd {
		return "end of expression"
	}
	return fmt.Sprintf("%q", p.tok.value)
}

func (p *jsonataParser) unexpected() error {
	return fmt.Errorf("unexpected %s at position %d", p.describe(), p.tok.pos)
}

// lbp returns the binding power of the current token as an infix operator.
func (p *jsonataParser) lbp() int {
	switch p.tok.kind {
	case tokOperator:
		return bindingPowers[p.tok.value]
	case tokName:
		if p.tok.value == "and" || p.tok.value == "or" || p.tok.value == "in" {
			return bindingPowers[p.tok.value]
		}
	}
	return 0
}

// expression parses an expression whose operators bind tighter than rbp.
func (p *jsonataParser) expression(rbp int) error {
	if err := p.prefix(); err != nil {
		return err
	}
	for rbp < p.lbp() {
		if err := p.infix(); err != nil {
			return err
		}
	}
	return nil
}

// prefix parses an operand: a literal, name, variable, or a prefix form.
func (p *jsonataParser) prefix() error {
	t := p.tok
	switch t.kind {
	case tokEnd:
		return fmt.Errorf("unexpected end of expression")
	case tokNumber, tokString, tokVariable, tokRegex:
		return p.advance(false)
	case tokName:
		if t.value == "function" || t.value == "λ" {
			return p.lambda()
		}
		return p.advance(false)
	}
	switch t.value {
	case "-":
		if err := p.advance(true); err != nil {
			return err
		}
		return p.expression(70)
	case "*", "**", "%":
		return p.advance(false)
	case "(":
		return p.block()
	case "[":
		return p.array()
	case "{":
		return p.object()
	case "|":
		return p.transform()
	}
	return p.unexpected()
}

// infix parses the operator at the current token and its right side.
func (p *jsonataParser) infix() error {
	op := p.tok.value
	switch op {
	case "[":
		return p.predicate()
	case "{":
		return p.object()
	case "(":
		return p.call()
	case "?":
		return p.condition()
	case "^":
		return p.orderBy()
	case "@", "#":
		return p.binding()
	}
	bp := bindingPowers[op]
	if op == ":=" {
		bp-- // right associative
	}
	if err := p.advance(true); err != nil {
		return err
	}
	return p.expression(bp)
}

// block parses "(expr; expr; ...)".
func (p *jsonataParser) block() error {
	if err := p.advance(true); err != nil {
		return err
	}
	for !p.tok.is(")") {
		if err := p.expression(0); err != nil {
			return err
		}
		if !p.tok.is(";") {
			break
		}
		if err := p.advance(true); err != nil {
			return err
		}
	}
	return p.expect(")", false)
}

// array parses an array constructor "[a, b, c..d]".
func (p *jsonataParser) array() error {
	if err := p.advance(true); err != nil {
		return err
	}
	if err := p.list("]"); err != nil {
		return err
	}
	return p.expect("]", false)
}

// list parses comma-separated expressions up to, not including, end.
func (p *jsonataParser) list(end string) error {
	if p.tok.is(end) {
		return nil
	}
	for {
		if err := p.expression(0); err != nil {
			return err
		}
		if !p.tok.is(",") {
			return nil
		}
		if err := p.advance(true); err != nil {
			return err
		}
	}
}

// object parses "{key: value, ...}", as a constructor or a group-by.
func (p *jsonataParser) object() error {
	if err := p.advance(true); err != nil {
		return err
	}
	for !p.tok.is("}") {
		if err := p.expression(0); err != nil {
			return err
		}
		if err := p.expect(":", true); err != nil {
			return err
		}
		if err := p.expression(0); err != nil {
			return err
		}
		if !p.tok.is(",") {
			break
		}
		if err := p.advance(true); err != nil {
			return err
		}
		if p.tok.is("}") {
			return p.unexpected()
		}
	}
	return p.expect("}", false)
}

// predicate parses "[expr]" or "[]" after an operand.
func (p *jsonataParser) predicate() error {
	if err := p.advance(true); err != nil {
		return err
	}
	if !p.tok.is("]") {
		if err := p.expression(0); err != nil {
			return err
		}
	}
	return p.expect("]", false)
}

// call parses the arguments of a function call; "?" is a placeholder of a
// partial application.
func (p *jsonataParser) call() error {
	if err := p.advance(true); err != nil {
		return err
	}
	for !p.tok.is(")") {
		if err := p.argument(); err != nil {
			return err
		}
		if !p.tok.is(",") {
			break
		}
		if err := p.advance(true); err != nil {
			return err
		}
		if p.tok.is(")") {
			return p.unexpected()
		}
	}
	return p.expect(")", false)
}

// argument parses one argument of a call.
func (p *jsonataParser) argument() error {
	if p.tok.is("?") {
		return p.advance(false)
	}
	return p.expression(0)
}

// condition parses "? then : else" after the condition.
func (p *jsonataParser) condition() error {
	if err := p.advance(true); err != nil {
		return err
	}
	if err := p.expression(0); err != nil {
		return err
	}
	if !p.tok.is(":") {
		return nil
	}
	if err := p.advance(true); err != nil {
		return err
	}
	return p.expression(0)
}

// orderBy parses "^(<a, >b)".
func (p *jsonataParser) orderBy() error {
	if err := p.advance(false); err != nil {
		return err
	}
	if err := p.expect("(", true); err != nil {
		return err
	}
	for {
		if p.tok.is("<") || p.tok.is(">") {
			if err := p.advance(true); err != nil {
				return err
			}
		}
		if err := p.expression(0); err != nil {
			return err
		}
		if !p.tok.is(",") {
			break
		}
		if err := p.advance(true); err != nil {
			return err
		}
	}
	return p.expect(")", false)
}

// binding parses "@$var" (focus) or "#$var" (index).
func (p *jsonataParser) binding() error {
	if err := p.advance(true); err != nil {
		return err
	}
	if p.tok.kind != tokVariable {
		return fmt.Errorf("expected a variable at position %d, found %s", p.tok.pos, p.describe())
	}
	return p.advance(false)
}

// transform parses "| location | update, delete |".
func (p *jsonataParser) transform() error {
	if err := p.advance(true); err != nil {
		return err
	}
	if err := p.expression(0); err != nil {
		return err
	}
	if err := p.expect("|", true); err != nil {
		return err
	}
	if err := p.expression(0); err != nil {
		return err
	}
	if p.tok.is(",") {
		if err := p.advance(true); err != nil {
			return err
		}
		if err := p.expression(0); err != nil {
			return err
		}
	}
	return p.expect("|", false)
}

// lambda parses "function($a, $b)<signature> { body }".
func (p *jsonataParser) lambda() error {
	if err := p.advance(false); err != nil {
		return err
	}
	if err := p.expect("(", true); err != nil {
		return err
	}
	for !p.tok.is(")") {
		if p.tok.kind != tokVariable {
			return fmt.Errorf("expected a parameter at position %d, found %s", p.tok.pos, p.describe())
		}
		if err := p.advance(false); err != nil {
			return err
		}
		if !p.tok.is(",") {
			break
		}
		if err := p.advance(true); err != nil {
			return err
		}
		if p.tok.is(")") {
			return p.unexpected()
		}
	}
	if !p.tok.is(")") {
		return fmt.Errorf("expected \")\" at position %d, found %s", p.tok.pos, p.describe())
	}
	if err := p.lex.skipSignature(); err != nil {
		return err
	}
	if err := p.advance(false); err != nil {
		return err
	}
	if err := p.expect("{", true); err != nil {
		return err
	}
	if err := p.expression(0); err != nil {
		return err
	}
	return p.expect("}", false)
}

// jsonataLexer splits a JSONata expression into tokens.
type jsonataLexer struct {
	src string
	pos int
}

// Operators of JSONata, longest first where one is a prefix of another.
var (
	twoCharOperators = []string{"..", ":=", "!=", "<=", ">=", "**", "~>", "??", "?:"}
	oneCharOperators = ".[]{}(),@#;:?+-*/%|=<>^&!~"
)

// next returns the next token; operand says whether an operand is expected,
// in which case "/" starts a regular expression.
func (l *jsonataLexer) next(operand bool) (token, error) {
	if err := l.skipSpace(); err != nil {
		return token{}, err
	}
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tokEnd, pos: start}, nil
	}
	c := l.src[l.pos]
	switch {
	case c == '/' && operand:
		return l.regex()
	case c == '"' || c == '\'':
		return l.stringLiteral(c)
	case c == '`':
		return l.quotedName()
	case c >= '0' && c <= '9':
		return l.number()
	case c == '$':
		l.pos++
		if l.pos < len(l.src) && l.src[l.pos] == '$' {
			l.pos++
		}
		l.name()
		return token{kind: tokVariable, value: l.src[start:l.pos], pos: start}, nil
	}
	for _, op := range twoCharOperators {
		if strings.HasPrefix(l.src[l.pos:], op) {
			l.pos += 2
			return token{kind: tokOperator, value: op, pos: start}, nil
		}
	}
	if strings.IndexByte(oneCharOperators, c) >= 0 {
		l.pos++
		return token{kind: tokOperator, value: string(c), pos: start}, nil
	}
	l.name()
	return token{kind: tokName, value: l.src[start:l.pos], pos: start}, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// skipSpace skips white space and /* comments */.
func (l *jsonataLexer) skipSpace() error {
	for l.pos < len(l.src) {
		switch {
		case isSpace(l.src[l.pos]):
			l.pos++
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return fmt.Errorf("unterminated comment at position %d", l.pos)
			}
			l.pos += end + 4
		default:
			return nil
		}
	}
	return nil
}

// name moves past the characters of a name: anything up to white space or
// an operator character.
func (l *jsonataLexer) name() {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if isSpace(c) || strings.IndexByte(oneCharOperators, c) >= 0 {
			return
		}
		l.pos++
	}
}

// number reads an unsigned number literal.
func (l *jsonataLexer) number() (token, error) {
	start := l.pos
	l.digits()
	if l.pos+1 < len(l.src) && l.src[l.pos] == '.' && isDigit(l.src[l.pos+1]) {
		l.pos++
		l.digits()
	}
	if l.pos < len(l.src) && (l.src[l.pos] == 'e' || l.src[l.pos] == 'E') {
		save := l.pos
		l.pos++
		if l.pos < len(l.src) && (l.src[l.pos] == '+' || l.src[l.pos] == '-') {
			l.pos++
		}
		if l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.digits()
		} else {
			l.pos = save
		}
	}
	text := l.src[start:l.pos]
	if f, err := strconv.ParseFloat(text, 64); err != nil || math.IsInf(f, 0) {
		return token{}, fmt.Errorf("number %s out of range at position %d", text, start)
	}
	return token{kind: tokNumber, value: text, pos: start}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (l *jsonataLexer) digits() {
	for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
		l.pos++
	}
}

// stringLiteral reads a string quoted with q, checking its escapes.
func (l *jsonataLexer) stringLiteral(q byte) (token, error) {
	start := l.pos
	for l.pos++; l.pos < len(l.src); l.pos++ {
		switch l.src[l.pos] {
		case q:
			l.pos++
			return token{kind: tokString, value: l.src[start:l.pos], pos: start}, nil
		case '\\':
			if err := l.escape(); err != nil {
				return token{}, err
			}
		}
	}
	return token{}, fmt.Errorf("unterminated string literal at position %d", start)
}

// escape checks the escape sequence at the backslash under l.pos and moves
// to its last character.
func (l *jsonataLexer) escape() error {
	at := l.pos
	l.pos++
	if l.pos >= len(l.src) {
		return fmt.Errorf("unterminated string literal")
	}
	switch l.src[l.pos] {
	case '"', '\'', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return nil
	case 'u':
		if l.pos+4 < len(l.src) && isHex(l.src[l.pos+1:l.pos+5]) {
			l.pos += 4
			return nil
		}
		return fmt.Errorf("invalid unicode escape at position %d", at)
	}
	return fmt.Errorf("unsupported escape sequence at position %d", at)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isDigit(c) && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

// quotedName reads a `backquoted` field name.
func (l *jsonataLexer) quotedName() (token, error) {
	start := l.pos
	end := strings.IndexByte(l.src[start+1:], '`')
	if end < 0 {
		return token{}, fmt.Errorf("unterminated quoted name at position %d", start)
	}
	l.pos = start + end + 2
	return token{kind: tokName, value: l.src[start:l.pos], pos: start}, nil
}

// regex reads "/pattern/flags". A slash closes the pattern only outside
// brackets and when not escaped.
func (l *jsonataLexer) regex() (token, error) {
	start := l.pos
	depth := 0
	for l.pos++; l.pos < len(l.src); l.pos++ {
		switch c := l.src[l.pos]; c {
		case '\\':
			l.pos++
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		case '/':
			if depth > 0 {
				continue
			}
			if l.pos == start+1 {
				return token{}, fmt.Errorf("empty regular expression at position %d", start)
			}
			l.pos++
			for l.pos < len(l.src) && l.src[l.pos] >= 'a' && l.src[l.pos] <= 'z' {
				l.pos++
			}
			return token{kind: tokRegex, value: l.src[start:l.pos], pos: start}, nil
		}
	}
	return token{}, fmt.Errorf("unterminated regular expression at position %d", start)
}

// skipSignature moves past an optional "<...>" type signature that follows
// the parameters of a lambda.
func (l *jsonataLexer) skipSignature() error {
	if err := l.skipSpace(); err != nil {
		return err
	}
	if l.pos >= len(l.src) || l.src[l.pos] != '<' {
		return nil
	}
	start, depth := l.pos, 0
	for ; l.pos < len(l.src); l.pos++ {
		switch l.src[l.pos] {
		case '<':
			depth++
		case '>':
			depth--
			if depth == 0 {
				l.pos++
				return nil
			}
		}
	}
	return fmt.Errorf("unterminated function signature at position %d", start)
}
