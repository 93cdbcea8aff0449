package intrinsic

import (
	"math"
	"unicode/utf16"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// function is one intrinsic function: its name, how many arguments it takes
// (max < 0 for no limit), what the leading ones must be, and its body, which
// receives the evaluated arguments once their number and those kinds have
// been checked, the numbers among them converted to int64.
type function struct {
	name     string
	min, max int
	params   []kind
	run      func(c *Call, env *Env, args []any) (any, error)
}

// kind is what an argument must be.
type kind int

const (
	anything     kind = iota // any value, as it is
	aString                  // a string
	aShortString             // a string of at most maxEncodeLength characters
	anArray                  // an array: []any
	anObject                 // an object: map[string]any
	anInt                    // a number, truncated toward zero to a 32-bit int64
	aRoundedInt              // a number, rounded half up to a 32-bit int64
)

// functions holds every intrinsic function by name. It is never modified.
var functions = byName(
	&function{"States.Format", 1, -1, nil, format},
	&function{"States.StringToJson", 1, 1, []kind{aString}, stringToJSON},
	&function{"States.JsonToString", 1, 1, nil, jsonToString},
	&function{"States.Array", 0, -1, nil, array},
	&function{"States.ArrayPartition", 2, 2, []kind{anArray, anInt}, arrayPartition},
	&function{"States.ArrayContains", 2, 2, []kind{anArray}, arrayContains},
	&function{"States.ArrayRange", 3, 3, []kind{anInt, anInt, anInt}, arrayRange},
	&function{"States.ArrayGetItem", 2, 2, []kind{anArray, anInt}, arrayGetItem},
	&function{"States.ArrayLength", 1, 1, []kind{anArray}, arrayLength},
	&function{"States.ArrayUnique", 1, 1, []kind{anArray}, arrayUnique},
	&function{"States.Base64Encode", 1, 1, []kind{aShortString}, base64Encode},
	&function{"States.Base64Decode", 1, 1, []kind{aShortString}, base64Decode},
	&function{"States.Hash", 2, 2, nil, hashDigest},
	&function{"States.JsonMerge", 3, 3, []kind{anObject, anObject}, jsonMerge},
	&function{"States.MathRandom", 2, 3, []kind{anInt, anInt}, mathRandom},
	&function{"States.MathAdd", 2, 2, []kind{aRoundedInt, aRoundedInt}, mathAdd},
	&function{"States.StringSplit", 2, 2, []kind{aString, aString}, stringSplit},
	&function{"States.UUID", 0, 0, nil, uuid},
)

func byName(fns ...*function) map[string]*function {
	m := make(map[string]*function, len(fns))
	for _, f := range fns {
		m[f.name] = f
	}
	return m
}

// checkArgs fails unless the arguments suit the function: their number, then
// the kind of each declared one, in order. It converts the numbers among them
// to int64 in place.
func (c *Call) checkArgs(args []any) error {
	if err := c.fn.checkCount(len(args)); err != nil {
		return err
	}
	for i, k := range c.fn.params {
		if i == len(args) {
			break
		}
		v, err := c.arg(k, args, i)
		if err != nil {
			return err
		}
		args[i] = v
	}
	return nil
}

// arg returns args[i] if it is of kind k, a number converted to int64.
func (c *Call) arg(k kind, args []any, i int) (any, error) {
	var ok bool
	var what string
	switch k {
	case anInt: // a Java int: truncated toward zero, within 32 bits
		return c.toInt(args, i, math.Trunc)
	case aRoundedInt: // rounded half up, as Java's Math.round does
		return c.toInt(args, i, roundHalfUp)
	case aString, aShortString:
		_, ok = args[i].(string)
		what = "a string"
	case anArray:
		_, ok = args[i].([]any)
		what = "an array"
	case anObject:
		_, ok = args[i].(map[string]any)
		what = "an object"
	default:
		return args[i], nil
	}
	if !ok {
		return nil, invalid(c.fn.name, "the %s argument must be %s, not %s", ordinal(i), what, jsonvalue.TypeName(args[i]))
	}
	if k == aShortString {
		if n := javaLength(args[i].(string)); n > maxEncodeLength {
			return nil, invalid(c.fn.name, "the %s argument has %d characters, more than the limit of %d", ordinal(i), n, maxEncodeLength)
		}
	}
	return args[i], nil
}

// checkCount fails unless n arguments suit the function.
func (f *function) checkCount(n int) error {
	switch {
	case f.max < 0 && n < f.min:
		return invalid(f.name, "expected at least %d argument%s but got %d", f.min, plural(f.min), n)
	case f.max >= 0 && f.min == f.max && n != f.min:
		return invalid(f.name, "expected %d argument%s but got %d", f.min, plural(f.min), n)
	case f.max >= 0 && (n < f.min || n > f.max):
		return invalid(f.name, "expected %d to %d arguments but got %d", f.min, f.max, n)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// ordinals name argument positions in causes.
var ordinals = [...]string{"first", "second", "third"}

func ordinal(i int) string {
	if i < len(ordinals) {
		return ordinals[i]
	}
	return "extra"
}

// stringArg returns args[i] if it is a string.
func (c *Call) stringArg(args []any, i int) (string, error) {
	v, err := c.arg(aString, args, i)
	s, _ := v.(string)
	return s, err
}

// toInt returns args[i], a number, as an int64 rounded by round, if that
// fits in 32 bits.
func (c *Call) toInt(args []any, i int, round func(float64) float64) (any, error) {
	if n, ok := args[i].(int64); ok && n >= math.MinInt32 && n <= math.MaxInt32 {
		return n, nil
	}
	f, ok := jsonvalue.Number(args[i])
	if !ok {
		return nil, invalid(c.fn.name, "the %s argument must be a number, not %s", ordinal(i), jsonvalue.TypeName(args[i]))
	}
	r := round(f)
	if r < math.MinInt32 || r > math.MaxInt32 || math.IsNaN(r) {
		return nil, invalid(c.fn.name, "the %s argument %s is not within the range of a 32-bit integer", ordinal(i), jsonvalue.String(args[i]))
	}
	return int64(r), nil
}

// roundHalfUp rounds to the nearest integer and ties toward positive
// infinity, like Java's Math.round.
func roundHalfUp(f float64) float64 {
	fl := math.Floor(f)
	if f-fl == 0.5 {
		return fl + 1
	}
	return math.Round(f)
}

// javaLength returns the length of s as Java counts it, in UTF-16 code
// units; AWS's character limits are in those.
func javaLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
