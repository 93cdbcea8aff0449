package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/asl/teststate"
)

// ErrInvalidRequest is teststate.ErrInvalidRequest: a TestState request
// that cannot be evaluated as given (AWS's ValidationException).
var ErrInvalidRequest = teststate.ErrInvalidRequest

// TestStateInput is a TestState request in AWS's shape: JSON values are
// JSON text. It carries the AWS API's JSON field names because both HTTP
// dialects take exactly this body.
type TestStateInput struct {
	// Definition is one state's JSON, or a whole machine's when StateName
	// is set.
	Definition string `json:"definition"`
	// RoleArn fills $$.Execution.RoleArn; empty means a role of the
	// engine's account.
	RoleArn string `json:"roleArn,omitempty"`
	// Input is the state's input; nil means {}.
	Input *string `json:"input,omitempty"`
	// InspectionLevel is INFO (the default when empty), DEBUG or TRACE.
	InspectionLevel string `json:"inspectionLevel,omitempty"`
	// RevealSecrets shows a connection's secrets in an HTTP Task's trace.
	RevealSecrets bool `json:"revealSecrets,omitempty"`
	// Variables is a JSON object of the workflow variables in scope; nil
	// means none.
	Variables *string `json:"variables,omitempty"`
	// StateName picks the state of a whole machine; empty means
	// Definition is one state.
	StateName string `json:"stateName,omitempty"`
	// Mock replaces a Task's, Parallel's or Map's work; nil means none.
	Mock *TestStateMock `json:"mock,omitempty"`
	// Context is a JSON object of context object ($$) fields; nil means
	// the engine's defaults.
	Context *string `json:"context,omitempty"`
	// StateConfiguration describes the circumstances of the state; nil
	// means none.
	StateConfiguration *TestStateConfiguration `json:"stateConfiguration,omitempty"`
}

// TestStateMock is AWS's MockInput: a result or an error.
type TestStateMock struct {
	// Result is the mocked result's JSON text; nil when the mock is an
	// error.
	Result *string `json:"result,omitempty"`
	// ErrorOutput is the mocked error; nil when the mock is a result.
	ErrorOutput *TestStateMockError `json:"errorOutput,omitempty"`
	// FieldValidationMode is STRICT (the default when empty), PRESENT or
	// NONE.
	FieldValidationMode string `json:"fieldValidationMode,omitempty"`
}

// TestStateMockError is AWS's MockErrorOutput.
type TestStateMockError struct {
	Error string `json:"error"`
	Cause string `json:"cause,omitempty"`
}

// TestStateConfiguration is AWS's stateConfiguration (see
// teststate.Settings).
type TestStateConfiguration struct {
	// RetrierRetryCount is nil for 0.
	RetrierRetryCount *int `json:"retrierRetryCount,omitempty"`
	// ErrorCausedByState is empty for none.
	ErrorCausedByState string `json:"errorCausedByState,omitempty"`
	// MapIterationFailureCount is nil for none.
	MapIterationFailureCount *int `json:"mapIterationFailureCount,omitempty"`
	// MapItemReaderData is accepted and not used: Stepwise reads no items
	// through an ItemReader in TestState.
	MapItemReaderData *string `json:"mapItemReaderData,omitempty"`
}

// TestStateResult is TestState's answer in AWS's shape.
type TestStateResult = teststate.Result

// testStateName names the state of a one-state definition.
const testStateName = "TestState"

// TestStateTimeout is how long a TestState may run, as on AWS: a Task
// still running then fails with States.Timeout.
const TestStateTimeout = 5 * time.Minute

// TestState evaluates one state on its own, as AWS's TestState does: no
// execution is stored and nothing is written. A Task without a mock runs
// in this process when a function of Config.Functions serves it (an HTTP
// Task makes its request); a Task that none serves, a callback, an
// activity or a nested execution needs a mock. Errors wrap
// ErrInvalidDefinition, ErrInvalidExecutionInput or ErrInvalidRequest.
func (e *Engine) TestState(ctx context.Context, in *TestStateInput) (*TestStateResult, error) {
	req, err := e.testRequest(in)
	if err != nil {
		return nil, err
	}
	trace := &activities.HTTPTrace{Reveal: in.RevealSecrets}
	req.Tasks = e.testTasks(trace)
	ctx, cancel := context.WithTimeout(ctx, TestStateTimeout)
	defer cancel()
	res, err := teststate.Evaluate(ctx, req)
	if err != nil {
		return nil, err
	}
	if req.Level == teststate.LevelTrace {
		traced(res, trace)
	}
	return res, nil
}

// testRequest decodes and checks a request.
func (e *Engine) testRequest(in *TestStateInput) (*teststate.Request, error) {
	st, err := testedState(in.Definition, in.StateName)
	if err != nil {
		return nil, err
	}
	if in.Input != nil && len(*in.Input) > asl.PayloadLimit {
		return nil, fmt.Errorf("%w: input is %d bytes, over the limit of %d", ErrInvalidExecutionInput, len(*in.Input), asl.PayloadLimit)
	}
	input, err := jsonField(in.Input, "{}", "input")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidExecutionInput, err)
	}
	c, err := e.testContext(in, input)
	if err != nil {
		return nil, err
	}
	mock, err := testMock(in.Mock)
	if err != nil {
		return nil, err
	}
	req := &teststate.Request{State: st, Input: input, Context: c, Level: in.InspectionLevel, Mock: mock}
	if sc := in.StateConfiguration; sc != nil {
		req.Settings = teststate.Settings{ErrorCausedByState: sc.ErrorCausedByState, MapIterationFailureCount: sc.MapIterationFailureCount}
		if sc.RetrierRetryCount != nil {
			req.Settings.RetrierRetryCount = *sc.RetrierRetryCount
		}
	}
	return req, nil
}

// testedState parses the definition and picks the state under test.
func testedState(definition, stateName string) (asl.State, error) {
	if stateName == "" {
		return oneState(definition)
	}
	if err := checkSpec(MachineSpec{Definition: definition}); err != nil {
		return nil, err
	}
	m, err := asl.Parse([]byte(definition))
	if err != nil {
		return nil, invalidDefinition("", err.Error())
	}
	st, ok := m.Find(stateName)
	if !ok {
		return nil, fmt.Errorf("%w: stateName %q names no state of the definition (its top level, Parallel branches and Map item processors)", ErrInvalidRequest, stateName)
	}
	return st, nil
}

// oneState parses the definition of one state.
func oneState(definition string) (asl.State, error) {
	if diags := asl.CheckLimits([]byte(definition)); len(diags) > 0 {
		return nil, &InvalidDefinitionError{Diagnostics: diags}
	}
	raw, err := asl.DecodeJSON([]byte(definition))
	if err != nil {
		return nil, invalidDefinition("", "the definition is not valid JSON: "+err.Error())
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, invalidDefinition("", "the definition must be a JSON object: one state, or a whole machine with stateName")
	}
	if _, hasStates := obj["States"]; hasStates && obj["Type"] == nil {
		return nil, invalidDefinition("", "the definition is a whole state machine: give stateName to pick the state to test")
	}
	m, err := asl.ParseValue(map[string]any{"StartAt": testStateName, "States": map[string]any{testStateName: obj}})
	if err != nil {
		var pe *asl.ParseError
		if errors.As(err, &pe) {
			return nil, invalidDefinition(strings.TrimPrefix(pe.Pointer, "/States/"+testStateName), pe.Message)
		}
		return nil, invalidDefinition("", err.Error())
	}
	st := m.States[testStateName]
	if t, ok := st.(*asl.Task); ok && !strings.Contains(t.Resource, "{%") {
		if err := activities.CheckResource(t.Resource); err != nil {
			return nil, invalidDefinition("/Resource", "the resource "+t.Resource+" is not recognized: "+causeOf(err))
		}
	}
	return st, nil
}

func invalidDefinition(pointer, message string) error {
	return &InvalidDefinitionError{Diagnostics: []asl.Diagnostic{{Code: "SCHEMA_VALIDATION_FAILED", Pointer: pointer, Message: message}}}
}

// jsonField decodes an optional JSON text field; dflt stands for nil.
func jsonField(s *string, dflt, field string) (any, error) {
	text := dflt
	if s != nil {
		text = *s
	}
	v, err := asl.DecodeJSON([]byte(text))
	if err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %v", field, err)
	}
	return v, nil
}

// testMock decodes the mock.
func testMock(in *TestStateMock) (*teststate.Mock, error) {
	if in == nil {
		return nil, nil
	}
	m := &teststate.Mock{FieldValidationMode: in.FieldValidationMode}
	if in.Result != nil {
		v, err := jsonField(in.Result, "", "mock.result")
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidRequest, err)
		}
		m.Result, m.HasResult = v, true
	}
	if o := in.ErrorOutput; o != nil {
		m.Error = &asl.Error{Name: o.Error, Cause: o.Cause}
	}
	return m, nil
}

// testTasks runs the Tasks of a TestState without a mock: in this
// process, when a function of Config.Functions serves the resource.
func (e *Engine) testTasks(trace *activities.HTTPTrace) runner.TaskHandler {
	return func(ctx context.Context, call *asl.TaskCall, _ string) (any, error) {
		b, _, err := activities.Resolve(call.Resource, call.Input)
		if err != nil && !call.WaitForToken {
			return nil, err
		}
		b.WaitForToken = b.WaitForToken || call.WaitForToken
		if reason := e.unservable(b); reason != "" {
			return nil, fmt.Errorf("%w: state %q calls %s, which %s; give mock.result or mock.errorOutput",
				teststate.ErrMockRequired, call.State, call.Resource, reason)
		}
		if b.Kind == activities.KindHTTP {
			ctx = activities.WithHTTPTrace(ctx, trace)
		}
		info := activities.TaskInfo{StateName: call.State, Resource: call.Resource, Attempt: 1,
			IdempotencyKey: "teststate:" + call.State}
		return e.invokeHere(ctx, call, info)
	}
}

// unservable says why a Task of binding b cannot run in TestState without
// a mock; empty when it can.
func (e *Engine) unservable(b activities.Binding) string {
	switch {
	case b.WaitForToken:
		return "waits for a callback"
	case b.Kind == activities.KindNested:
		return "starts a nested execution"
	case b.Kind == activities.KindActivity:
		return "is an activity"
	}
	if e.cfg.Functions != nil {
		if _, ok := e.cfg.Functions.Serves(b); ok {
			return ""
		}
	}
	return "no function of this process serves"
}

// traced adds an HTTP Task's request and response to the inspection data.
func traced(res *TestStateResult, trace *activities.HTTPTrace) {
	if res.InspectionData == nil || trace.Request == nil {
		return
	}
	r := trace.Request
	res.InspectionData.Request = &teststate.HTTPRequest{Protocol: r.Protocol, Method: r.Method, URL: r.URL,
		Headers: headerText(r.Header), Body: r.Body}
	if p := trace.Response; p != nil {
		res.InspectionData.Response = &teststate.HTTPResponse{Protocol: p.Protocol, StatusCode: strconv.Itoa(p.StatusCode),
			StatusMessage: p.Status, Headers: headerText(p.Header), Body: p.Body}
	}
}

// headerText renders headers as a JSON object of each name's values.
func headerText(h http.Header) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	obj := make(map[string][]string, len(h))
	for _, k := range names {
		obj[k] = h[k]
	}
	b, _ := json.Marshal(obj)
	return string(b)
}
