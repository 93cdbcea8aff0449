package asl

import (
	"errors"

	"github.com/stepwise-run/stepwise/asl/internal/choice"
)

// Choice picks the next state by the first rule that matches its input.
type Choice struct {
	Base
	Choices []*choice.Rule
	// Default is the state taken when no rule matches; empty means the
	// state fails with States.NoChoiceMatched.
	Default string
}

func parseChoice(r *reader, b Base) State {
	c := &Choice{Base: b, Default: r.str("Default")}
	for i, obj := range r.objects("Choices") {
		rule, err := choice.Parse(obj, r.at("Choices")+"/"+itoa(i), true)
		if err != nil {
			r.adopt(choiceParseError(err))
			return c
		}
		c.Choices = append(c.Choices, rule)
	}
	if len(c.Choices) == 0 {
		r.fail("Choices", "a Choice state needs at least one rule in Choices")
	}
	return c
}

func (s *Choice) enter(input any, c *Context) Decision {
	eff, err := s.effectiveInput(input, c)
	if err != nil {
		return failWith(err)
	}
	next, err := s.pick(eff, c)
	if err != nil {
		return failWith(err)
	}
	out, err := s.outputPath(eff, c)
	if err != nil {
		return failWith(err)
	}
	return Decision{Kind: KindNext, Next: next, Output: out}
}

func (s *Choice) pick(eff any, c *Context) (string, *Error) {
	var ctx any
	for _, rule := range s.Choices {
		if ctx == nil && rule.UsesContext() {
			ctx = c.Object()
		}
		ok, err := rule.Match(eff, ctx)
		if err != nil {
			return "", located(c, AsError(err))
		}
		if ok {
			return rule.Next, nil
		}
	}
	if s.Default != "" {
		return s.Default, nil
	}
	return "", NewError(ErrorNoChoiceMatched, "No Matches!")
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
