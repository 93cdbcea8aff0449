package asl

// Pass passes its input to its output, or injects Result.
type Pass struct {
	Base
	// Result replaces the effective input when HasResult is set.
	Result    any
	HasResult bool
}

func parsePass(r *reader, b Base) State {
	p := &Pass{Base: b}
	p.Result, p.HasResult = r.obj["Result"]
	return p
}

func (p *Pass) enter(input any, c *Context) Decision {
	if p.jsonata() {
		out, assign, err := p.finish(&states{input: input}, input, c)
		if err != nil {
			return failWith(err)
		}
		if TooLarge(out) {
			return failWith(ResultTooLarge(p.Name))
		}
		return p.proceed(out).assigning(assign)
	}
	result, err := p.parameters(input, c)
	if err != nil {
		return failWith(err)
	}
	if p.HasResult {
		result = p.Result
	}
	if TooLarge(result) {
		return failWith(ResultTooLarge(p.Name))
	}
	assign, err := p.Assign.eval(result, nil, c)
	if err != nil {
		return failWith(err)
	}
	out, err := p.output(input, result, c)
	if err != nil {
		return failWith(err)
	}
	return p.proceed(out).assigning(assign)
}
