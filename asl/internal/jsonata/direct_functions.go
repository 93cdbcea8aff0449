package jsonata

import (
	"math"
	"strings"
	"unicode/utf8"
)

// The functions of the direct evaluator: a few of JSONata's built-ins, as
// jsonata.js (2.2.2) defines them with their signatures, and AWS's
// functions of native_functions.go except $random and $uuid (a declined
// evaluation must not have drawn from the Env's random source). An
// argument outside the signature declines; so does any failure.

// directFunction is a function the direct evaluator calls with min to
// max arguments (a call with fewer, which would take the context as its
// first argument, is not compiled).
type directFunction struct {
	min, max int
	call     func(args []any, env *Env) any
}

var directFunctions = map[string]directFunction{
	"sum": unary(func(v any) any {
		total, _ := fold(v, 0, add)
		return result(total)
	}),
	"max": unary(func(v any) any { return extreme(v, math.Inf(-1), math.Max) }),
	"min": unary(func(v any) any { return extreme(v, math.Inf(1), math.Min) }),
	"average": unary(func(v any) any {
		total, n := fold(v, 0, add)
		if n == 0 {
			return undefined
		}
		return result(total / float64(n))
	}),
	"count":  {1, 1, func(args []any, _ *Env) any { return count(args[0]) }},
	"exists": {1, 1, func(args []any, _ *Env) any { return args[0] != undefined }},
	"boolean": unary(func(v any) any {
		b, _ := boolean(v)
		return b
	}),
	"not": unary(func(v any) any {
		b, _ := boolean(v)
		return !b
	}),
	"string":    unary(func(v any) any { return stringOf(v) }),
	"length":    unary(func(v any) any { return int64(utf8.RuneCountInString(str(v))) }),
	"uppercase": unary(func(v any) any { return strings.ToUpper(ascii(str(v))) }),
	"lowercase": unary(func(v any) any { return strings.ToLower(ascii(str(v))) }),
	"abs":       unary(func(v any) any { return result(math.Abs(num(v))) }),
	"floor":     unary(func(v any) any { return result(math.Floor(num(v))) }),
	"ceil":      unary(func(v any) any { return result(math.Ceil(num(v))) }),
	"join":      {1, 2, join},
	"contains":  {2, 2, contains},
	"append":    {2, 2, func(args []any, _ *Env) any { return appendValues(args[0], args[1]) }},
}

func init() {
	for _, name := range []string{"partition", "range", "hash", "parse", "now", "millis"} {
		f := awsFunctions[name]
		directFunctions[name] = directFunction{0, 3, func(args []any, env *Env) any {
			for _, a := range args {
				if a == undefined {
					return decline()
				}
			}
			out, err := f(env, args)
			if err != nil {
				return decline()
			}
			return out
		}}
	}
}

// unary is a function of one argument that is undefined for undefined.
func unary(f func(any) any) directFunction {
	return directFunction{1, 1, func(args []any, _ *Env) any {
		if args[0] == undefined {
			return undefined
		}
		return f(args[0])
	}}
}

// num is a number argument (signature n).
func num(v any) float64 {
	x, ok := number64(v)
	if !ok {
		decline() // T0410
	}
	return x
}

// str is a string argument (signature s).
func str(v any) string {
	s, ok := v.(string)
	if !ok {
		decline() // T0410
	}
	return s
}

// ascii is s when it is ASCII: JavaScript's case mappings differ from
// Go's on some other characters.
func ascii(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			decline()
		}
	}
	return s
}

func add(x, y float64) float64 { return x + y }

// fold folds the numbers of v, an array of numbers or a number (signature
// a<n>), from start; n is how many there were.
func fold(v any, start float64, f func(acc, x float64) float64) (acc float64, n int) {
	a, ok := v.([]any)
	if !ok {
		return f(start, num(v)), 1
	}
	acc = start
	for _, e := range a {
		acc = f(acc, num(e))
	}
	return acc, len(a)
}

// extreme is $max or $min: undefined for no numbers.
func extreme(v any, start float64, f func(acc, x float64) float64) any {
	m, n := fold(v, start, f)
	if n == 0 {
		return undefined
	}
	return result(m)
}

// count is $count (signature a): 0 for undefined, 1 for a value that is
// not an array.
func count(v any) any {
	switch t := v.(type) {
	case undefinedValue:
		return int64(0)
	case []any:
		return int64(len(t))
	}
	return int64(1)
}

// join is $join(strings, separator?) (signature a<s>s?).
func join(args []any, _ *Env) any {
	sep := ""
	if len(args) == 2 && args[1] != undefined {
		sep = str(args[1])
	}
	switch t := args[0].(type) {
	case undefinedValue:
		return undefined
	case string:
		return t
	case []any:
		parts := make([]string, len(t))
		for i, e := range t {
			parts[i] = str(e)
		}
		return strings.Join(parts, sep)
	}
	return decline() // T0412
}

// contains is $contains(string, token) with a string token (signature
// s(sf); a regular expression declines).
func contains(args []any, _ *Env) any {
	for _, a := range args {
		if _, ok := a.(string); !ok && a != undefined {
			return decline()
		}
	}
	if args[0] == undefined || args[1] == undefined {
		return undefined
	}
	return strings.Contains(args[0].(string), args[1].(string))
}

// appendValues is $append: an undefined side is the other side, else a
// new array of both sides' items.
func appendValues(a, b any) any {
	if a == undefined {
		return b
	}
	if b == undefined {
		return a
	}
	var out []any
	for _, v := range []any{a, b} {
		if items, ok := v.([]any); ok {
			out = append(out, items...)
		} else {
			out = append(out, v)
		}
	}
	if out == nil {
		out = []any{}
	}
	return out
}
