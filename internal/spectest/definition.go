package spectest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
)

// parseDefinition checks a definition as CreateStateMachine does and
// parses it.
func parseDefinition(def []byte) (*asl.StateMachine, error) {
	if diags := engine.ValidateMachineSpec(engine.MachineSpec{Definition: string(def)}); len(diags) > 0 {
		problems := make([]string, len(diags))
		for i, d := range diags {
			problems[i] = fmt.Sprintf("%s %s: %s", d.Code, d.Pointer, d.Message)
		}
		return nil, errors.New(strings.Join(problems, "; "))
	}
	return asl.Parse(def)
}

// stateNames lists every state of m, Parallel branches and Map
// processors included.
func stateNames(m *asl.StateMachine) map[string]bool {
	names := map[string]bool{}
	m.EachState(func(name string, _ asl.State) { names[name] = true })
	return names
}

// taskStates maps the name of every Task state of m, nested ones
// included, to its resource.
func taskStates(m *asl.StateMachine) map[string]string {
	tasks := map[string]string{}
	m.EachState(func(name string, s asl.State) {
		if t, ok := s.(*asl.Task); ok {
			tasks[name] = t.Resource
		}
	})
	return tasks
}
