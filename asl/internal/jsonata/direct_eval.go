package jsonata

import (
	"cmp"
	"math"
	"strconv"

	"github.com/blues/jsonata-go/jparse"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// The operations of the direct evaluator, each as jsonata.js (2.2.2)
// evaluates it; where 2.x would throw an error they decline.

// evalPath evaluates steps as 2.x's evaluatePath and evaluateStep do:
// each step runs on every item of the sequence the previous one made,
// array results are flattened into the next sequence, and the last
// step's one array result is kept whole. A path that does not start with
// a $variable runs on the items of an array context.
func evalPath(steps []directFn, absolute bool, ctx any, s *directState) any {
	var one [1]any
	in := one[:]
	if a, ok := ctx.([]any); ok && !absolute {
		in = a
	} else {
		one[0] = ctx
	}
	for i, step := range steps {
		last := i == len(steps)-1
		if len(in) == 1 {
			v := step(in[0], s)
			if v == undefined || last {
				return v
			}
			if a, ok := v.([]any); ok {
				if len(a) == 0 {
					return undefined
				}
				in = a
			} else {
				one[0] = v
				in = one[:]
			}
			continue
		}
		var out []any
		results := 0
		var first any
		for _, item := range in {
			v := step(item, s)
			if v == undefined {
				continue
			}
			if results++; results == 1 {
				first = v
			}
			if a, ok := v.([]any); ok {
				out = append(out, a...)
			} else {
				out = append(out, v)
			}
		}
		if _, ok := first.([]any); ok && last && results == 1 {
			return first
		}
		if last || len(out) == 0 {
			return sequence(out)
		}
		in = out
	}
	return undefined // not reached: a path has steps
}

// sequence is a JSONata sequence as evaluate returns it: none is
// undefined, one item is the item.
func sequence(items []any) any {
	switch len(items) {
	case 0:
		return undefined
	case 1:
		return items[0]
	}
	return items
}

// nameStep is a field name: its value in an object, the flattened
// sequence of its values in an array's objects, else undefined.
func nameStep(key string) directFn {
	return func(ctx any, _ *directState) any {
		switch t := ctx.(type) {
		case map[string]any:
			if v, ok := t[key]; ok {
				return v
			}
		case []any:
			return sequence(lookupItems(t, key, nil))
		}
		return undefined
	}
}

// lookupItems appends key's values in the items of arr to out, as 2.x's
// lookup does on an array: nested arrays are looked into and array
// values flattened one level.
func lookupItems(arr []any, key string, out []any) []any {
	for _, e := range arr {
		switch t := e.(type) {
		case []any:
			out = lookupItems(t, key, out)
		case map[string]any:
			v, ok := t[key]
			if !ok {
				continue
			}
			if a, isArray := v.([]any); isArray {
				out = append(out, a...)
			} else {
				out = append(out, v)
			}
		}
	}
	return out
}

// evalObject is an object constructor on ctx, as 2.x's
// evaluateGroupExpression is on one item: every key first, each a string
// (or undefined, which drops its pair) and distinct, then the values,
// undefined ones left out.
func evalObject(keys, values []directFn, ctx any, s *directState) any {
	if _, ok := ctx.([]any); ok {
		return decline() // 2.x groups over the items
	}
	var buf [8]any
	names := buf[:0]
	for _, k := range keys {
		v := k(ctx, s)
		name, ok := v.(string)
		if !ok && v != undefined || name == "__proto__" {
			return decline() // T1003, or a key JavaScript objects treat apart
		}
		for _, seen := range names {
			if ok && seen == v {
				return decline() // D1009
			}
		}
		names = append(names, v)
	}
	out := make(map[string]any, len(values))
	for i, f := range values {
		name, ok := names[i].(string)
		if !ok {
			continue
		}
		if v := f(ctx, s); v != undefined {
			out[name] = v
		}
	}
	return out
}

// number64 is a JSON number as a JavaScript number; it declines an
// integer JavaScript would round.
func number64(v any) (float64, bool) {
	switch t := v.(type) {
	case int64:
		if t < -maxExact || t > maxExact {
			decline()
		}
		return float64(t), true
	case float64:
		return t, true
	}
	return 0, false
}

// result is a computed number as the reference's JSON text of it
// decodes; a NaN or an infinity declines (2.x has no JSON for them).
func result(f float64) any {
	v, err := number(f)
	if err != nil {
		return decline()
	}
	return v
}

// arithmetic is + - * / %: a side that is defined must be a number
// (T2001, T2002), and an undefined side makes the result undefined.
func arithmetic(op jparse.NumericOperator, l, r any) any {
	x, okL := number64(l)
	y, okR := number64(r)
	if !okL && l != undefined || !okR && r != undefined {
		return decline()
	}
	if !okL || !okR {
		return undefined
	}
	switch op {
	case jparse.NumericAdd:
		return result(x + y)
	case jparse.NumericSubtract:
		return result(x - y)
	case jparse.NumericMultiply:
		return result(x * y)
	case jparse.NumericDivide:
		return result(x / y)
	case jparse.NumericModulo:
		return result(math.Mod(x, y))
	}
	return decline()
}

// negate is unary minus: undefined stays undefined, a number is negated,
// anything else is an error (D1002).
func negate(v any) any {
	if v == undefined {
		return undefined
	}
	x, ok := number64(v)
	if !ok {
		return decline()
	}
	return result(-x)
}

// equality is = (want true) and != (want false): false when a side is
// undefined, whichever the operator; a scalar compares as JavaScript's
// === does (jsonvalue.Equal converts integers to float64 as JavaScript
// reads them); two arrays or objects (deep equality) decline.
func equality(l, r any, want bool) any {
	if l == undefined || r == undefined {
		return false
	}
	if container(l) && container(r) {
		return decline()
	}
	return jsonvalue.Equal(l, r) == want
}

func container(v any) bool {
	switch v.(type) {
	case []any, map[string]any:
		return true
	}
	return false
}

// ordering is < <= > >=: both sides numbers or both strings; an
// undefined side (with a comparable other side) makes it undefined.
func ordering(op jparse.ComparisonOperator, l, r any) any {
	if !comparable(l) || !comparable(r) {
		return decline() // T2010
	}
	if l == undefined || r == undefined {
		return undefined
	}
	var c int
	if x, ok := number64(l); ok {
		y, ok := number64(r)
		if !ok {
			return decline() // T2009
		}
		c = cmp.Compare(x, y)
	} else {
		a := l.(string)
		b, ok := r.(string)
		if !ok || !utf16Ordered(a) || !utf16Ordered(b) {
			return decline()
		}
		c = cmp.Compare(a, b)
	}
	switch op {
	case jparse.ComparisonLess:
		return c < 0
	case jparse.ComparisonLessEqual:
		return c <= 0
	case jparse.ComparisonGreater:
		return c > 0
	}
	return c >= 0
}

func comparable(v any) bool {
	switch v.(type) {
	case undefinedValue, string, int64, float64:
		return true
	}
	return false
}

// utf16Ordered reports whether s has no character from U+E000 up: Go
// compares strings by code point and JavaScript by UTF-16 unit, which
// agree on the rest.
func utf16Ordered(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0xEE {
			return false
		}
	}
	return true
}

// concat is &: each side as $string renders it, undefined as "".
func concat(l, r any) any {
	var a, b string
	if l != undefined {
		a = stringOf(l)
	}
	if r != undefined {
		b = stringOf(r)
	}
	return a + b
}

// stringOf is 2.x's $string of a value the subset renders alike: a
// string, a boolean, null or an integer; a fraction (2.x rounds it to 15
// significant digits), an array or an object declines.
func stringOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "null"
	}
	x, ok := number64(v)
	if !ok || x != math.Trunc(x) || math.Abs(x) > maxExact {
		decline()
	}
	return strconv.FormatInt(int64(x), 10)
}

// truthy is 2.x's boolize: $boolean, undefined as false.
func truthy(v any) bool {
	b, _ := boolean(v)
	return b
}

// boolean is 2.x's $boolean; ok is false for undefined.
func boolean(v any) (b, ok bool) {
	switch t := v.(type) {
	case undefinedValue:
		return false, false
	case []any:
		if len(t) == 1 {
			return boolean(t[0])
		}
		for _, e := range t {
			if b, _ := boolean(e); b {
				return true, true
			}
		}
		return false, true
	case string:
		return t != "", true
	case int64:
		return t != 0, true
	case float64:
		return t != 0, true
	case map[string]any:
		return len(t) > 0, true
	case bool:
		return t, true
	}
	return false, true // null
}
