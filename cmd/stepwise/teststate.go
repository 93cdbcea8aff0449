package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
)

// testStateFlags are the flags of stepwise test-state.
type testStateFlags struct {
	definition, state, input, variables, context, level *string
	mockResult, mockError, mockCause                    *string
	retryCount                                          *int
	reveal                                              *bool
}

func testStateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("test-state", "--definition FILE|JSON [--state NAME] [--input JSON] [--mock-result JSON | --mock-error E [--mock-cause C]] [--endpoint URL | --database URL]",
		`stepwise test-state --definition machine.asl.json --state Charge --input '{"amount":5}' --mock-result '{"ok":true}' --inspection-level DEBUG --endpoint http://localhost:8080`, stderr)
	t := jsonTargetFlags(fs)
	f := testStateFlags{
		definition: fs.String("definition", "", "the definition: a file, or JSON text; one state, or a whole machine with --state (required)"),
		state:      fs.String("state", "", "the state of a whole machine to test"),
		input:      fs.String("input", "", "the state's input as JSON (default {})"),
		variables:  fs.String("variables", "", "the workflow variables in scope, a JSON object"),
		context:    fs.String("context", "", "context object ($$) fields, a JSON object"),
		level:      fs.String("inspection-level", "", "INFO (default), DEBUG or TRACE"),
		mockResult: fs.String("mock-result", "", "the mocked result of a Task, Parallel or Map state, as JSON"),
		mockError:  fs.String("mock-error", "", "the mocked error name of a Task, Parallel or Map state"),
		mockCause:  fs.String("mock-cause", "", "the mocked error's cause (with --mock-error)"),
		retryCount: fs.Int("retry-count", -1, "how often the Retry that handles the error has retried (stateConfiguration.retrierRetryCount); -1: unset"),
		reveal:     fs.Bool("reveal-secrets", false, "show a connection's secrets in an HTTP Task's TRACE"),
	}
	if code, ok := parseArgs(fs, args, 0, t); !ok {
		return code
	}
	if *f.definition == "" {
		fs.Usage()
		return exitUsage
	}
	body, err := f.body()
	if err != nil {
		return failed(stderr, err)
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		return c.get(ctx, "POST", "/v1/test-state", nil, body, nil)
	})
}

// body is the request of POST /v1/test-state.
func (f *testStateFlags) body() (map[string]any, error) {
	def, err := definitionText(*f.definition)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"definition": jsonValue(def)}
	if err := f.jsonFields(body); err != nil {
		return nil, err
	}
	for key, v := range map[string]string{"stateName": *f.state, "inspectionLevel": *f.level} {
		if v != "" {
			body[key] = v
		}
	}
	if *f.reveal {
		body["revealSecrets"] = true
	}
	if *f.retryCount >= 0 {
		body["stateConfiguration"] = map[string]any{"retrierRetryCount": *f.retryCount}
	}
	return body, f.mock(body)
}

// jsonFields adds the flags that hold JSON, checking that they do.
func (f *testStateFlags) jsonFields(body map[string]any) error {
	for key, v := range map[string]string{"input": *f.input, "variables": *f.variables, "context": *f.context} {
		if v == "" {
			continue
		}
		if !jsonOK(v) {
			return fmt.Errorf("--%s is not JSON: %.100s", key, v)
		}
		body[key] = jsonValue(v)
	}
	return nil
}

// mock adds the mock of --mock-result or --mock-error.
func (f *testStateFlags) mock(body map[string]any) error {
	switch {
	case *f.mockResult != "" && *f.mockError != "":
		return fmt.Errorf("--mock-result and --mock-error are exclusive")
	case *f.mockResult != "":
		if !jsonOK(*f.mockResult) {
			return fmt.Errorf("--mock-result is not JSON: %.100s", *f.mockResult)
		}
		body["mock"] = map[string]any{"result": jsonValue(*f.mockResult)}
	case *f.mockError != "":
		body["mock"] = map[string]any{"errorOutput": map[string]any{"error": *f.mockError, "cause": *f.mockCause}}
	case *f.mockCause != "":
		return fmt.Errorf("--mock-cause needs --mock-error")
	}
	return nil
}

// definitionText is --definition: JSON text as given, else the file it
// names.
func definitionText(arg string) (string, error) {
	if strings.HasPrefix(strings.TrimSpace(arg), "{") {
		return arg, nil
	}
	data, err := os.ReadFile(arg)
	if err != nil {
		return "", err
	}
	return string(data), nil
}
