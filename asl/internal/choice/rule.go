package choice

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
)

// logic says whether a rule combines other rules, and how.
type logic uint8

const (
	logicTest logic = iota // a data-test rule: Variable and one operator
	logicAnd
	logicOr
	logicNot
)

// Rule is one parsed Choice rule. A top-level rule has Next; the rules
// nested inside And, Or and Not do not. A Rule is immutable and safe for
// concurrent use.
type Rule struct {
	// Next is the state to transition to when a top-level rule matches; it
	// is empty for nested rules.
	Next string

	logic   logic
	rules   []*Rule // And and Or operands; Not has exactly one
	context bool    // some path of the rule or its nested rules reads "$$"

	variable *jsonpath.Path
	name     string // the operator field, e.g. "NumericEqualsPath"
	op       operator
	want     bool           // the boolean literal of the Is… operators
	literal  any            // the string, number or boolean literal
	operand  *jsonpath.Path // the operand path of the …Path forms
	stamp    timestamp      // the parsed literal of the Timestamp… operators
	pattern  pattern        // the compiled StringMatches pattern
}

// UsesContext reports whether any path in the rule, nested rules included,
// reads the context object ("$$"); when it is false Match ignores ctx, so a
// caller may pass nil instead of building the context object.
func (r *Rule) UsesContext() bool { return r.context }

// Match evaluates the rule against the state's effective input; paths that
// start with "$$" read ctx, the context object. Errors are *failure.Error,
// as AWS raises them: States.Runtime when a path the rule needs finds
// nothing.
func (r *Rule) Match(input, ctx any) (bool, error) {
	return r.MatchVars(input, ctx, nil)
}

// MatchVars is Match with the workflow variables vars, which "$name"
// paths read.
func (r *Rule) MatchVars(input, ctx any, vars map[string]any) (bool, error) {
	d := data{input: input, ctx: ctx, vars: vars}
	return r.match(&d)
}

// data is what a rule's paths read.
type data struct {
	input, ctx any
	vars       map[string]any
}

func (r *Rule) match(d *data) (bool, error) {
	switch r.logic {
	case logicAnd:
		for _, sub := range r.rules {
			if ok, err := sub.match(d); err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case logicOr:
		for _, sub := range r.rules {
			if ok, err := sub.match(d); err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case logicNot:
		ok, err := r.rules[0].match(d)
		return !ok && err == nil, err
	}
	return r.test(d)
}

// test evaluates a data-test rule.
func (r *Rule) test(d *data) (bool, error) {
	v, err := d.selectFrom(r.variable)
	if err != nil {
		if r.op.family == familyIsPresent && errors.Is(err, jsonpath.ErrNotFound) {
			return !r.want, nil
		}
		return false, invalidPath(r.variable, err)
	}
	if r.op.isTypeTest() {
		return hasType(r.op.family, v) == r.want, nil
	}
	w := r.literal
	if r.operand != nil {
		if w, err = d.selectFrom(r.operand); err != nil {
			return false, invalidPath(r.operand, err)
		}
	}
	return r.compare(v, w), nil
}

// selectFrom reads p from the context object, a variable or the input,
// as p says; an undefined variable selects nothing.
func (d *data) selectFrom(p *jsonpath.Path) (any, error) {
	switch name := p.Variable(); {
	case p.Context():
		return p.Select(d.ctx)
	case name != "":
		v, ok := d.vars[name]
		if !ok {
			return nil, fmt.Errorf("%w: the variable $%s is not defined", jsonpath.ErrNotFound, name)
		}
		return p.Select(v)
	}
	return p.Select(d.input)
}

// hasType answers the Is… operator of family f for value v (which exists).
func hasType(f family, v any) bool {
	switch f {
	case familyIsPresent:
		return true
	case familyIsNull:
		return v == nil
	case familyIsNumeric:
		return isNumber(v)
	case familyIsString:
		_, ok := v.(string)
		return ok
	case familyIsBoolean:
		_, ok := v.(bool)
		return ok
	case familyIsTimestamp:
		s, ok := v.(string)
		if !ok {
			return false
		}
		_, ok = parseTimestamp(s)
		return ok
	}
	return false
}

// compare applies a comparison operator to the Variable value v and the
// operand w; a value of the wrong type makes it false.
func (r *Rule) compare(v, w any) bool {
	switch r.op.family {
	case familyString:
		a, ok1 := v.(string)
		b, ok2 := w.(string)
		return ok1 && ok2 && r.op.rel.holds(strings.Compare(a, b))
	case familyNumeric:
		c, ok := compareNumbers(v, w)
		return ok && r.op.rel.holds(c)
	case familyBoolean:
		a, ok1 := v.(bool)
		b, ok2 := w.(bool)
		return ok1 && ok2 && a == b
	case familyTimestamp:
		return r.compareTimestamps(v, w)
	case familyMatches:
		s, ok := v.(string)
		return ok && r.pattern.match(s)
	}
	return false
}

func (r *Rule) compareTimestamps(v, w any) bool {
	s, ok := v.(string)
	if !ok {
		return false
	}
	a, ok := parseTimestamp(s)
	if !ok {
		return false
	}
	b := r.stamp
	if r.operand != nil {
		t, ok := w.(string)
		if !ok {
			return false
		}
		if b, ok = parseTimestamp(t); !ok {
			return false
		}
	}
	return r.op.rel.holds(a.compare(b))
}

// isNumber reports whether v is a JSON number.
func isNumber(v any) bool {
	switch v.(type) {
	case int64, float64, int:
		return true
	}
	return false
}

// compareNumbers compares two JSON numbers exactly, whether each is an
// int64 or a float64. ok is false when either is not a number.
func compareNumbers(a, b any) (c int, ok bool) {
	switch x := a.(type) {
	case int64:
		return compareWithInt(x, b)
	case float64:
		return compareWithFloat(x, b)
	case int:
		return compareWithInt(int64(x), b)
	}
	return 0, false
}

func compareWithInt(x int64, b any) (int, bool) {
	switch y := b.(type) {
	case int64:
		return cmp.Compare(x, y), true
	case float64:
		return compareIntFloat(x, y), !math.IsNaN(y)
	case int:
		return cmp.Compare(x, int64(y)), true
	}
	return 0, false
}

func compareWithFloat(x float64, b any) (int, bool) {
	if math.IsNaN(x) {
		return 0, false
	}
	switch y := b.(type) {
	case int64:
		return -compareIntFloat(y, x), true
	case float64:
		return cmp.Compare(x, y), !math.IsNaN(y)
	case int:
		return -compareIntFloat(int64(y), x), true
	}
	return 0, false
}

// compareIntFloat compares an int64 with a float64 (not NaN) without
// rounding the integer through float64.
func compareIntFloat(i int64, f float64) int {
	switch {
	case f >= 0x1p63:
		return -1
	case f < -0x1p63:
		return 1
	}
	t := math.Trunc(f)
	if c := cmp.Compare(i, int64(t)); c != 0 {
		return c
	}
	return cmp.Compare(0, f-t)
}
