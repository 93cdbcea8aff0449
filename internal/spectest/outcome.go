package spectest

// Outcome is what one execution of a case did, in memory or durably.
type Outcome struct {
	// Status is the execution's final status.
	Status string
	// Output is its output; nil unless it succeeded.
	Output any
	// Error and Cause say why it did not succeed.
	Error, Cause string
	// Visits are the states entered, in history order.
	Visits []Visit
	// Invocations counts the TaskScheduled events of each Task state.
	Invocations map[string]int
}

// Visit is one entry into a state.
type Visit struct {
	State string
	// Input is the state's input; Output its output when it exited.
	Input, Output any
	// Exited reports whether the state exited (a failed state does not).
	Exited bool
}

// entered records that state was entered with input.
func (o *Outcome) entered(state string, input any) {
	o.Visits = append(o.Visits, Visit{State: state, Input: input})
}

// exited records that the latest open visit of state exited with output.
func (o *Outcome) exited(state string, output any) {
	for i := len(o.Visits) - 1; i >= 0; i-- {
		if v := &o.Visits[i]; v.State == state && !v.Exited {
			v.Output, v.Exited = output, true
			return
		}
	}
}

// scheduled counts one invocation of state's task.
func (o *Outcome) scheduled(state string) {
	if o.Invocations == nil {
		o.Invocations = map[string]int{}
	}
	o.Invocations[state]++
}

// states lists the names of the states entered, in order.
func (o *Outcome) states() []string {
	names := make([]string, len(o.Visits))
	for i, v := range o.Visits {
		names[i] = v.State
	}
	return names
}

// visit returns the n-th visit (from 1) of state.
func (o *Outcome) visit(state string, n int) (Visit, bool) {
	for _, v := range o.Visits {
		if v.State != state {
			continue
		}
		if n--; n == 0 {
			return v, true
		}
	}
	return Visit{}, false
}

// count is how many times state was entered.
func (o *Outcome) count(state string) int {
	n := 0
	for _, v := range o.Visits {
		if v.State == state {
			n++
		}
	}
	return n
}
