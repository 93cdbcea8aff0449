package intrinsic

import (
	"fmt"
	"math/rand/v2"

	"github.com/stepwise-run/stepwise/asl/internal/failure"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Env is what evaluation reads. Eval never changes any value it is given.
type Env struct {
	// Input is the data "$" paths select from.
	Input any
	// Context is the context object, for "$$" paths; nil makes them fail as
	// paths that select nothing.
	Context any
	// Vars holds the workflow variables for "$name" references; nil means
	// none is defined.
	Vars map[string]any
	// Rand is the source of States.MathRandom without a seed and of
	// States.UUID; nil makes those two fail with a clear error. A *rand.Rand
	// is not safe for concurrent use: give each goroutine its own.
	Rand *rand.Rand
	// Field is the payload template field being evaluated, such as
	// "greeting.$", named in the cause of a path that selects nothing as AWS
	// does; empty leaves it out.
	Field string
}

// Eval evaluates the call. Failures are *failure.Error values named
// States.Runtime, with AWS's causes.
func (c *Call) Eval(env Env) (any, error) {
	return c.eval(&env)
}

func (c *Call) eval(env *Env) (any, error) {
	args := make([]any, len(c.args))
	for i := range c.args {
		v, err := c.args[i].eval(env)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	if err := c.checkArgs(args); err != nil {
		return nil, err
	}
	v, err := c.fn.run(c, env, args)
	if err == nil && jsonvalue.Over(v, maxResultSize) {
		return nil, tooLarge(c.fn.name)
	}
	return v, err
}

// maxResultSize is the largest result of a call, in bytes of JSON: the
// payload limit of a state's input and output (asl.PayloadLimit), so that
// nested calls such as States.JsonToString, which doubles the escapes of
// its argument, cannot grow without bound.
const maxResultSize = 256 * 1024

// tooLarge returns the failure of a call whose result would be over
// maxResultSize.
func tooLarge(name string) error {
	return failure.New(failure.DataLimitExceeded, "The result of %s would be over the payload limit of %d bytes", name, maxResultSize)
}

func (a *arg) eval(env *Env) (any, error) {
	switch a.kind {
	case literalArg:
		return a.value, nil
	case callArg:
		return a.call.eval(env)
	case varArg:
		v, ok := env.Vars[a.name]
		if !ok {
			return nil, failure.New(failure.Runtime, "The variable '$%s' is not defined", a.name)
		}
		return a.selectFrom(v, "variable", env)
	}
	if a.path.Context() {
		return a.selectFrom(env.Context, "context object", env)
	}
	return a.selectFrom(env.Input, "input", env)
}

// selectFrom applies the argument's path to data; where names data in the
// cause when nothing is selected.
func (a *arg) selectFrom(data any, where string, env *Env) (any, error) {
	v, err := a.path.Select(data)
	if err == nil {
		return v, nil
	}
	field := ""
	if env.Field != "" {
		field = fmt.Sprintf(" specified for the field '%s'", env.Field)
	}
	return nil, &failure.Error{
		Name:  failure.Runtime,
		Cause: fmt.Sprintf("The JSONPath '%s'%s could not be found in the %s '%s'", a.src, field, where, jsonvalue.String(data)),
		Err:   err,
	}
}

// invalid returns the failure of a call whose arguments are wrong; the cause
// starts as AWS's does.
func invalid(name, format string, args ...any) error {
	return failure.New(failure.Runtime, "Invalid arguments in %s: %s", name, fmt.Sprintf(format, args...))
}
