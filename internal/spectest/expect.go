package spectest

import (
	"fmt"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/jsonpointer"
)

// loadExpect reads a case's expectations.
func (s *Spec) loadExpect(f fields, raw any, at string) (Expect, error) {
	obj, err := f.object(raw, at, "status", "output", "outputIncludes", "error", "cause", "states", "stateIO", "invocations")
	if err != nil {
		return Expect{}, err
	}
	e := Expect{Status: StatusSucceeded, Output: value(obj, "output"), OutputIncludes: value(obj, "outputIncludes")}
	if status, err := f.text(obj, "status", at, false); err != nil {
		return Expect{}, err
	} else if status != "" {
		e.Status = status
	}
	if !contains(statuses, e.Status) {
		return Expect{}, f.fail(at+"/status", "must be one of %s, not %q", strings.Join(statuses, ", "), e.Status)
	}
	if e.Error, err = f.optionalText(obj, "error", at); err != nil {
		return Expect{}, err
	}
	if e.Cause, err = f.optionalText(obj, "cause", at); err != nil {
		return Expect{}, err
	}
	if e.States, err = f.steps(obj, "states", at); err != nil {
		return Expect{}, err
	}
	if e.StateIO, err = s.loadStateIO(f, obj["stateIO"], at+"/stateIO"); err != nil {
		return Expect{}, err
	}
	e.Invocations, err = s.loadInvocations(f, obj["invocations"], at+"/invocations")
	return e, err
}

// loadStateIO reads {"STATE": {"visit": N, "input": ..., "output": ...}}.
func (s *Spec) loadStateIO(f fields, raw any, at string) (map[string]StateIO, error) {
	if raw == nil {
		return nil, nil
	}
	obj, err := f.object(raw, at)
	if err != nil {
		return nil, err
	}
	out := make(map[string]StateIO, len(obj))
	for _, state := range keys(obj) {
		p := at + "/" + jsonpointer.Escape(state)
		if err := s.knownState(f, state, p); err != nil {
			return nil, err
		}
		io, err := f.object(obj[state], p, "visit", "input", "output")
		if err != nil {
			return nil, err
		}
		visit, err := count(f, io, "visit", p, 1)
		if err != nil {
			return nil, err
		}
		out[state] = StateIO{Visit: visit, Input: value(io, "input"), Output: value(io, "output")}
	}
	return out, nil
}

// loadInvocations reads {"STATE": N} for Task states.
func (s *Spec) loadInvocations(f fields, raw any, at string) (map[string]int, error) {
	if raw == nil {
		return nil, nil
	}
	obj, err := f.object(raw, at)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int, len(obj))
	for _, state := range keys(obj) {
		if _, ok := taskStates(s.Machine)[state]; !ok {
			return nil, f.fail(at+"/"+jsonpointer.Escape(state), "no Task state is called %q (Task states: %s)", state, strings.Join(keys(taskStates(s.Machine)), ", "))
		}
		if out[state], err = count(f, obj, state, at, 0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// count reads a whole number of at least min; absent is min.
func count(f fields, obj map[string]any, key, at string, min int64) (int, error) {
	raw, ok := obj[key]
	if !ok {
		return int(min), nil
	}
	n, isInt := raw.(int64)
	if !isInt || n < min {
		return 0, f.fail(at+"/"+jsonpointer.Escape(key), "must be a whole number of at least %d, not %s", min, asl.EncodeJSON(raw))
	}
	return int(n), nil
}

// knownState refuses a state name the definition does not have.
func (s *Spec) knownState(f fields, state, at string) error {
	if !stateNames(s.Machine)[state] {
		return f.fail(at, "the definition has no state called %q", state)
	}
	return nil
}

// describeVisit names the n-th visit of state for messages.
func describeVisit(state string, n int) string {
	if n == 1 {
		return state
	}
	return fmt.Sprintf("%s (visit %d)", state, n)
}
