package jsonata

import (
	"errors"
	"math/rand/v2"
	"strings"
	"time"
)

// ErrUndefined is returned by Eval when the expression yields nothing
// (JSONata's undefined).
var ErrUndefined = errors.New("the expression returned nothing (undefined)")

// ErrFunction is returned by Eval when the expression yields a function,
// which has no JSON form.
var ErrFunction = errors.New("the expression returned a function")

// ErrTimeout is returned by Eval when the evaluation ran past its time
// limit.
var ErrTimeout = errors.New("the evaluation ran past its time limit")

// Error is a JSONata compile or evaluation error: Code is JSONata's code
// (such as S0202 or T1006), empty for an error thrown by a host function.
type Error struct {
	Code    string
	Message string
	// Position is the character offset the error refers to; 0 when unknown.
	Position int
}

// Error renders the error as AWS quotes it: "CODE: message".
func (e *Error) Error() string {
	if e.Code == "" {
		return e.Message
	}
	return e.Code + ": " + e.Message
}

// Expr is a compiled JSONata expression. It is immutable and safe for
// concurrent use.
type Expr struct {
	src  string
	vars []string
	// native is the Go form of the expression; nil when the expression
	// falls back to the reference (fallback says why).
	native   *nativeExpr
	fallback string
	// direct is the expression compiled for the direct evaluator; nil
	// when it holds anything outside its subset.
	direct *directExpr
}

// Env supplies what an evaluation reads besides its data: the clock for
// $now and $millis, and the random source for $random and $uuid. A nil
// Rand makes those two fail.
type Env struct {
	Now  time.Time
	Rand *rand.Rand
	// Timeout bounds the evaluation's run time; 0 means DefaultTimeout.
	Timeout time.Duration
}

// DefaultTimeout is how long an evaluation may run when Env.Timeout is 0.
const DefaultTimeout = 5 * time.Second

// maxResultBytes bounds the JSON text of a result; no state input,
// output or variable may be near this large.
const maxResultBytes = 8 << 20

// Compile parses src and reports a syntax error as an *Error. The
// reference checks the syntax (its errors are the ones AWS quotes); the
// expression is then compiled natively, or falls back to the reference
// when the native evaluator cannot run it (see Fallback), and compiled
// for the direct evaluator when it is within its subset.
func Compile(src string) (*Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &Error{Code: "S0207", Message: "Unexpected end of expression"}
	}
	if err := compileReference(src); err != nil {
		return nil, err
	}
	e := &Expr{src: src, vars: variables(src)}
	e.native, e.fallback = compileNative(src)
	if e.native == nil {
		fallbacks.Add(1)
	}
	e.direct = compileDirect(src)
	return e, nil
}

// String returns the expression's source text.
func (e *Expr) String() string { return e.src }

// Fallback returns why the expression is evaluated by the reference
// instead of natively, or "" when it is evaluated natively.
func (e *Expr) Fallback() string { return e.fallback }

// Uses reports whether the expression may read the variable $name (it
// errs on the side of yes).
func (e *Expr) Uses(name string) bool {
	for _, v := range e.vars {
		if v == name {
			return true
		}
	}
	return false
}

// Variables returns the names of the $variables the expression mentions.
func (e *Expr) Variables() []string { return e.vars }

// Eval evaluates the expression on input with bindings: each key is bound
// as $key. Values are the JSON values of package jsonvalue. It returns
// ErrUndefined, ErrFunction or an *Error when there is no JSON result.
//
// The direct evaluator answers first when the expression is within its
// subset; what it declines goes to the native evaluator, and a native
// evaluation that fails is repeated on the reference, whose
// error (code and message) is the one AWS quotes; failures are rare, so
// their cost does not matter.
func (e *Expr) Eval(input any, bindings map[string]any, env *Env) (any, error) {
	if env == nil {
		env = &Env{}
	}
	observe(e, input, bindings)
	return e.eval(input, bindings, env)
}

func (e *Expr) eval(input any, bindings map[string]any, env *Env) (any, error) {
	if e.direct != nil {
		out, err := e.direct.eval(input, bindings, env)
		if !errors.Is(err, errDeclined) {
			return out, err
		}
	}
	if e.native != nil {
		out, err := e.native.eval(e.vars, input, bindings, env)
		if err == nil || errors.Is(err, ErrUndefined) || errors.Is(err, ErrFunction) {
			return out, err
		}
	}
	return evalReference(e.src, input, bindings, env)
}

// scan lists the $names src mentions and the bare words it holds,
// outside string literals, backquoted names and comments.
func scan(src string) (names, words []string) {
	seen := map[string]bool{}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '"' || c == '\'' || c == '`':
			i = skipQuoted(src, i)
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			if end := strings.Index(src[i+2:], "*/"); end >= 0 {
				i += end + 3
			} else {
				i = len(src)
			}
		case c == '$':
			j := nameEnd(src, i+1)
			if name := src[i+1 : j]; name != "" && !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
			i = j - 1
		case isNameByte(c):
			j := nameEnd(src, i)
			words = append(words, src[i:j])
			i = j - 1
		}
	}
	return names, words
}

func skipQuoted(src string, i int) int {
	q := src[i]
	for i++; i < len(src) && src[i] != q; i++ {
		if src[i] == '\\' {
			i++
		}
	}
	return i
}

func nameEnd(src string, j int) int {
	for j < len(src) && isNameByte(src[j]) {
		j++
	}
	return j
}

// variables lists the $names src mentions, outside string literals.
func variables(src string) []string {
	names, _ := scan(src)
	return names
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}
