package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/asl"
)

// Registry maps function names to Go functions. It is safe for concurrent
// use; register every function before the worker starts taking tasks.
type Registry struct {
	mu    sync.RWMutex
	funcs map[string]function
	// now is the clock for the Date header of lambda:invoke results.
	now func() time.Time
}

// function is a registered function with its JSON plumbing: it takes and
// returns values of the asl JSON model.
type function func(ctx context.Context, payload any) (any, error)

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry {
	return &Registry{funcs: map[string]function{}, now: time.Now}
}

// Register binds fn under name. The task's payload is marshalled to JSON
// and unmarshalled into In with encoding/json; fn's output is marshalled
// to JSON and decoded into the asl JSON model. The name must be a valid
// activity name (see the package documentation); a Lambda resource can
// reach only names of letters, digits, hyphens and underscores. Registering
// an invalid name, a nil fn or a name twice panics: these are programming
// errors.
func Register[In, Out any](reg *Registry, name string, fn func(ctx context.Context, in In) (Out, error)) {
	if fn == nil {
		panic(fmt.Sprintf("activities: Register %q: nil function", name))
	}
	if problem := nameProblem(name); problem != "" {
		panic(fmt.Sprintf("activities: Register: function name %s", problem))
	}
	reg.add(name, adapt(name, fn))
}

func (r *Registry) add(name string, fn function) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.funcs[name]; ok {
		panic(fmt.Sprintf("activities: Register: function %q is already registered", name))
	}
	r.funcs[name] = fn
}

// Names returns the registered function names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.funcs))
	for name := range r.funcs {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Has reports whether a function is registered under name.
func (r *Registry) Has(name string) bool {
	_, ok := r.lookup(name)
	return ok
}

// Serves returns the registered name that serves binding b (the first of
// b.Names that is registered), and false when none is.
func (r *Registry) Serves(b Binding) (string, bool) {
	for _, name := range b.Names() {
		if _, ok := r.lookup(name); ok {
			return name, true
		}
	}
	return "", false
}

// serving returns the function that serves binding b.
func (r *Registry) serving(b Binding) (function, bool) {
	name, ok := r.Serves(b)
	if !ok {
		return nil, false
	}
	return r.lookup(name)
}

func (r *Registry) lookup(name string) (function, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	fn, ok := r.funcs[name]
	return fn, ok
}

// adapt wraps a typed function as a function of JSON values.
func adapt[In, Out any](name string, fn func(context.Context, In) (Out, error)) function {
	return func(ctx context.Context, payload any) (any, error) {
		in, err := decodeInput[In](name, payload)
		if err != nil {
			return nil, err
		}
		out, err := call(ctx, name, fn, in)
		if err != nil {
			return nil, err
		}
		return encodeOutput(name, out)
	}
}

func decodeInput[In any](name string, payload any) (In, error) {
	var in In
	data, err := json.Marshal(payload)
	if err == nil {
		err = json.Unmarshal(data, &in)
	}
	if err != nil {
		return in, &asl.Error{
			Name:  ErrorInvalidInput,
			Cause: fmt.Sprintf("function %s cannot decode its input into %T: %v", name, in, err),
			Err:   err,
		}
	}
	return in, nil
}

func encodeOutput(name string, out any) (any, error) {
	data, err := json.Marshal(out)
	var v any
	if err == nil {
		v, err = asl.DecodeJSON(data)
	}
	if err != nil {
		return nil, &asl.Error{
			Name:  ErrorInvalidOutput,
			Cause: fmt.Sprintf("function %s returned output that is not JSON: %v", name, err),
			Err:   err,
		}
	}
	return v, nil
}

// call runs fn, turning a panic into a States.TaskFailed error and a nil
// *asl.Error returned as a non-nil error into success.
func call[In, Out any](ctx context.Context, name string, fn func(context.Context, In) (Out, error), in In) (out Out, err error) {
	defer func() {
		if v := recover(); v != nil {
			p := &PanicError{Function: name, Value: v, Stack: debug.Stack()}
			err = &asl.Error{Name: asl.ErrorTaskFailed, Cause: p.Error(), Err: p}
		}
	}()
	out, err = fn(ctx, in)
	if e, ok := err.(*asl.Error); ok && e == nil {
		err = nil
	}
	return out, err
}
