package choice

import (
	"fmt"
	"strconv"

	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// Parse compiles one Choice rule from its decoded JSON object. pointer is
// the rule's JSON pointer (such as "/States/Check/Choices/0"); top says
// whether the rule sits directly in Choices, and so must have Next, or is
// nested in And, Or or Not, and so must not. Errors are *ParseError,
// located at the bad field.
func Parse(raw map[string]any, pointer string, top bool) (*Rule, error) {
	if _, ok := raw["Condition"]; ok {
		return nil, parseErr(field(pointer, "Condition"), "Condition is only allowed when the Choice state's QueryLanguage is JSONata")
	}
	p := parser{raw: raw, ptr: pointer}
	opName := ""
	for _, key := range jsonvalue.SortedKeys(raw) {
		if err := p.classify(key, &opName, top); err != nil {
			return nil, err
		}
	}
	return p.build(opName, top)
}

// parser holds one rule object while it is compiled.
type parser struct {
	raw map[string]any
	ptr string
}

// classify checks that key is a field a rule may have, and records the
// name of the operator field in *opName.
func (p *parser) classify(key string, opName *string, top bool) error {
	switch key {
	case "Comment":
		if _, ok := p.raw[key].(string); !ok {
			return parseErr(field(p.ptr, key), "Comment must be a string")
		}
		return nil
	case "Next":
		if !top {
			return parseErr(field(p.ptr, key), "Next is only allowed in a top-level Choice rule, not inside And, Or or Not")
		}
		return nil
	case "Variable":
		return nil
	case "Assign":
		if !top {
			return parseErr(field(p.ptr, key), "Assign is only allowed in a top-level Choice rule, not inside And, Or or Not")
		}
		return nil
	case "And", "Or", "Not":
	default:
		if _, ok := lookupOperator(key); !ok {
			return parseErr(field(p.ptr, key), "unknown field %q in a Choice rule", key)
		}
	}
	if *opName != "" {
		return parseErr(field(p.ptr, key), "a Choice rule takes one operator; it has both %s and %s", *opName, key)
	}
	*opName = key
	return nil
}

// build compiles the rule once its fields are known to be allowed.
func (p *parser) build(opName string, top bool) (*Rule, error) {
	r := &Rule{}
	if top {
		next, ok := p.raw["Next"].(string)
		if !ok || next == "" {
			return nil, parseErr(field(p.ptr, "Next"), "Next is required in a top-level Choice rule and must be a non-empty string")
		}
		r.Next = next
	}
	var err error
	switch opName {
	case "":
		return nil, parseErr(p.ptr, "a Choice rule needs a comparison operator (with Variable) or And, Or or Not")
	case "And", "Or", "Not":
		err = p.buildLogic(r, opName)
	default:
		err = p.buildTest(r, opName)
	}
	if err != nil {
		return nil, err
	}
	return r, nil
}

// buildLogic compiles an And, Or or Not rule.
func (p *parser) buildLogic(r *Rule, name string) error {
	if _, ok := p.raw["Variable"]; ok {
		return parseErr(field(p.ptr, "Variable"), "Variable is not allowed in a rule with %s", name)
	}
	ptr := field(p.ptr, name)
	if name == "Not" {
		r.logic = logicNot
		obj, ok := p.raw[name].(map[string]any)
		if !ok {
			return parseErr(ptr, "Not must be a Choice rule object")
		}
		sub, err := Parse(obj, ptr, false)
		if err != nil {
			return err
		}
		r.rules = []*Rule{sub}
		r.context = sub.context
		return nil
	}
	r.logic = logicAnd
	if name == "Or" {
		r.logic = logicOr
	}
	list, ok := p.raw[name].([]any)
	if !ok || len(list) == 0 {
		return parseErr(ptr, "%s must be a non-empty array of Choice rules", name)
	}
	r.rules = make([]*Rule, len(list))
	for i, item := range list {
		itemPtr := ptr + "/" + strconv.Itoa(i)
		obj, ok := item.(map[string]any)
		if !ok {
			return parseErr(itemPtr, "each rule in %s must be a JSON object", name)
		}
		sub, err := Parse(obj, itemPtr, false)
		if err != nil {
			return err
		}
		r.rules[i] = sub
		r.context = r.context || sub.context
	}
	return nil
}

// buildTest compiles a data-test rule: Variable and one operator.
func (p *parser) buildTest(r *Rule, name string) error {
	r.logic = logicTest
	r.name = name
	r.op, _ = lookupOperator(name)
	raw, ok := p.raw["Variable"]
	if !ok {
		return parseErr(field(p.ptr, "Variable"), "Variable is required with %s", name)
	}
	var err error
	if r.variable, err = compilePath(raw, field(p.ptr, "Variable"), "Variable"); err != nil {
		return err
	}
	r.context = r.variable.Context()
	ptr := field(p.ptr, name)
	value := p.raw[name]
	switch {
	case r.op.isTypeTest():
		want, ok := value.(bool)
		if !ok {
			return parseErr(ptr, "%s must be true or false, got %s", name, jsonvalue.TypeName(value))
		}
		r.want = want
		return nil
	case r.op.path:
		if r.operand, err = compilePath(value, ptr, name); err != nil {
			return err
		}
		r.context = r.context || r.operand.Context()
		return nil
	}
	return r.setLiteral(name, value, ptr)
}

// setLiteral checks and stores the literal operand of a comparison.
func (r *Rule) setLiteral(name string, value any, ptr string) error {
	switch r.op.family {
	case familyString, familyMatches:
		s, ok := value.(string)
		if !ok {
			return parseErr(ptr, "%s must be a string, got %s", name, jsonvalue.TypeName(value))
		}
		if r.op.family == familyMatches {
			r.pattern = compilePattern(s)
		}
	case familyNumeric:
		if !isNumber(value) {
			return parseErr(ptr, "%s must be a number, got %s", name, jsonvalue.TypeName(value))
		}
	case familyBoolean:
		if _, ok := value.(bool); !ok {
			return parseErr(ptr, "%s must be true or false, got %s", name, jsonvalue.TypeName(value))
		}
	case familyTimestamp:
		s, ok := value.(string)
		var valid bool
		if ok {
			r.stamp, valid = parseTimestamp(s)
		}
		if !valid {
			return parseErr(ptr, "%s must be an RFC 3339 timestamp such as \"2016-03-14T01:59:00Z\", got %s", name, jsonvalue.String(value))
		}
	}
	r.literal = value
	return nil
}

// compilePath compiles the Reference Path in the field at ptr.
func compilePath(raw any, ptr, name string) (*jsonpath.Path, error) {
	src, ok := raw.(string)
	if !ok {
		return nil, parseErr(ptr, "%s must be a string holding a JSONPath, got %s", name, jsonvalue.TypeName(raw))
	}
	path, err := jsonpath.CompileReference(src)
	if err != nil {
		return nil, parseErr(ptr, "%s must be a Reference Path: %v", name, err)
	}
	return path, nil
}

// String returns a short description of the rule, for logs and tests.
func (r *Rule) String() string {
	switch r.logic {
	case logicAnd:
		return fmt.Sprintf("And%v", r.rules)
	case logicOr:
		return fmt.Sprintf("Or%v", r.rules)
	case logicNot:
		return fmt.Sprintf("Not(%v)", r.rules[0])
	}
	switch {
	case r.operand != nil:
		return fmt.Sprintf("%s %s %s", r.variable, r.name, r.operand)
	case r.op.isTypeTest():
		return fmt.Sprintf("%s %s %t", r.variable, r.name, r.want)
	}
	return fmt.Sprintf("%s %s %s", r.variable, r.name, jsonvalue.String(r.literal))
}
