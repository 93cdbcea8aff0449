package spectest

// outcome is what one execution of a case did, in memory or durably.
type outcome struct {
	// Status is the execution's final status.
	Status string
	// Output is its output; nil unless it succeeded.
	Output any
	// Error and Cause say why it did not succeed.
	Error, Cause string
	// visits are the states entered, in history order.
	visits []stateVisit
	// Invocations counts the TaskScheduled events of each Task state.
	Invocations map[string]int
}

// stateVisit is one entry into a state.
type stateVisit struct {
	State string
	// Input is the state's input; Output its output when it exited.
	Input, Output any
	// Exited reports whether the state exited (a failed state does not).
	Exited bool
}

// entered records that state was entered with input.
func (o *outcome) entered(state string, input any) {
	o.visits = append(o.visits, stateVisit{State: state, Input: input})
}

// exited records that the latest open visit of state exited with output.
func (o *outcome) exited(state string, output any) {
	for i := len(o.visits) - 1; i >= 0; i-- {
		if v := &o.visits[i]; v.State == state && !v.Exited {
			v.Output, v.Exited = output, true
			return
		}
	}
}

// scheduled counts one invocation of state's task.
func (o *outcome) scheduled(state string) {
	if o.Invocations == nil {
		o.Invocations = map[string]int{}
	}
	o.Invocations[state]++
}

// states lists the names of the states entered, in order.
func (o *outcome) states() []string {
	names := make([]string, len(o.visits))
	for i, v := range o.visits {
		names[i] = v.State
	}
	return names
}

// visit returns the n-th visit (from 1) of state.
func (o *outcome) visit(state string, n int) (stateVisit, bool) {
	for _, v := range o.visits {
		if v.State != state {
			continue
		}
		if n--; n == 0 {
			return v, true
		}
	}
	return stateVisit{}, false
}

// count is how many times state was entered.
func (o *outcome) count(state string) int {
	n := 0
	for _, v := range o.visits {
		if v.State == state {
			n++
		}
	}
	return n
}
