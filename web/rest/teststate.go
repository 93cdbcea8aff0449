package rest

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/web/internal/apierror"
)

// testStateRequest is the body of POST /v1/test-state: AWS's TestState
// request in this dialect's style, the definition a JSON object (or a
// string holding one) and input, variables, context and mock.result JSON
// values themselves.
type testStateRequest struct {
	Definition         json.RawMessage                `json:"definition"`
	StateName          string                         `json:"stateName"`
	Input              json.RawMessage                `json:"input"`
	InspectionLevel    string                         `json:"inspectionLevel"`
	RevealSecrets      bool                           `json:"revealSecrets"`
	Variables          json.RawMessage                `json:"variables"`
	Context            json.RawMessage                `json:"context"`
	RoleArn            string                         `json:"roleArn"`
	Mock               *testStateMock                 `json:"mock"`
	StateConfiguration *engine.TestStateConfiguration `json:"stateConfiguration"`
}

// testStateMock is the mock of a testStateRequest.
type testStateMock struct {
	Result              json.RawMessage            `json:"result"`
	ErrorOutput         *engine.TestStateMockError `json:"errorOutput"`
	FieldValidationMode string                     `json:"fieldValidationMode"`
}

// testState answers POST /v1/test-state with the engine's result, in
// AWS's shape (output and inspection data as JSON text).
func (a *API) testState(c echo.Context) error {
	var req testStateRequest
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	res, err := a.e.TestState(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

// input converts the request to the engine's.
func (r *testStateRequest) input() (*engine.TestStateInput, error) {
	def, err := documentText("definition", r.Definition)
	if err != nil {
		return nil, err
	}
	if def == "" {
		return nil, apierror.BadRequest("definition", "field \"definition\" is required: one state's JSON, or a whole machine's with stateName")
	}
	in := &engine.TestStateInput{Definition: def, StateName: r.StateName, InspectionLevel: r.InspectionLevel,
		RevealSecrets: r.RevealSecrets, RoleArn: r.RoleArn, StateConfiguration: r.StateConfiguration,
		Input: rawText(r.Input), Variables: rawText(r.Variables), Context: rawText(r.Context)}
	if m := r.Mock; m != nil {
		in.Mock = &engine.TestStateMock{Result: rawText(m.Result), ErrorOutput: m.ErrorOutput, FieldValidationMode: m.FieldValidationMode}
	}
	return in, nil
}

// rawText is a JSON value's text; nil when absent.
func rawText(raw json.RawMessage) *string {
	if len(raw) == 0 {
		return nil
	}
	s := string(raw)
	return &s
}
