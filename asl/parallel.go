package asl

// Parallel runs its branches on the same input; its result is the array of
// their outputs, in branch order.
type Parallel struct {
	Base
	Branches []*StateMachine
}

func parseParallel(r *reader, b Base) State {
	p := &Parallel{Base: b}
	for i, obj := range r.objects("Branches") {
		m, err := parseMachine(obj, r.at("Branches")+"/"+itoa(i), b.QueryLanguage)
		if err != nil {
			r.adopt(err)
			return p
		}
		p.Branches = append(p.Branches, m)
	}
	if len(p.Branches) == 0 && r.err == nil {
		r.fail("Branches", "a Parallel state needs at least one branch")
	}
	return p
}

func (p *Parallel) enter(input any, c *Context) Decision {
	params, err := p.parameters(input, c)
	if err != nil {
		return p.handle(err, input, c)
	}
	return Decision{Kind: KindParallel, Branches: p.Branches, Input: params}
}
