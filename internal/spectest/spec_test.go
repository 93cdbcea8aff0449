package spectest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/spectest"
)

// definition is a machine with a Task inside a Parallel branch.
const definition = `{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
  {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}}}]}}}`

// writeSpec writes a spec beside definition.asl.json (and MockConfigFile.json)
// in a fresh folder and returns its path.
func writeSpec(t *testing.T, spec string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "definition.asl.json"), []byte(definition), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "MockConfigFile.json"),
		[]byte(`{"StateMachines": {"definition": {"TestCases": {"Ok": {"T": "R"}}}}, "MockedResponses": {"R": {"0": {"Return": 1}}}}`), 0o600))
	path := filepath.Join(dir, "x.spec.json")
	require.NoError(t, os.WriteFile(path, []byte(spec), 0o600))
	return path
}

func TestLoad(t *testing.T) {
	t.Parallel()
	path := writeSpec(t, `{"definition": "definition.asl.json", "mockConfig": "MockConfigFile.json", "realCalls": true, "cases": [
	  {"name": "file", "testCase": "Ok", "realCalls": false},
	  {"name": "inline", "mocks": {"T": {"Throw": {"Error": "E"}}}, "expect": {"status": "FAILED", "states": ["P", ["T"]], "invocations": {"T": 1}}},
	  {"name": "real"}]}`)
	s, err := spectest.Load(path)
	require.NoError(t, err)
	require.Equal(t, "definition", s.StateMachine, "the definition's name without .asl.json")
	require.Len(t, s.Cases, 3)
	require.Equal(t, "spectest/file", s.Cases[0].TestCase, "no real calls: a test case of its own")
	require.False(t, s.Cases[0].RealCalls)
	require.Equal(t, "spectest/inline", s.Cases[1].TestCase)
	require.Equal(t, [][]string{{"P"}, {"T"}}, s.Cases[1].Expect.States)
	require.Equal(t, map[string]int{"T": 1}, s.Cases[1].Expect.Invocations)
	require.Equal(t, "", s.Cases[2].TestCase, "real calls and no mocks: no test case")
	require.Equal(t, spectest.StatusSucceeded, s.Cases[2].Expect.Status)

	m, ok, err := s.Mocks.Response("definition", "spectest/inline", "T", 7)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "E", m.Throw.Name, "the shorthand answers every invocation")
	m, ok, err = s.Mocks.Response("definition", "spectest/file", "T", 0)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(1), m.Return, "the file's test case answers")
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, spec, pointer, problem string
	}{
		{"not JSON", `{`, "", "not valid JSON"},
		{"unknown field", `{"definition": "definition.asl.json", "case": []}`, "/case", "unknown field"},
		{"no definition", `{"cases": [{"name": "a"}]}`, "/definition", "required"},
		{"missing definition", `{"definition": "nope.json", "cases": [{"name": "a"}]}`, "/definition", "no such file"},
		{"bad definition", `{"definition": "MockConfigFile.json", "cases": [{"name": "a"}]}`, "/definition", "is not a valid definition"},
		{"no cases", `{"definition": "definition.asl.json", "cases": []}`, "/cases", "at least one case"},
		{"unnamed case", `{"definition": "definition.asl.json", "cases": [{}]}`, "/cases/0/name", "required"},
		{"twice", `{"definition": "definition.asl.json", "cases": [{"name": "a"}, {"name": "a"}]}`, "/cases/1/name", "another case"},
		{"bad status", `{"definition": "definition.asl.json", "cases": [{"name": "a", "expect": {"status": "DONE"}}]}`, "/cases/0/expect/status", "must be one of"},
		{"misspelt expectation", `{"definition": "definition.asl.json", "cases": [{"name": "a", "expect": {"output_includes": {}}}]}`, "/cases/0/expect/output_includes", "unknown field"},
		{"unknown test case", `{"definition": "definition.asl.json", "mockConfig": "MockConfigFile.json", "cases": [{"name": "a", "testCase": "Nope"}]}`, "/cases/0/testCase", `no test case "Nope"`},
		{"mock of no Task", `{"definition": "definition.asl.json", "cases": [{"name": "a", "mocks": {"P": {"Return": 1}}}]}`, "/cases/0/mocks/P", `no Task state is called "P"`},
		{"bad invocation key", `{"definition": "definition.asl.json", "cases": [{"name": "a", "mocks": {"T": {"first": {"Return": 1}}}}]}`, "/cases/0/mocks/T/first", "invocation key"},
		{"bad shorthand", `{"definition": "definition.asl.json", "cases": [{"name": "a", "mocks": {"T": {"Throw": {"Cause": "c"}}}}]}`, "/cases/0/mocks/T/Throw/Error", "required"},
		{"state group not names", `{"definition": "definition.asl.json", "cases": [{"name": "a", "expect": {"states": ["P", [1]]}}]}`, "/cases/0/expect/states/1/0", "must be a state name"},
		{"stateIO of no state", `{"definition": "definition.asl.json", "cases": [{"name": "a", "expect": {"stateIO": {"Q": {}}}}]}`, "/cases/0/expect/stateIO/Q", "no state called"},
		{"visit 0", `{"definition": "definition.asl.json", "cases": [{"name": "a", "expect": {"stateIO": {"T": {"visit": 0}}}}]}`, "/cases/0/expect/stateIO/T/visit", "at least 1"},
		{"invocations of no Task", `{"definition": "definition.asl.json", "cases": [{"name": "a", "expect": {"invocations": {"P": 1}}}]}`, "/cases/0/expect/invocations/P", "no Task state"},
		{"negative invocations", `{"definition": "definition.asl.json", "cases": [{"name": "a", "expect": {"invocations": {"T": -1}}}]}`, "/cases/0/expect/invocations/T", "at least 0"},
		{"realCalls not boolean", `{"definition": "definition.asl.json", "cases": [{"name": "a", "realCalls": "yes"}]}`, "/cases/0/realCalls", "true or false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := writeSpec(t, tc.spec)
			_, err := spectest.Load(path)
			var e *spectest.SpecError
			require.ErrorAs(t, err, &e)
			require.Equal(t, path, e.File)
			require.Equal(t, tc.pointer, e.Pointer)
			require.Contains(t, e.Problem, tc.problem)
		})
	}
}

// TestLoadYAML reads a spec written in YAML; errors name the same
// pointers as in JSON.
func TestLoadYAML(t *testing.T) {
	t.Parallel()
	dir := filepath.Dir(writeSpec(t, `{}`))
	good := filepath.Join(dir, "good.spec.yaml")
	require.NoError(t, os.WriteFile(good, []byte(`definition: definition.asl.json
cases:
  - name: mocked
    mocks:
      T: {Return: {n: 1}}
    expect:
      outputIncludes: [{n: 1}]
      invocations: {T: 1}
`), 0o600))
	s, err := spectest.Load(good)
	require.NoError(t, err)
	r := spectest.Run(context.Background(), s, spectest.Options{})
	require.True(t, r.Passed(), "%+v", r.Cases)

	bad := filepath.Join(dir, "bad.spec.yml")
	require.NoError(t, os.WriteFile(bad, []byte("definition: definition.asl.json\ncases:\n  - name: a\n    expect: {status: DONE}\n"), 0o600))
	_, err = spectest.Load(bad)
	require.ErrorContains(t, err, bad+": /cases/0/expect/status: must be one of")
	require.NoError(t, os.WriteFile(bad, []byte("cases: [\n"), 0o600))
	_, err = spectest.Load(bad)
	require.ErrorContains(t, err, "not valid YAML")
}

// TestLoadBadMockConfig names the mock configuration file, not the spec.
func TestLoadBadMockConfig(t *testing.T) {
	t.Parallel()
	path := writeSpec(t, `{"definition": "definition.asl.json", "mockConfig": "bad.json", "cases": [{"name": "a"}]}`)
	bad := filepath.Join(filepath.Dir(path), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"MockedResponses": {"R": {}}}`), 0o600))
	_, err := spectest.Load(path)
	var e *spectest.SpecError
	require.ErrorAs(t, err, &e)
	require.Equal(t, bad, e.File)
	require.Equal(t, "/MockedResponses/R", e.Pointer)
}
