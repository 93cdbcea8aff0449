package check

import (
	"fmt"
	"sort"
	"unicode/utf8"

	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// maxStateName is the longest state name AWS accepts, in characters.
const maxStateName = 80

// collectNames records the pointer of every state of m and of the machines
// nested in it, outer scopes first.
func (c *checker) collectNames(m map[string]any, at string) {
	states, _ := m["States"].(map[string]any)
	names := jsonvalue.SortedKeys(states)
	for _, name := range names {
		c.names[name] = append(c.names[name], join(at, "States", name))
	}
	for _, name := range names {
		if s, ok := states[name].(map[string]any); ok {
			for _, sub := range nestedMachines(s, join(at, "States", name)) {
				c.collectNames(sub.machine, sub.at)
			}
		}
	}
}

// stateNames reports names used more than once and names that are too
// long.
func (c *checker) stateNames() {
	names := make([]string, 0, len(c.names))
	for name := range c.names {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ptrs := c.names[name]
		if n := utf8.RuneCountInString(name); n > maxStateName {
			c.report(CodeStateNameTooLong, ptrs[0], "state name %q has %d characters; at most %d are allowed", name, n, maxStateName)
		}
		for _, p := range ptrs[1:] {
			c.report(CodeDuplicateState, p, "state name %q is already used at %s; state names must be unique in the whole state machine", name, ptrs[0])
		}
	}
}

// graph checks the transitions of one scope: every target exists in it,
// every state is reachable from StartAt, and a terminal state is reachable.
func (c *checker) graph(m map[string]any, at string, states map[string]any) {
	start, ok := m["StartAt"].(string)
	if !ok || states == nil {
		return
	}
	startOK := c.target(start, join(at, "StartAt"), states)
	edges := map[string][]string{}
	for _, name := range jsonvalue.SortedKeys(states) {
		s, _ := states[name].(map[string]any)
		for _, e := range transitions(s, join(at, "States", name)) {
			if c.target(e.target, e.at, states) {
				edges[name] = append(edges[name], e.target)
			}
		}
	}
	if !startOK {
		return
	}
	reached := reach(start, edges)
	terminal := false
	for _, name := range jsonvalue.SortedKeys(states) {
		if !reached[name] {
			c.report(CodeUnreachable, join(at, "States", name), "state %q cannot be reached from StartAt %q", name, start)
			continue
		}
		s, _ := states[name].(map[string]any)
		terminal = terminal || isTerminal(s)
	}
	if !terminal {
		c.report(CodeNoTerminal, join(at, "States"), "%s: no End, Succeed or Fail state can be reached from StartAt %q", scopeName(at), start)
	}
}

// scopeName words the scope a machine pointer names.
func scopeName(at string) string {
	if at == "" {
		return "state machine"
	}
	return describe(at)
}

// target reports whether a transition target exists in the scope's states,
// and reports it when it does not.
func (c *checker) target(name, at string, states map[string]any) bool {
	if _, ok := states[name]; ok {
		return true
	}
	msg := fmt.Sprintf("%s: no state named %q in this scope", describe(at), name)
	if ptrs := c.names[name]; len(ptrs) > 0 {
		msg += fmt.Sprintf(" (the state at %s is in another scope)", ptrs[0])
	}
	c.report(CodeMissingTarget, at, "%s", msg)
	return false
}

// edge is one transition of a state.
type edge struct {
	target string
	at     string // pointer of the field naming the target
}

// transitions lists the Next, Default, choice rule and catcher targets of
// state s.
func transitions(s map[string]any, at string) []edge {
	var out []edge
	for _, f := range []string{"Next", "Default"} {
		if t, ok := s[f].(string); ok {
			out = append(out, edge{t, join(at, f)})
		}
	}
	for _, list := range []string{"Choices", "Catch"} {
		items, _ := s[list].([]any)
		for i, item := range items {
			obj, _ := item.(map[string]any)
			if t, ok := obj["Next"].(string); ok {
				out = append(out, edge{t, join(at, list, i, "Next")})
			}
		}
	}
	return out
}

// reach returns the states reachable from start.
func reach(start string, edges map[string][]string) map[string]bool {
	seen := map[string]bool{start: true}
	queue := []string{start}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, t := range edges[name] {
			if !seen[t] {
				seen[t] = true
				queue = append(queue, t)
			}
		}
	}
	return seen
}

// isTerminal reports whether state s ends its machine.
func isTerminal(s map[string]any) bool {
	if end, _ := s["End"].(bool); end {
		return true
	}
	typ, _ := s["Type"].(string)
	return typ == "Succeed" || typ == "Fail"
}
