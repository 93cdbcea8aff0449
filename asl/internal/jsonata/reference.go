package jsonata

import (
	_ "embed"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/dop251/goja"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// The reference evaluator: jsonata 2.2.2 in goja (see the package doc).

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

// maxCallStack bounds the depth of JavaScript calls of one evaluation, so
// a runaway recursive JSONata function fails instead of exhausting the
// process's stack.
const maxCallStack = 4000

// compileReference checks src's syntax on the reference.
func compileReference(src string) error {
	return bounded(DefaultTimeout, func(v *vm) error { return v.compile(src) })
}

// evalReference evaluates src on the reference, bounded by env.Timeout.
func evalReference(src string, input any, bindings map[string]any, env *Env) (any, error) {
	timeout := env.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	var out any
	err := bounded(timeout, func(v *vm) error {
		var err error
		out, err = v.eval(src, input, bindings, env)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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

// float is Math.random: the Env's random source.
func (v *vm) float() float64 {
	f, err := randomFloat(v.env)
	if err != nil {
		panic(v.rt.NewGoError(err))
	}
	return f
}

func (v *vm) random(seed goja.Value) float64 {
	if seed != nil && !goja.IsNull(seed) && !goja.IsUndefined(seed) {
		return seededRandom(seed.ToInteger())
	}
	return v.float()
}

func (v *vm) uuid() string {
	u, err := newUUID(v.env)
	if err != nil {
		panic(v.rt.NewGoError(err))
	}
	return u
}

func (v *vm) hash(data, algorithm string) string {
	h, err := hashHex(data, algorithm)
	if err != nil {
		panic(v.rt.NewGoError(err))
	}
	return h
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
