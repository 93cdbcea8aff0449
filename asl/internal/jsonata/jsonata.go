package jsonata

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"math/rand/v2"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

//go:embed third_party/jsonata.js
var librarySource string

// Rewrites that make jsonata 2.x synchronous. Its evaluator is written
// with async functions only so that bound functions may return promises;
// none of the functions Step Functions offers does, and goja runs every
// await through promise jobs, which made evaluation ~10x slower. Dropping
// async and await keeps every result: suite.sh checks that the rewritten
// library and the original one on node agree on every case.
var (
	asyncFunction = regexp.MustCompile(`\basync\s+function\b`)
	asyncArrow    = regexp.MustCompile(`\basync\s*(\([^()]*\)\s*=>)`)
	awaitAll      = regexp.MustCompile(`\bawait\s+Promise\.all\(`)
	awaitOperator = regexp.MustCompile(`\bawait\s+`)
)

// synchronous rewrites the library source as described above.
func synchronous(src string) string {
	src = asyncFunction.ReplaceAllString(src, "function")
	src = asyncArrow.ReplaceAllString(src, "$1")
	src = awaitAll.ReplaceAllString(src, "(")
	return awaitOperator.ReplaceAllString(src, "")
}

//go:embed prelude.js
var preludeSource string

// ErrUndefined is returned by Eval when the expression yields nothing
// (JSONata's undefined).
var ErrUndefined = errors.New("the expression returned nothing (undefined)")

// ErrFunction is returned by Eval when the expression yields a function,
// which has no JSON form.
var ErrFunction = errors.New("the expression returned a function")

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

// maxCallStack bounds the depth of JavaScript calls of one evaluation, so
// a runaway recursive JSONata function fails instead of exhausting the
// process's stack.
const maxCallStack = 4000

// maxResultBytes bounds the JSON text of a result; no state input,
// output or variable may be near this large.
const maxResultBytes = 8 << 20

// ErrTimeout is returned by Eval when the evaluation ran past its time
// limit.
var ErrTimeout = errors.New("the evaluation ran past its time limit")

// Compile parses src and reports a syntax error as an *Error.
func Compile(src string) (*Expr, error) {
	if strings.TrimSpace(src) == "" {
		return nil, &Error{Code: "S0207", Message: "Unexpected end of expression"}
	}
	err := bounded(DefaultTimeout, func(v *vm) error { return v.compile(src) })
	if err != nil {
		return nil, err
	}
	return &Expr{src: src, vars: variables(src)}, nil
}

// bounded runs fn on a pooled runtime, interrupting it after timeout; a
// runtime that was interrupted is dropped, not pooled.
func bounded(timeout time.Duration, fn func(*vm) error) error {
	v := pool.get()
	timer := time.AfterFunc(timeout, func() { v.rt.Interrupt(ErrTimeout) })
	err := fn(v)
	if !timer.Stop() {
		var ie *goja.InterruptedError
		if errors.As(err, &ie) || err == nil {
			return ErrTimeout
		}
		return err
	}
	pool.put(v)
	return err
}

// String returns the expression's source text.
func (e *Expr) String() string { return e.src }

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
func (e *Expr) Eval(input any, bindings map[string]any, env *Env) (any, error) {
	if env == nil {
		env = &Env{}
	}
	timeout := env.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var out any
	err := bounded(timeout, func(v *vm) error {
		var err error
		out, err = v.eval(e.src, input, bindings, env)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// variables lists the $names src mentions, outside string literals.
func variables(src string) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case '"', '\'':
			for i++; i < len(src) && src[i] != c; i++ {
				if src[i] == '\\' {
					i++
				}
			}
		case '$':
			j := i + 1
			for j < len(src) && (isNameByte(src[j])) {
				j++
			}
			if name := src[i+1 : j]; name != "" && !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
			i = j - 1
		}
	}
	return out
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// vm is one goja runtime with jsonata and the prelude loaded.
type vm struct {
	rt       *goja.Runtime
	evaluate goja.Callable
	compileJ goja.Callable
	encode   goja.Callable
	glue     goja.Value
	env      *Env
}

var (
	programOnce sync.Once
	library     *goja.Program
	prelude     *goja.Program
	programErr  error
)

func programs() (*goja.Program, *goja.Program, error) {
	programOnce.Do(func() {
		library, programErr = goja.Compile("jsonata.js",
			"var module = {exports: {}}; var exports = module.exports;\n"+synchronous(librarySource)+"\nvar jsonata = module.exports;", false)
		if programErr == nil {
			prelude, programErr = goja.Compile("prelude.js", preludeSource, false)
		}
	})
	return library, prelude, programErr
}

func newVM() (*vm, error) {
	lib, pre, err := programs()
	if err != nil {
		return nil, err
	}
	v := &vm{rt: goja.New()}
	v.rt.SetMaxCallStackSize(maxCallStack)
	v.rt.SetTimeSource(func() time.Time {
		if v.env != nil && !v.env.Now.IsZero() {
			return v.env.Now
		}
		return time.Unix(0, 0)
	})
	v.rt.SetRandSource(func() float64 { return v.float() })
	host := v.rt.NewObject()
	_ = host.Set("hash", v.hash)
	_ = host.Set("random", v.random)
	_ = host.Set("uuid", v.uuid)
	_ = v.rt.Set("__go", host)
	if _, err := v.rt.RunProgram(lib); err != nil {
		return nil, err
	}
	if _, err := v.rt.RunProgram(pre); err != nil {
		return nil, err
	}
	glue := v.rt.Get("__stepwise").ToObject(v.rt)
	v.glue = glue
	var ok bool
	if v.evaluate, ok = goja.AssertFunction(glue.Get("evaluate")); !ok {
		return nil, errors.New("jsonata prelude: no evaluate")
	}
	v.compileJ, _ = goja.AssertFunction(glue.Get("compile"))
	v.encode, _ = goja.AssertFunction(glue.Get("encode"))
	return v, nil
}

func (v *vm) compile(src string) error {
	_, err := v.compileJ(v.glue, v.rt.ToValue(src))
	return v.jsError(err)
}

func (v *vm) eval(src string, input any, bindings map[string]any, env *Env) (any, error) {
	v.env = env
	defer func() { v.env = nil }()
	in := v.rt.ToValue(jsonvalue.String(input))
	b := goja.Undefined()
	if len(bindings) > 0 {
		b = v.rt.ToValue(jsonvalue.String(bindings))
	}
	res, err := v.evaluate(v.glue, v.rt.ToValue(src), in, b)
	if err != nil {
		return nil, v.jsError(err)
	}
	obj := res.ToObject(v.rt)
	if !obj.Get("done").ToBoolean() {
		return nil, &Error{Message: "the expression did not finish"}
	}
	if e := obj.Get("error"); e != nil && !goja.IsUndefined(e) {
		return nil, v.errorValue(e)
	}
	enc, err := v.encode(v.glue, obj.Get("value"))
	if err != nil {
		return nil, v.jsError(err)
	}
	pair := enc.ToObject(v.rt)
	switch pair.Get("0").String() {
	case "undefined":
		return nil, ErrUndefined
	case "function":
		return nil, ErrFunction
	}
	text := pair.Get("1").String()
	if len(text) > maxResultBytes {
		return nil, &Error{Message: fmt.Sprintf("the result is larger than %d bytes", maxResultBytes)}
	}
	out, err := jsonvalue.Decode([]byte(text))
	if err != nil {
		return nil, &Error{Message: "the result is not JSON: " + err.Error()}
	}
	return out, nil
}

func (v *vm) jsError(err error) error {
	if err == nil {
		return nil
	}
	var ie *goja.InterruptedError
	if errors.As(err, &ie) {
		return err
	}
	var so *goja.StackOverflowError
	if errors.As(err, &so) {
		return &Error{Code: "U1001", Message: "Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive."}
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		return v.errorValue(ex.Value())
	}
	return &Error{Message: err.Error()}
}

func (v *vm) errorValue(val goja.Value) error {
	obj, ok := val.(*goja.Object)
	if !ok {
		return &Error{Message: val.String()}
	}
	e := &Error{Message: obj.Get("message").String()}
	if c := obj.Get("code"); c != nil && !goja.IsUndefined(c) {
		e.Code = c.String()
		if e.Code == "States.QueryEvaluationError" {
			e.Code = ""
		}
	}
	if p := obj.Get("position"); p != nil && !goja.IsUndefined(p) {
		e.Position = int(p.ToInteger())
	}
	return e
}

func (v *vm) float() float64 {
	if v.env == nil || v.env.Rand == nil {
		panic(v.rt.NewGoError(errors.New("no random source is available")))
	}
	return v.env.Rand.Float64()
}

func (v *vm) random(seed goja.Value) float64 {
	if seed != nil && !goja.IsNull(seed) && !goja.IsUndefined(seed) {
		s := uint64(seed.ToInteger())
		return rand.New(rand.NewPCG(s, s^0x9e3779b97f4a7c15)).Float64()
	}
	return v.float()
}

func (v *vm) uuid() string {
	if v.env == nil || v.env.Rand == nil {
		panic(v.rt.NewGoError(errors.New("no random source is available")))
	}
	var b [16]byte
	for i := range b {
		b[i] = byte(v.env.Rand.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (v *vm) hash(data, algorithm string) string {
	var h hash.Hash
	switch algorithm {
	case "MD5":
		h = md5.New()
	case "SHA-1":
		h = sha1.New()
	case "SHA-256":
		h = sha256.New()
	case "SHA-384":
		h = sha512.New384()
	case "SHA-512":
		h = sha512.New()
	default:
		panic(v.rt.NewGoError(fmt.Errorf("the hash algorithm %q is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512", algorithm)))
	}
	h.Write([]byte(data))
	return hex.EncodeToString(h.Sum(nil))
}

// vmPool hands out runtimes, creating them on demand and keeping a few.
type vmPool struct {
	free chan *vm
}

// pool is the process's cache of loaded runtimes (see the package doc).
var pool = &vmPool{free: make(chan *vm, 16)}

func (p *vmPool) get() *vm {
	select {
	case v := <-p.free:
		return v
	default:
	}
	v, err := newVM()
	if err != nil {
		panic("jsonata: cannot load the embedded library: " + err.Error())
	}
	return v
}

func (p *vmPool) put(v *vm) {
	select {
	case p.free <- v:
	default:
	}
}
