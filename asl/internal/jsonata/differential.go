package jsonata

import (
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// The differential check: the reference is the oracle the native
// evaluator is measured against (see the package doc).

// An Evaluation is one call of Eval, as an observer sees it.
type Evaluation struct {
	Expr     *Expr
	Input    any
	Bindings map[string]any
}

// observer, when set, sees every evaluation (see Observe).
var observer atomic.Pointer[func(Evaluation)]

// Observe makes f see every evaluation of the process until stop is
// called; the differential test uses it to collect the evaluations of a
// corpus run, which it then replays with Compare. f must be safe for
// concurrent use. Only one observer is active at a time.
func Observe(f func(Evaluation)) (stop func()) {
	observer.Store(&f)
	return func() { observer.Store(nil) }
}

func observe(e *Expr, input any, bindings map[string]any) {
	if f := observer.Load(); f != nil {
		(*f)(Evaluation{Expr: e, Input: input, Bindings: bindings})
	}
}

// Outcomes are what the evaluators made of one evaluation, each as
// Outcome renders it.
type Outcomes struct {
	// Direct is the direct evaluator's outcome; "" when the expression is
	// outside its subset or it declined the evaluation.
	Direct string
	// Native is the native evaluator's own outcome, before a failure is
	// handed to the reference; "" when the expression falls back.
	Native string
	// Served is what Eval returns: Direct, Native, or the reference's
	// outcome when the native evaluation failed or the expression falls
	// back.
	Served    string
	Reference string
}

// Compare evaluates e on input and bindings directly, natively, as Eval
// does and on the reference, each with the same clock and random seed.
func (e *Expr) Compare(input any, bindings map[string]any) Outcomes {
	env := func() *Env {
		return &Env{Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Rand: rand.New(rand.NewPCG(1, 2))}
	}
	var o Outcomes
	if e.direct != nil {
		v, err := e.direct.eval(input, bindings, env())
		if !errors.Is(err, errDeclined) {
			o.Direct = Outcome(v, err)
		}
	}
	if e.native != nil {
		o.Native = Outcome(e.native.eval(e.vars, input, bindings, env()))
	}
	o.Served = Outcome(e.eval(input, bindings, env()))
	o.Reference = Outcome(evalReference(e.src, input, bindings, env()))
	return o
}

// Outcome renders a result or error of Eval as text: the result's JSON,
// "undefined", "function", or "error: " and the error (a native error
// other than an *Error is just "error").
func Outcome(v any, err error) string {
	var je *Error
	switch {
	case err == nil:
		return jsonvalue.String(v)
	case errors.Is(err, ErrUndefined):
		return "undefined"
	case errors.Is(err, ErrFunction):
		return "function"
	case errors.As(err, &je):
		return "error: " + je.Error()
	}
	return "error"
}

// EvalReference evaluates e on the reference alone, as Eval does for an
// expression that falls back; the differential test measures with it.
func EvalReference(e *Expr, input any, bindings map[string]any) (any, error) {
	return evalReference(e.src, input, bindings, &Env{})
}
