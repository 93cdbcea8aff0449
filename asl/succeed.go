package asl

// Succeed ends the machine, or a Parallel branch or Map iteration,
// successfully.
type Succeed struct {
	Base
}

func parseSucceed(_ *reader, b Base) State { return &Succeed{Base: b} }

func (s *Succeed) enter(input any, c *Context) Decision {
	if s.jsonata() {
		out, _, err := s.finish(&states{input: input}, input, c)
		if err != nil {
			return failWith(err)
		}
		return Decision{Kind: KindSucceed, Output: out}
	}
	eff, err := s.effectiveInput(input, c)
	if err != nil {
		return failWith(err)
	}
	out, err := s.outputPath(eff, c)
	if err != nil {
		return failWith(err)
	}
	return Decision{Kind: KindSucceed, Output: out}
}
