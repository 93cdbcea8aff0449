package spectest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/mockconfig"
)

// Execution statuses a case may expect.
const (
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
	StatusAborted   = "ABORTED"
)

var statuses = []string{StatusSucceeded, StatusFailed, StatusTimedOut, StatusAborted}

// Spec is a loaded test spec; it is immutable.
type Spec struct {
	// Path is the spec file as given to Load.
	Path string
	// DefinitionPath is the definition file, resolved against the spec's
	// folder, and Definition its text.
	DefinitionPath string
	Definition     string
	// Machine is the parsed definition.
	Machine *asl.StateMachine
	// StateMachine is the state machine name of mock-config lookups and
	// of the durable run: the spec's stateMachine, by default the
	// definition file's name without .asl.json or .json.
	StateMachine string
	// Mocks is the spec's mock configuration with every case's inline
	// mocks added as test cases of their own; nil when no case mocks
	// anything.
	Mocks *mockconfig.Config
	// Cases are the spec's cases, in file order.
	Cases []*Case
}

// Case is one execution of the machine and what it must do.
type Case struct {
	// Name is the case's name, unique in its spec.
	Name string
	// Input is the execution input; {} when the spec gives none.
	Input any
	// TestCase is the mock-config test case the case runs with: the
	// spec's testCase, or one built for its inline mocks; empty when
	// nothing is mocked.
	TestCase string
	// RealCalls lets a Task state the case does not mock call its
	// resource (the durable engine's workers, or Options.Tasks in
	// memory); false fails such a Task with States.Runtime.
	RealCalls bool
	// DurableOnly skips the case in memory: it needs the durable engine's
	// workers for the Tasks it does not mock.
	DurableOnly bool
	// Expect is what the execution must do.
	Expect Expect
}

// Expect holds a case's expectations; a nil or empty field is not checked.
type Expect struct {
	// Status is the execution's final status; default SUCCEEDED.
	Status string
	// Output is the exact output; OutputIncludes a JSON subset of it.
	Output, OutputIncludes *any
	// Error and Cause are the execution's error name and cause.
	Error, Cause *string
	// States are the names of the states entered, in history order,
	// Parallel and Map inner states included; nil means not checked. Each
	// entry is a group of names entered one after another in any order
	// (one name in the spec is a group of one): the durable engine runs
	// Parallel branches concurrently, so their states may interleave.
	States [][]string
	// StateIO holds subsets of a state's input and output, by state name.
	StateIO map[string]StateIO
	// Invocations counts the times each named Task state was scheduled,
	// retries and Map iterations included.
	Invocations map[string]int
}

// StateIO is an expectation on one visit of a state.
type StateIO struct {
	// Visit is which entry of the state is checked, from 1; default 1.
	Visit int
	// Input and Output are JSON subsets of the state's input and output;
	// nil is not checked.
	Input, Output *any
}

// Load reads the spec at path (JSON, or YAML when it ends in .yaml or
// .yml), its definition and its mock configuration. A bad spec is a *SpecError naming the file and the JSON
// pointer of the problem.
func Load(path string) (*Spec, error) {
	f := fields{file: path}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &SpecError{File: path, Problem: err.Error()}
	}
	raw, err := decodeSpec(path, data)
	if err != nil {
		return nil, f.fail("", "%v", err)
	}
	top, err := f.object(raw, "", "definition", "stateMachine", "mockConfig", "realCalls", "cases")
	if err != nil {
		return nil, err
	}
	s := &Spec{Path: path}
	if err := s.loadDefinition(f, top); err != nil {
		return nil, err
	}
	mocks, err := s.loadMockConfig(f, top)
	if err != nil {
		return nil, err
	}
	if err := s.loadCases(f, top, mocks); err != nil {
		return nil, err
	}
	if s.Mocks, err = mocks.build(); err != nil {
		return nil, f.fail("", "%v", err)
	}
	return s, nil
}

// decodeSpec reads a spec's JSON, or its YAML for a .yaml or .yml file (the
// JSON pointers of errors then name the same keys).
func decodeSpec(path string, data []byte) (any, error) {
	if ext := filepath.Ext(path); ext == ".yaml" || ext == ".yml" {
		converted, err := yaml.YAMLToJSON(data)
		if err != nil {
			return nil, fmt.Errorf("not valid YAML: %w", err)
		}
		data = converted
	}
	v, err := asl.DecodeJSON(data)
	if err != nil {
		return nil, fmt.Errorf("not valid JSON: %w", err)
	}
	return v, nil
}

// loadDefinition reads and checks the definition file and names the
// machine.
func (s *Spec) loadDefinition(f fields, top map[string]any) error {
	rel, err := f.text(top, "definition", "", true)
	if err != nil {
		return err
	}
	s.DefinitionPath = s.resolve(rel)
	if s.StateMachine, err = f.text(top, "stateMachine", "", false); err != nil {
		return err
	}
	if s.StateMachine == "" {
		base := filepath.Base(rel)
		s.StateMachine = strings.TrimSuffix(strings.TrimSuffix(base, ".json"), ".asl")
	}
	def, err := os.ReadFile(s.DefinitionPath)
	if err != nil {
		return f.fail("/definition", "%v", err)
	}
	s.Definition = string(def)
	if s.Machine, err = parseDefinition(def); err != nil {
		return f.fail("/definition", "%s is not a valid definition: %v", s.DefinitionPath, err)
	}
	return nil
}

// resolve is the path of a file the spec names: relative to the spec's
// folder unless absolute.
func (s *Spec) resolve(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(filepath.Dir(s.Path), path)
}

// loadCases reads the cases, adding their inline mocks to mocks.
func (s *Spec) loadCases(f fields, top map[string]any, mocks *mockSet) error {
	realCalls, err := f.flag(top, "realCalls", "")
	if err != nil {
		return err
	}
	list, ok := top["cases"].([]any)
	if !ok || len(list) == 0 {
		return f.fail("/cases", "required: an array of at least one case")
	}
	seen := map[string]bool{}
	for i, raw := range list {
		at := fmt.Sprintf("/cases/%d", i)
		c, err := s.loadCase(f, raw, at, mocks, realCalls)
		if err != nil {
			return err
		}
		if seen[c.Name] {
			return f.fail(at+"/name", "another case is called %q", c.Name)
		}
		seen[c.Name] = true
		s.Cases = append(s.Cases, c)
	}
	return nil
}

// orDefault reads a case's boolean field key, defaulting to spec's
// (false when nil).
func orDefault(f fields, obj map[string]any, at, key string, spec *bool) (bool, error) {
	b, err := f.flag(obj, key, at)
	if b == nil {
		b = spec
	}
	return b != nil && *b, err
}

func (s *Spec) loadCase(f fields, raw any, at string, mocks *mockSet, realCalls *bool) (*Case, error) {
	obj, err := f.object(raw, at, "name", "input", "testCase", "mocks", "realCalls", "durableOnly", "expect")
	if err != nil {
		return nil, err
	}
	c := &Case{Input: map[string]any{}}
	if c.Name, err = f.text(obj, "name", at, true); err != nil {
		return nil, err
	}
	if in := value(obj, "input"); in != nil {
		c.Input = *in
	}
	if c.RealCalls, err = orDefault(f, obj, at, "realCalls", realCalls); err != nil {
		return nil, err
	}
	if c.DurableOnly, err = orDefault(f, obj, at, "durableOnly", nil); err != nil {
		return nil, err
	}
	if c.TestCase, err = mocks.addCase(f, s, obj, at, c); err != nil {
		return nil, err
	}
	expect, ok := obj["expect"]
	if !ok {
		expect = map[string]any{}
	}
	c.Expect, err = s.loadExpect(f, expect, at+"/expect")
	return c, err
}
