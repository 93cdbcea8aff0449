package asl

import (
	"errors"
	"time"

	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Kind says what a Decision asks the caller to do.
type Kind int

// The kinds of decision.
const (
	// KindNext moves to state Next with Output.
	KindNext Kind = iota
	// KindSucceed ends the machine (or branch) successfully with Output.
	KindSucceed
	// KindFail ends the machine (or branch) with Error.
	KindFail
	// KindTask runs Task, then calls Complete or Failed.
	KindTask
	// KindWait waits until Until, then moves on like KindNext (Next empty
	// means the Wait state ends the machine).
	KindWait
	// KindParallel runs Branches, then calls Complete or Failed.
	KindParallel
	// KindMap runs Map's iterations, then calls Complete or Failed.
	KindMap
	// KindRetry re-enters the same state with the same input after Delay,
	// counting one more use of Retry[Retrier].
	KindRetry
)

// PayloadLimit is the largest state input or output, in bytes of JSON.
const PayloadLimit = 256 * 1024

// Decision is the outcome of one step of the pure step function.
type Decision struct {
	Kind   Kind
	Next   string
	Output any
	Error  *Error
	// Caught is the error a Catcher handled on a KindNext decision.
	Caught *Error
	Task   *TaskCall
	Until  time.Time
	// Branches are the Parallel branches with their common input.
	Branches []*StateMachine
	Input    any
	Map      *MapRun
	// Delay and Retrier describe a KindRetry decision.
	Delay   time.Duration
	Retrier int
	// Assign holds the workflow variables the step sets, to apply (see
	// Merge) when the machine moves on after a KindNext, KindSucceed or
	// KindWait decision; nil sets none.
	Assign map[string]any
}

// stepper is a state of this package: each kind of state enters in its own
// way.
type stepper interface {
	enter(input any, c *Context) Decision
}

// Enter runs state name on input: it processes the state's input and
// decides what happens next. c describes the moment and the execution.
func (m *StateMachine) Enter(name string, input any, c *Context) Decision {
	st, ok := m.States[name]
	if !ok {
		return failWith(runtimeError(c, "state %q does not exist", name))
	}
	if s, ok := st.(stepper); ok {
		return s.enter(input, c)
	}
	return failWith(runtimeError(c, "state %q has no step", name))
}

// Complete applies the result of a Task, Parallel or Map state to its
// input: ResultSelector, ResultPath, OutputPath, then Next or End.
func (m *StateMachine) Complete(name string, input, result any, c *Context) Decision {
	st, ok := m.States[name]
	if !ok {
		return failWith(runtimeError(c, "state %q does not exist", name))
	}
	b := st.Common()
	if b.jsonata() {
		out, assign, err := b.finish(&states{input: input, result: result, hasResult: true}, result, c)
		if err != nil {
			return b.handle(err, input, c)
		}
		return b.proceed(out).assigning(assign)
	}
	if b.ResultSelector != nil {
		var err error
		if result, err = b.ResultSelector.Eval(result, c); err != nil {
			return b.handle(AsError(err), input, c)
		}
	}
	assign, aerr := b.Assign.eval(result, nil, c)
	if aerr != nil {
		return b.handle(aerr, input, c)
	}
	out, err := b.output(input, result, c)
	if err != nil {
		return b.handle(err, input, c)
	}
	return b.proceed(out).assigning(assign)
}

// assigning returns d with its variable assignments set.
func (d Decision) assigning(assign map[string]any) Decision {
	d.Assign = assign
	return d
}

// finish evaluates a JSONata state's Output (dflt when it has none) and
// Assign, both on the same $states and the variables before assignment.
func (b *Base) finish(st *states, dflt any, c *Context) (any, map[string]any, *Error) {
	return outputAndAssign(b.Output, b.Assign, st, dflt, c)
}

func outputAndAssign(output *Value, assign *Assign, st *states, dflt any, c *Context) (any, map[string]any, *Error) {
	out := dflt
	if output != nil {
		var err *Error
		if out, err = output.eval(st, c); err != nil {
			return nil, nil, err
		}
	}
	vars, err := assign.eval(nil, st, c)
	if err != nil {
		return nil, nil, err
	}
	return out, vars, nil
}

// Failed applies Retry and Catch to an error raised by state name
// (c.Retries holds how often each retrier was used so far).
func (m *StateMachine) Failed(name string, input any, e *Error, c *Context) Decision {
	st, ok := m.States[name]
	if !ok {
		return failWith(runtimeError(c, "state %q does not exist", name))
	}
	return st.Common().handle(e, input, c)
}

func failWith(e *Error) Decision { return Decision{Kind: KindFail, Error: e} }

// proceed moves to Next, or ends the machine for a terminal state.
func (b *Base) proceed(out any) Decision {
	if b.End {
		return Decision{Kind: KindSucceed, Output: out}
	}
	return Decision{Kind: KindNext, Next: b.Next, Output: out}
}

// handle turns an error into a retry, a caught transition or a failure.
func (b *Base) handle(e *Error, input any, c *Context) Decision {
	for i := range b.Retry {
		rt := &b.Retry[i]
		if !Matches(rt.ErrorEquals, e.Name) {
			continue
		}
		used := 0
		if i < len(c.Retries) {
			used = c.Retries[i]
		}
		if int64(used) < rt.MaxAttempts {
			return Decision{Kind: KindRetry, Delay: rt.Delay(used, c.Rand), Retrier: i, Error: e}
		}
		break
	}
	for i := range b.Catch {
		ct := &b.Catch[i]
		if !Matches(ct.ErrorEquals, e.Name) {
			continue
		}
		errOut := map[string]any{"Error": e.Name, "Cause": e.Cause}
		out, assign, err := b.caught(ct, input, errOut, c)
		if err != nil {
			return failWith(err)
		}
		return Decision{Kind: KindNext, Next: ct.Next, Output: out, Caught: e, Assign: assign}
	}
	return failWith(e)
}

// caught computes the output and assignments of catcher ct for the error
// output errOut.
func (b *Base) caught(ct *Catcher, input, errOut any, c *Context) (any, map[string]any, *Error) {
	if b.jsonata() {
		st := &states{input: input, errorOutput: errOut, hasError: true}
		return outputAndAssign(ct.Output, ct.Assign, st, errOut, c)
	}
	assign, err := ct.Assign.eval(errOut, nil, c)
	if err != nil {
		return nil, nil, err
	}
	out, err := applyResultPath(ct.ResultPath, input, errOut, c)
	return out, assign, err
}

// effectiveInput applies InputPath.
func (b *Base) effectiveInput(input any, c *Context) (any, *Error) {
	return selectPath(b.InputPath, input, c)
}

// parameters applies InputPath then Parameters, or in JSONata mode
// Arguments.
func (b *Base) parameters(input any, c *Context) (any, *Error) {
	if b.jsonata() {
		if b.Arguments == nil {
			return input, nil
		}
		return b.Arguments.eval(&states{input: input}, c)
	}
	eff, err := b.effectiveInput(input, c)
	if err != nil || b.Parameters == nil {
		return eff, err
	}
	v, perr := b.Parameters.Eval(eff, c)
	if perr != nil {
		return nil, AsError(perr)
	}
	if TooLarge(v) {
		return nil, NewError(ErrorDataLimitExceeded,
			"The state/task '%s' has an input after Parameters with a size exceeding the maximum number of bytes service limit.", b.Name)
	}
	return v, nil
}

// output applies ResultPath and OutputPath to a result.
func (b *Base) output(input, result any, c *Context) (any, *Error) {
	out, err := applyResultPath(b.ResultPath, input, result, c)
	if err != nil {
		return nil, err
	}
	return b.outputPath(out, c)
}

func (b *Base) outputPath(out any, c *Context) (any, *Error) {
	return selectPath(b.OutputPath, out, c)
}

func selectPath(p OptionalPath, data any, c *Context) (any, *Error) {
	switch {
	case p.Null:
		return map[string]any{}, nil
	case p.Path == nil:
		return data, nil
	}
	v, err := c.selectPath(p.Path, data)
	if errors.Is(err, jsonpath.ErrNotFound) {
		return nil, runtimeError(c, "Invalid path '%s' : No results for path: %s", p.Path, p.Path.Normalized())
	}
	if err != nil {
		return nil, runtimeError(c, "Invalid path '%s' : %v", p.Path, err)
	}
	return v, nil
}

func applyResultPath(p OptionalPath, input, result any, c *Context) (any, *Error) {
	switch {
	case p.Null:
		return input, nil
	case p.Path == nil || p.Path.IsRoot():
		return result, nil
	}
	out, err := p.Path.Set(input, result)
	if err != nil {
		return nil, stateError(c, ErrorResultPathMatchFailure,
			"Unable to apply ResultPath '%s' to input '%s': %v", p.Path, jsonvalue.String(input), err)
	}
	return out, nil
}

// TooLarge reports whether v encodes to more than PayloadLimit bytes. It
// estimates without encoding and stops as soon as the limit is passed.
func TooLarge(v any) bool { return jsonvalue.Over(v, PayloadLimit) }

// ResultTooLarge is the States.DataLimitExceeded error of state when its
// result is over PayloadLimit.
func ResultTooLarge(state string) *Error {
	return NewError(ErrorDataLimitExceeded,
		"The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", state)
}
