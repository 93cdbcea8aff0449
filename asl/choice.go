package asl

import (
	"errors"

	"github.com/stepwise-run/stepwise/asl/internal/choice"
)

// Choice picks the next state by the first rule that matches its input.
type Choice struct {
	Base
	// Choices are the JSONPath rules; Assigns[i] is the Assign of
	// Choices[i], nil when it has none.
	Choices []*choice.Rule
	Assigns []*Assign
	// Conditions are the rules of a JSONata Choice state.
	Conditions []Condition
	// Default is the state taken when no rule matches; empty means the
	// state fails with States.NoChoiceMatched.
	Default string
}

// Condition is one rule of a JSONata Choice state.
type Condition struct {
	// Condition is the JSONata boolean expression (or literal) tested.
	Condition *Value
	Next      string
	// Output and Assign apply when the rule matches; nil when absent.
	Output *Value
	Assign *Assign
}

func parseChoice(r *reader, b Base) State {
	c := &Choice{Base: b, Default: r.str("Default")}
	for i, obj := range r.objects("Choices") {
		ptr := r.at("Choices") + "/" + itoa(i)
		sub := &reader{obj: obj, ptr: ptr}
		if b.jsonata() {
			c.Conditions = append(c.Conditions, parseCondition(sub))
			r.take(sub)
			continue
		}
		rule, err := choice.Parse(obj, ptr, true)
		if err != nil {
			r.adopt(choiceParseError(err))
			return c
		}
		c.Choices = append(c.Choices, rule)
		c.Assigns = append(c.Assigns, sub.assign(JSONPath))
		r.take(sub)
	}
	if len(c.Choices) == 0 && len(c.Conditions) == 0 {
		r.fail("Choices", "a Choice state needs at least one rule in Choices")
	}
	return c
}

func parseCondition(r *reader) Condition {
	for _, k := range []string{"Variable", "And", "Or", "Not"} {
		if r.has(k) {
			r.err = &ParseError{Pointer: r.at(k), Code: CodeJSONPathField,
				Message: k + " is a JSONPath Choice rule field; a JSONata rule uses Condition"}
			return Condition{}
		}
	}
	if !r.has("Condition") {
		r.fail("Condition", "a JSONata Choice rule needs a Condition")
	}
	return Condition{
		Condition: r.value("Condition"),
		Next:      r.requiredStr("Next"),
		Output:    r.value("Output"),
		Assign:    r.assign(JSONata),
	}
}

func (s *Choice) enter(input any, c *Context) Decision {
	if s.jsonata() {
		return s.enterJSONata(input, c)
	}
	eff, err := s.effectiveInput(input, c)
	if err != nil {
		return failWith(err)
	}
	next, assign, err := s.pick(eff, c)
	if err != nil {
		return failWith(err)
	}
	vars, err := assign.eval(eff, nil, c)
	if err != nil {
		return failWith(err)
	}
	out, err := s.outputPath(eff, c)
	if err != nil {
		return failWith(err)
	}
	return Decision{Kind: KindNext, Next: next, Output: out, Assign: vars}
}

// pick returns the next state and the Assign that goes with it.
func (s *Choice) pick(eff any, c *Context) (string, *Assign, *Error) {
	var ctx any
	for i, rule := range s.Choices {
		if ctx == nil && rule.UsesContext() {
			ctx = c.Object()
		}
		ok, err := rule.MatchVars(eff, ctx, c.Variables)
		if err != nil {
			return "", nil, located(c, AsError(err))
		}
		if ok {
			return rule.Next, s.Assigns[i], nil
		}
	}
	if s.Default != "" {
		return s.Default, s.Assign, nil
	}
	return "", nil, NewError(ErrorNoChoiceMatched, "No Matches!")
}

func (s *Choice) enterJSONata(input any, c *Context) Decision {
	st := &states{input: input}
	for _, rule := range s.Conditions {
		v, err := rule.Condition.eval(st, c)
		if err != nil {
			return failWith(err)
		}
		ok, isBool := v.(bool)
		if !isBool {
			return failWith(rule.Condition.root.typeError(c, "boolean", v))
		}
		if !ok {
			continue
		}
		out, assign, err := outputAndAssign(rule.Output, rule.Assign, st, input, c)
		if err != nil {
			return failWith(err)
		}
		return Decision{Kind: KindNext, Next: rule.Next, Output: out, Assign: assign}
	}
	if s.Default == "" {
		return failWith(NewError(ErrorNoChoiceMatched, "No Matches!"))
	}
	out, assign, err := s.finish(st, input, c)
	if err != nil {
		return failWith(err)
	}
	return Decision{Kind: KindNext, Next: s.Default, Output: out, Assign: assign}
}

// choiceParseError converts a choice package error to a ParseError.
func choiceParseError(err error) *ParseError {
	pe := &ParseError{Message: err.Error()}
	var ce *choice.ParseError
	if errors.As(err, &ce) {
		pe.Pointer, pe.Message = ce.Pointer, ce.Message
	}
	if errors.Is(err, choice.ErrUnsupported) {
		pe.Code = CodeUnsupported
	}
	return pe
}
