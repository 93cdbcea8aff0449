package spectest

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/jsonpointer"
	"github.com/stepwise-run/stepwise/internal/mockconfig"
)

// everyInvocation is the invocation key the shorthand {"Return": ...} or
// {"Throw": ...} stands for.
var everyInvocation = "0-" + strconv.Itoa(math.MaxInt32)

// mockSet gathers a spec's mock configuration: the mockConfig file's
// document, to which each case with inline mocks adds a test case of its
// own and its mocked responses. mockconfig.Parse validates the result, so
// the rules of the format live in one place.
type mockSet struct {
	machine string
	file    *mockconfig.Config
	doc     map[string]any
	used    bool
}

// loadMockConfig reads the spec's mockConfig file, if it names one.
func (s *Spec) loadMockConfig(f fields, top map[string]any) (*mockSet, error) {
	m := &mockSet{machine: s.StateMachine, doc: map[string]any{}}
	rel, err := f.text(top, "mockConfig", "", false)
	if err != nil || rel == "" {
		return m, err
	}
	path := s.resolve(rel)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, f.fail("/mockConfig", "%v", err)
	}
	if m.file, err = mockconfig.Parse(data); err != nil {
		var e *mockconfig.Error
		if errors.As(err, &e) {
			return nil, &SpecError{File: path, Pointer: e.Pointer, Problem: e.Problem}
		}
		return nil, &SpecError{File: path, Problem: err.Error()}
	}
	raw, _ := asl.DecodeJSON(data) // Parse accepted it
	m.doc = raw.(map[string]any)
	m.used = true
	return m, nil
}

// addCase reads a case's testCase and mocks and returns the test case it
// runs with. A case with inline mocks, or one that does not allow real
// calls, gets a test case of its own: the named test case's states, its
// inline mocks, and (without real calls) every other Task state answering
// States.Runtime, so that no unmocked Task reaches a worker in either mode.
func (m *mockSet) addCase(f fields, s *Spec, obj map[string]any, at string, c *Case) (string, error) {
	testCase, err := f.text(obj, "testCase", at, false)
	if err != nil {
		return "", err
	}
	if testCase != "" && !m.file.HasCase(m.machine, testCase) {
		return "", f.fail(at+"/testCase", "the mock configuration defines no test case %q for state machine %s (it defines %s)",
			testCase, m.machine, strings.Join(m.file.Cases(m.machine), ", "))
	}
	raw, hasMocks := obj["mocks"]
	if !hasMocks && c.RealCalls {
		return testCase, nil
	}
	generated := "spectest/" + c.Name
	states := m.baseCase(testCase)
	if hasMocks {
		if err := m.addInline(f, s, raw, at+"/mocks", generated, states); err != nil {
			return "", err
		}
	}
	if !c.RealCalls {
		m.addUnmocked(s, c, generated, states)
	}
	m.testCases()[generated] = states
	m.used = true
	return generated, nil
}

// addInline adds a case's inline mocks to states.
func (m *mockSet) addInline(f fields, s *Spec, raw any, at, generated string, states map[string]any) error {
	mocks, err := f.object(raw, at)
	if err != nil {
		return err
	}
	tasks := taskStates(s.Machine)
	for _, state := range keys(mocks) {
		p := at + "/" + jsonpointer.Escape(state)
		if _, ok := tasks[state]; !ok {
			return f.fail(p, "no Task state is called %q (Task states: %s)", state, strings.Join(keys(tasks), ", "))
		}
		response, err := inlineResponse(f, mocks[state], p)
		if err != nil {
			return err
		}
		m.responses()[generated+"/"+state] = response
		states[state] = generated + "/" + state
	}
	return nil
}

// addUnmocked makes every Task state that states does not mock fail with
// States.Runtime, naming the state and its resource.
func (m *mockSet) addUnmocked(s *Spec, c *Case, generated string, states map[string]any) {
	for state, resource := range taskStates(s.Machine) {
		if _, ok := states[state]; ok {
			continue
		}
		e := notMocked(c, state, resource, "")
		m.responses()[generated+"/"+state] = map[string]any{everyInvocation: map[string]any{
			"Throw": map[string]any{"Error": e.Name, "Cause": e.Cause}}}
		states[state] = generated + "/" + state
	}
}

// inlineResponse checks one state's inline mock, in the MockedResponses
// shape or the shorthand for every invocation, and returns it in the
// MockedResponses shape.
func inlineResponse(f fields, raw any, at string) (any, error) {
	prefix := "/MockedResponses/R"
	if obj, ok := raw.(map[string]any); ok && (hasKey(obj, "Return") || hasKey(obj, "Throw")) {
		raw = map[string]any{everyInvocation: obj}
		prefix += "/" + everyInvocation
	}
	doc := asl.EncodeJSON(map[string]any{"MockedResponses": map[string]any{"R": raw}})
	if _, err := mockconfig.Parse([]byte(doc)); err != nil {
		var e *mockconfig.Error
		if errors.As(err, &e) {
			return nil, f.fail(at+strings.TrimPrefix(e.Pointer, prefix), "%s", e.Problem)
		}
		return nil, f.fail(at, "%v", err)
	}
	return raw, nil
}

func hasKey(obj map[string]any, key string) bool {
	_, ok := obj[key]
	return ok
}

// baseCase copies the states of testCase in the file's document; empty
// when testCase is.
func (m *mockSet) baseCase(testCase string) map[string]any {
	out := map[string]any{}
	if testCase == "" {
		return out
	}
	for state, response := range m.testCases()[testCase].(map[string]any) {
		out[state] = response
	}
	return out
}

// testCases is the document's test cases of the machine, created if
// needed.
func (m *mockSet) testCases() map[string]any {
	machines := child(m.doc, "StateMachines")
	return child(child(machines, m.machine), "TestCases")
}

func (m *mockSet) responses() map[string]any { return child(m.doc, "MockedResponses") }

// child is obj[key] as an object, created if absent.
func child(obj map[string]any, key string) map[string]any {
	c, ok := obj[key].(map[string]any)
	if !ok {
		c = map[string]any{}
		obj[key] = c
	}
	return c
}

// build parses the gathered document; nil when nothing is mocked.
func (m *mockSet) build() (*mockconfig.Config, error) {
	if !m.used {
		return nil, nil
	}
	c, err := mockconfig.Parse([]byte(asl.EncodeJSON(m.doc)))
	if err != nil {
		return nil, fmt.Errorf("the mocks of the cases: %w", err)
	}
	return c, nil
}
