package mockconfig

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
)

// Config is a parsed mock configuration; it is immutable.
type Config struct {
	// cases maps machine → test case → state → response name.
	cases map[string]map[string]map[string]string
	// responses maps a response name to its spans, sorted by From.
	responses map[string][]span
}

// Mocked is one mocked answer: a result, or (Throw set) a failure.
type Mocked struct {
	// Return is the task's result when Throw is nil; nil is JSON null.
	Return any
	// Throw is the task's failure; nil for a result.
	Throw *asl.Error
}

// span is a response for invocations From..To, inclusive.
type span struct {
	From, To int
	Answer   Mocked
}

// Error is a malformed configuration: what is wrong and where, as a JSON
// pointer into the file.
type Error struct {
	Pointer string
	Problem string
}

// Error renders the pointer and the problem.
func (e *Error) Error() string {
	if e.Pointer == "" {
		return "mock config: " + e.Problem
	}
	return fmt.Sprintf("mock config %s: %s", e.Pointer, e.Problem)
}

// ErrNoResponse is returned by Response for an invocation no key of the
// state's mocked response covers.
var ErrNoResponse = errors.New("the mocked response has no answer for this invocation")

// Load reads and parses the mock configuration in the file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("mock config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// HasCase reports whether the configuration defines test case testCase
// for the state machine called machine. A nil Config has none.
func (c *Config) HasCase(machine, testCase string) bool {
	if c == nil {
		return false
	}
	_, ok := c.cases[machine][testCase]
	return ok
}

// Cases lists the test cases defined for machine, sorted.
func (c *Config) Cases(machine string) []string {
	if c == nil {
		return nil
	}
	out := make([]string, 0, len(c.cases[machine]))
	for name := range c.cases[machine] {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// Response returns the mocked answer of state in test case testCase of
// machine for its invocation-th call (from 0). ok is false when the test
// case does not mock state (it then runs for real); err wraps
// ErrNoResponse when the state is mocked but no key covers invocation.
func (c *Config) Response(machine, testCase, state string, invocation int) (m Mocked, ok bool, err error) {
	if c == nil {
		return Mocked{}, false, nil
	}
	name, ok := c.cases[machine][testCase][state]
	if !ok {
		return Mocked{}, false, nil
	}
	for _, s := range c.responses[name] {
		if invocation >= s.From && invocation <= s.To {
			return s.Answer, true, nil
		}
	}
	return Mocked{}, true, fmt.Errorf("%w: state %s of test case %s uses mocked response %s, which answers invocations %s, not invocation %d",
		ErrNoResponse, state, testCase, name, c.describe(name), invocation)
}

// describe lists the invocations a response answers, as its keys do.
func (c *Config) describe(name string) string {
	keys := make([]string, len(c.responses[name]))
	for i, s := range c.responses[name] {
		keys[i] = strconv.Itoa(s.From)
		if s.To != s.From {
			keys[i] += "-" + strconv.Itoa(s.To)
		}
	}
	return strings.Join(keys, ", ")
}
