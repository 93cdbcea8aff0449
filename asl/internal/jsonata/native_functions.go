package jsonata

import (
	"errors"
	"math"
	"reflect"
	"time"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// AWS's functions and $now/$millis for the native evaluator. They accept
// only the arguments AWS documents; anything else is an error, and the
// reference, which evaluates a failed expression again, gives JSONata's
// own error for it.

// errArguments fails a call with arguments the native function leaves to
// the reference.
var errArguments = errors.New("arguments for the reference")

// nativeFunction is one function bound for one evaluation.
type nativeFunction struct {
	name string
	env  *Env
	call func(env *Env, args []any) (any, error)
}

// awsFunctions are the functions awsFunction binds, by name.
var awsFunctions = map[string]func(env *Env, args []any) (any, error){
	"partition": partition,
	"range":     rangeOf,
	"hash":      hashOf,
	"random":    random,
	"uuid": func(env *Env, args []any) (any, error) {
		return noArguments(args, func() (any, error) { return newUUID(env) })
	},
	"parse": parse,
	"now":   now,
	"millis": func(env *Env, args []any) (any, error) {
		return noArguments(args, func() (any, error) { return clock(env).UnixMilli(), nil })
	},
}

// awsFunction returns the function $name bound to env, or nil when name
// is not one of awsFunctions.
func awsFunction(name string, env *Env) *nativeFunction {
	f := awsFunctions[name]
	if f == nil {
		return nil
	}
	return &nativeFunction{name: name, env: env, call: f}
}

// Name is the function's name (jtypes.Callable).
func (f *nativeFunction) Name() string { return f.name }

// ParamCount is the most arguments the function takes (jtypes.Callable).
func (f *nativeFunction) ParamCount() int { return 3 }

// Call converts the arguments to JSON values and calls the function
// (jtypes.Callable); an undefined argument leaves the call to the
// reference.
func (f *nativeFunction) Call(argv []reflect.Value) (reflect.Value, error) {
	args := make([]any, len(argv))
	for i, a := range argv {
		v, err := fromNative(a)
		if err != nil {
			return reflect.Value{}, errArguments
		}
		args[i] = v
	}
	out, err := f.call(f.env, args)
	if err != nil {
		return reflect.Value{}, err
	}
	if out == nil {
		return null, nil
	}
	return reflect.ValueOf(out), nil
}

func noArguments(args []any, f func() (any, error)) (any, error) {
	if len(args) != 0 {
		return nil, errArguments
	}
	return f()
}

// clock is the Env's time, the Unix epoch when it has none.
func clock(env *Env) time.Time {
	if env.Now.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return env.Now.UTC()
}

func now(env *Env, args []any) (any, error) {
	return noArguments(args, func() (any, error) { return clock(env).Format("2006-01-02T15:04:05.000Z"), nil })
}

func partition(_ *Env, args []any) (any, error) {
	if len(args) != 2 {
		return nil, errArguments
	}
	arr, ok := args[0].([]any)
	size, okSize := jsonvalue.Integer(args[1])
	if !ok || !okSize || size <= 0 {
		return nil, errArguments
	}
	out := []any{}
	for i := 0; i < len(arr); i += int(size) {
		// a chunk's capacity ends with it: an append to one of them
		// must not write into the argument (the direct evaluator
		// passes input arrays as they are)
		end := min(i+int(size), len(arr))
		out = append(out, arr[i:end:end])
	}
	return out, nil
}

// maxRange is the most values $range returns.
const maxRange = 1000

// rangeOf is $range(start, end, step). Like AWS's, its result is a JSONata
// sequence: a range of one value is that value.
func rangeOf(_ *Env, args []any) (any, error) {
	if len(args) != 3 {
		return nil, errArguments
	}
	start, ok1 := jsonvalue.Number(args[0])
	end, ok2 := jsonvalue.Number(args[1])
	step, ok3 := jsonvalue.Number(args[2])
	if !ok1 || !ok2 || !ok3 || step == 0 {
		return nil, errArguments
	}
	out := []any{}
	for v := start; step > 0 && v <= end || step < 0 && v >= end; v += step {
		if len(out) == maxRange {
			return nil, errArguments
		}
		n, _ := number(v)
		out = append(out, n)
	}
	if len(out) == 1 {
		return out[0], nil
	}
	return out, nil
}

func hashOf(_ *Env, args []any) (any, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, errArguments
	}
	data, ok := args[0].(string)
	algorithm := "SHA-256"
	if len(args) == 2 {
		algorithm, _ = args[1].(string)
	}
	if !ok {
		return nil, errArguments
	}
	return hashHex(data, algorithm)
}

func random(env *Env, args []any) (any, error) {
	switch len(args) {
	case 0:
		return randomFloat(env)
	case 1:
		seed, ok := jsonvalue.Number(args[0])
		if !ok {
			return nil, errArguments
		}
		return seededRandom(int64(math.Trunc(seed))), nil
	}
	return nil, errArguments
}

func parse(_ *Env, args []any) (any, error) {
	if len(args) != 1 {
		return nil, errArguments
	}
	text, ok := args[0].(string)
	if !ok {
		return nil, errArguments
	}
	return jsonvalue.Decode([]byte(text))
}
