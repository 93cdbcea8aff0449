package mockconfig

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/jsonpointer"
)

// Parse reads a mock configuration. A malformed one is an *Error naming
// the JSON pointer of the first problem (in sorted key order).
func Parse(data []byte) (*Config, error) {
	raw, err := asl.DecodeJSON(data)
	if err != nil {
		return nil, &Error{Problem: fmt.Sprintf("not valid JSON: %v", err)}
	}
	top, err := object(raw, "")
	if err != nil {
		return nil, err
	}
	if err := onlyKeys(top, "", "StateMachines", "MockedResponses"); err != nil {
		return nil, err
	}
	c := &Config{responses: map[string][]span{}, cases: map[string]map[string]map[string]string{}}
	if err := c.parseResponses(top["MockedResponses"]); err != nil {
		return nil, err
	}
	if err := c.parseMachines(top["StateMachines"]); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) parseMachines(raw any) error {
	machines, err := object(orEmpty(raw), "/StateMachines")
	if err != nil {
		return err
	}
	for _, machine := range sortedKeys(machines) {
		at := "/StateMachines/" + jsonpointer.Escape(machine)
		body, err := object(machines[machine], at)
		if err != nil {
			return err
		}
		if err := onlyKeys(body, at, "TestCases"); err != nil {
			return err
		}
		cases, err := c.parseCases(body["TestCases"], at+"/TestCases")
		if err != nil {
			return err
		}
		c.cases[machine] = cases
	}
	return nil
}

func (c *Config) parseCases(raw any, at string) (map[string]map[string]string, error) {
	if raw == nil {
		return nil, &Error{Pointer: at, Problem: "required: an object of test cases"}
	}
	cases, err := object(raw, at)
	if err != nil {
		return nil, err
	}
	out := make(map[string]map[string]string, len(cases))
	for _, name := range sortedKeys(cases) {
		states, err := object(cases[name], at+"/"+jsonpointer.Escape(name))
		if err != nil {
			return nil, err
		}
		out[name] = make(map[string]string, len(states))
		for _, state := range sortedKeys(states) {
			p := at + "/" + jsonpointer.Escape(name) + "/" + jsonpointer.Escape(state)
			response, ok := states[state].(string)
			if !ok {
				return nil, &Error{Pointer: p, Problem: fmt.Sprintf("must be the name of a mocked response, not %s", asl.JSONType(states[state]))}
			}
			if _, ok := c.responses[response]; !ok {
				return nil, &Error{Pointer: p, Problem: fmt.Sprintf("no mocked response is called %q (MockedResponses defines %s)", response, strings.Join(sortedKeys(c.responseNames()), ", "))}
			}
			out[name][state] = response
		}
	}
	return out, nil
}

func (c *Config) responseNames() map[string]any {
	out := make(map[string]any, len(c.responses))
	for name := range c.responses {
		out[name] = nil
	}
	return out
}

func (c *Config) parseResponses(raw any) error {
	responses, err := object(orEmpty(raw), "/MockedResponses")
	if err != nil {
		return err
	}
	for _, name := range sortedKeys(responses) {
		spans, err := parseSpans(responses[name], "/MockedResponses/"+jsonpointer.Escape(name))
		if err != nil {
			return err
		}
		c.responses[name] = spans
	}
	return nil
}

// parseSpans reads one mocked response: invocation keys to answers.
func parseSpans(raw any, at string) ([]span, error) {
	keys, err := object(raw, at)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, &Error{Pointer: at, Problem: `needs at least one invocation key such as "0"`}
	}
	spans := make([]span, 0, len(keys))
	for _, key := range sortedKeys(keys) {
		p := at + "/" + jsonpointer.Escape(key)
		from, to, err := invocations(key, p)
		if err != nil {
			return nil, err
		}
		answer, err := parseAnswer(keys[key], p)
		if err != nil {
			return nil, err
		}
		spans = append(spans, span{From: from, To: to, Answer: answer})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].From < spans[j].From })
	for i := 1; i < len(spans); i++ {
		if spans[i].From <= spans[i-1].To {
			return nil, &Error{Pointer: at, Problem: fmt.Sprintf("invocation %d is answered twice", spans[i].From)}
		}
	}
	return spans, nil
}

// invocations reads a key: "N" or "N-M" with 0 <= N <= M.
func invocations(key, at string) (from, to int, err error) {
	bad := &Error{Pointer: at, Problem: fmt.Sprintf(`invocation key %q must be a number such as "0" or a range such as "1-2"`, key)}
	first, last, isRange := strings.Cut(key, "-")
	if from, err = strconv.Atoi(first); err != nil || from < 0 || first != strconv.Itoa(from) {
		return 0, 0, bad
	}
	if !isRange {
		return from, from, nil
	}
	if to, err = strconv.Atoi(last); err != nil || last != strconv.Itoa(to) {
		return 0, 0, bad
	}
	if to < from {
		return 0, 0, &Error{Pointer: at, Problem: fmt.Sprintf("range %q ends before it starts", key)}
	}
	return from, to, nil
}

// parseAnswer reads {"Return": VALUE} or {"Throw": {"Error", "Cause"}}.
func parseAnswer(raw any, at string) (Mocked, error) {
	obj, err := object(raw, at)
	if err != nil {
		return Mocked{}, err
	}
	if err := onlyKeys(obj, at, "Return", "Throw"); err != nil {
		return Mocked{}, err
	}
	ret, hasReturn := obj["Return"]
	throw, hasThrow := obj["Throw"]
	if hasReturn == hasThrow {
		return Mocked{}, &Error{Pointer: at, Problem: `needs exactly one of "Return" and "Throw"`}
	}
	if hasReturn {
		return Mocked{Return: ret}, nil
	}
	return parseThrow(throw, at+"/Throw")
}

func parseThrow(raw any, at string) (Mocked, error) {
	obj, err := object(raw, at)
	if err != nil {
		return Mocked{}, err
	}
	if err := onlyKeys(obj, at, "Error", "Cause"); err != nil {
		return Mocked{}, err
	}
	name, ok := obj["Error"].(string)
	if !ok || name == "" {
		return Mocked{}, &Error{Pointer: at + "/Error", Problem: "required: the error name, a non-empty string"}
	}
	cause, ok := obj["Cause"].(string)
	if _, present := obj["Cause"]; present && !ok {
		return Mocked{}, &Error{Pointer: at + "/Cause", Problem: "must be a string"}
	}
	return Mocked{Throw: &asl.Error{Name: name, Cause: cause}}, nil
}

func object(raw any, at string) (map[string]any, error) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, &Error{Pointer: at, Problem: fmt.Sprintf("must be an object, not %s", asl.JSONType(raw))}
	}
	return obj, nil
}

// onlyKeys refuses a field of obj not in allowed: a misspelt field would
// otherwise be ignored.
func onlyKeys(obj map[string]any, at string, allowed ...string) error {
	for _, k := range sortedKeys(obj) {
		known := false
		for _, a := range allowed {
			known = known || k == a
		}
		if !known {
			return &Error{Pointer: at + "/" + jsonpointer.Escape(k), Problem: fmt.Sprintf("unknown field (expected %s)", strings.Join(allowed, ", "))}
		}
	}
	return nil
}

func orEmpty(raw any) any {
	if raw == nil {
		return map[string]any{}
	}
	return raw
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
