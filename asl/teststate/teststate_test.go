package teststate_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/teststate"
)

var start = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// request parses a whole-machine definition and picks state.
func request(t *testing.T, def, state, input string) *teststate.Request {
	t.Helper()
	m, err := asl.Parse([]byte(def))
	require.NoError(t, err)
	st, ok := m.Find(state)
	require.True(t, ok, "state %s", state)
	in, err := asl.DecodeJSON([]byte(input))
	require.NoError(t, err)
	return &teststate.Request{State: st, Input: in, Context: &asl.Context{Now: start}}
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

const machine = `{"StartAt":"P","States":{
 "P":{"Type":"Pass","InputPath":"$.a","Parameters":{"v.$":"$.x"},"ResultPath":"$.r","Next":"C"},
 "C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":1,"Next":"W"}],"Default":"F"},
 "W":{"Type":"Wait","Seconds":3600,"Next":"T"},
 "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},
   "ResultSelector":{"p.$":"$.Payload"},"ResultPath":"$.t",
   "Retry":[{"ErrorEquals":["Busy"],"IntervalSeconds":2,"BackoffRate":3,"MaxAttempts":2}],
   "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"F"}],"Next":"Par"},
 "Par":{"Type":"Parallel","Branches":[{"StartAt":"B1","States":{"B1":{"Type":"Pass","Result":1,"End":true}}},
   {"StartAt":"B2","States":{"B2":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:g","End":true}}}],"Next":"M"},
 "M":{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"i.$":"$$.Map.Item.Value"},"ToleratedFailureCount":1,
   "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"Next":"S"},
 "S":{"Type":"Succeed"},
 "F":{"Type":"Fail","Error":"Bad","Cause":"bad input"}}}`

// TestEvaluate covers each state type, with and without mocks, and each
// status.
func TestEvaluate(t *testing.T) {
	t.Parallel()
	lambda := func(_ context.Context, call *asl.TaskCall, _ string) (any, error) {
		return "g-result", nil
	}
	cases := []struct {
		name, state, input string
		mock               *teststate.Mock
		settings           teststate.Settings
		status, output     string
		next, errName      string
	}{
		{name: "pass", state: "P", input: `{"a":{"x":7}}`, status: teststate.StatusSucceeded, output: `{"a":{"x":7},"r":{"v":7}}`, next: "C"},
		{name: "choice", state: "C", input: `{"n":2}`, status: teststate.StatusSucceeded, output: `{"n":2}`, next: "W"},
		{name: "choice default", state: "C", input: `{"n":0}`, status: teststate.StatusSucceeded, output: `{"n":0}`, next: "F"},
		{name: "wait does not wait", state: "W", input: `{}`, status: teststate.StatusSucceeded, output: `{}`, next: "T"},
		{name: "succeed", state: "S", input: `[1]`, status: teststate.StatusSucceeded, output: `[1]`},
		{name: "fail", state: "F", input: `{}`, status: teststate.StatusFailed, errName: "Bad"},
		{name: "task mock", state: "T", input: `{"k":1}`, mock: &teststate.Mock{Result: map[string]any{"Payload": "ok", "StatusCode": int64(200)}, HasResult: true},
			status: teststate.StatusSucceeded, output: `{"k":1,"t":{"p":"ok"}}`, next: "Par"},
		{name: "task retriable", state: "T", input: `{}`, mock: &teststate.Mock{Error: &asl.Error{Name: "Busy", Cause: "later"}},
			status: teststate.StatusRetriable, errName: "Busy"},
		{name: "task retries exhausted then caught", state: "T", input: `{}`, mock: &teststate.Mock{Error: &asl.Error{Name: "Busy", Cause: "later"}},
			settings: teststate.Settings{RetrierRetryCount: 2},
			status:   teststate.StatusCaughtError, errName: "Busy", output: `{"err":{"Error":"Busy","Cause":"later"}}`, next: "F"},
		{name: "parallel in memory", state: "Par", input: `{}`, status: teststate.StatusSucceeded, output: `[1,"g-result"]`, next: "M"},
		{name: "parallel mock", state: "Par", input: `{}`, mock: &teststate.Mock{Result: []any{"a"}, HasResult: true},
			status: teststate.StatusSucceeded, output: `["a"]`, next: "M"},
		{name: "map in memory", state: "M", input: `{"items":[1,2]}`, status: teststate.StatusSucceeded, output: `[{"i":1},{"i":2}]`, next: "S"},
		{name: "map mock tolerated", state: "M", input: `{"items":[1,2]}`, mock: &teststate.Mock{Result: []any{}, HasResult: true},
			settings: teststate.Settings{MapIterationFailureCount: ptr(1)}, status: teststate.StatusSucceeded, output: `[]`, next: "S"},
		{name: "map mock over tolerance", state: "M", input: `{"items":[1,2]}`, mock: &teststate.Mock{Result: []any{}, HasResult: true},
			settings: teststate.Settings{MapIterationFailureCount: ptr(2)}, status: teststate.StatusFailed, errName: asl.ErrorExceedToleratedFailureThreshold},
		{name: "map mock error", state: "M", input: `{"items":[1]}`, mock: &teststate.Mock{Error: &asl.Error{Name: "Boom"}},
			settings: teststate.Settings{ErrorCausedByState: "I"}, status: teststate.StatusFailed, errName: "Boom"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := request(t, machine, tt.state, tt.input)
			req.Mock, req.Settings, req.Tasks = tt.mock, tt.settings, lambda
			res, err := teststate.Evaluate(context.Background(), req)
			require.NoError(t, err)
			require.Equal(t, tt.status, res.Status, "error %s cause %s", str(res.Error), str(res.Cause))
			require.Equal(t, tt.next, str(res.NextState))
			require.Equal(t, tt.errName, str(res.Error))
			if tt.output != "" {
				require.JSONEq(t, tt.output, str(res.Output))
			}
			if tt.status == teststate.StatusRetriable || tt.status == teststate.StatusCaughtError {
				require.NotNil(t, res.InspectionData.ErrorDetails, "a handled error has error details at INFO too")
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// TestInspection checks the data of each level.
func TestInspection(t *testing.T) {
	t.Parallel()
	mock := &teststate.Mock{Result: map[string]any{"Payload": "ok", "StatusCode": int64(200)}, HasResult: true}
	cases := []struct {
		name, level string
		check       func(t *testing.T, in *teststate.Inspection)
	}{
		{name: "info", level: teststate.LevelInfo, check: func(t *testing.T, in *teststate.Inspection) { require.Nil(t, in) }},
		{name: "debug", level: teststate.LevelDebug, check: func(t *testing.T, in *teststate.Inspection) {
			require.JSONEq(t, `{"k":1}`, str(in.Input))
			require.JSONEq(t, `{"k":1}`, str(in.AfterInputPath))
			require.JSONEq(t, `{"FunctionName":"f","Payload":{"k":1}}`, str(in.AfterParameters))
			require.JSONEq(t, `{"Payload":"ok","StatusCode":200}`, str(in.Result))
			require.JSONEq(t, `{"p":"ok"}`, str(in.AfterResultSelector))
			require.JSONEq(t, `{"k":1,"t":{"p":"ok"}}`, str(in.AfterResultPath))
			require.JSONEq(t, `{"seen":true}`, str(in.Variables))
		}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := request(t, machine, "T", `{"k":1}`)
			req.Mock, req.Level = mock, tt.level
			req.Context.Variables = map[string]any{"seen": true}
			res, err := teststate.Evaluate(context.Background(), req)
			require.NoError(t, err)
			tt.check(t, res.InspectionData)
		})
	}
	req := request(t, machine, "T", `{}`)
	req.Mock = &teststate.Mock{Error: &asl.Error{Name: "Busy"}}
	req.Settings.RetrierRetryCount = 1
	res, err := teststate.Evaluate(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, teststate.StatusRetriable, res.Status)
	require.Equal(t, 0, *res.InspectionData.ErrorDetails.RetryIndex)
	require.Equal(t, 6, *res.InspectionData.ErrorDetails.RetryBackoffIntervalSeconds, "2 s × 3¹")
}

// TestInvalidRequests checks the refusals, which wrap ErrInvalidRequest.
func TestInvalidRequests(t *testing.T) {
	t.Parallel()
	result := &teststate.Mock{Result: "x", HasResult: true}
	cases := []struct {
		name, state, want string
		mock              *teststate.Mock
		settings          teststate.Settings
		level             string
	}{
		{name: "mock on pass", state: "P", mock: result, want: "Task, Parallel and Map"},
		{name: "both", state: "T", mock: &teststate.Mock{Result: "x", HasResult: true, Error: &asl.Error{Name: "E"}}, want: "exclusive"},
		{name: "neither", state: "T", mock: &teststate.Mock{}, want: "needs mock.result"},
		{name: "map mock not array", state: "M", mock: result, want: "is an array"},
		{name: "lambda mock shape", state: "T", mock: &teststate.Mock{Result: map[string]any{"StatusCode": "200"}, HasResult: true}, want: "StatusCode"},
		{name: "strict required", state: "T", mock: &teststate.Mock{Result: map[string]any{}, HasResult: true}, want: "required field StatusCode"},
		{name: "unknown mode", state: "T", mock: &teststate.Mock{Result: map[string]any{}, HasResult: true, FieldValidationMode: "LAX"}, want: "LAX"},
		{name: "error caused by unknown state", state: "Par", mock: &teststate.Mock{Error: &asl.Error{Name: "E"}},
			settings: teststate.Settings{ErrorCausedByState: "Nope"}, want: "Nope"},
		{name: "failure count on task", state: "T", mock: result, settings: teststate.Settings{MapIterationFailureCount: ptr(1)}, want: "Map states only"},
		{name: "level", state: "P", level: "LOUD", want: "LOUD"},
		{name: "task without handler", state: "Par", want: "mock is required"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := request(t, machine, tt.state, `{}`)
			req.Mock, req.Settings, req.Level = tt.mock, tt.settings, tt.level
			_, err := teststate.Evaluate(context.Background(), req)
			require.ErrorIs(t, err, teststate.ErrInvalidRequest)
			require.Contains(t, err.Error(), tt.want)
		})
	}
	req := request(t, machine, "T", `{}`)
	req.Mock = &teststate.Mock{Result: map[string]any{}, HasResult: true, FieldValidationMode: teststate.ValidationPresent}
	_, err := teststate.Evaluate(context.Background(), req)
	require.NoError(t, err, "PRESENT does not require fields")
	require.False(t, errors.Is(err, teststate.ErrMockRequired))
}

// TestInnerTaskNeedsMock checks that a branch's Task that needs a mock
// ends the evaluation at once, even when its Retry would try it forever.
func TestInnerTaskNeedsMock(t *testing.T) {
	t.Parallel()
	def := `{"StartAt":"Par","States":{"Par":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"T","States":{"T":{"Type":"Task",
		"Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken","Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":99999999,"IntervalSeconds":1}],"End":true}}}]}}}`
	req := request(t, def, "Par", `{}`)
	req.Tasks = func(context.Context, *asl.TaskCall, string) (any, error) {
		return nil, fmt.Errorf("%w: it waits for a callback", teststate.ErrMockRequired)
	}
	start := time.Now()
	_, err := teststate.Evaluate(context.Background(), req)
	require.ErrorIs(t, err, teststate.ErrMockRequired)
	require.Contains(t, err.Error(), "callback")
	require.Less(t, time.Since(start), 5*time.Second)
}

// TestJSONata checks a JSONata Task: its arguments and result at DEBUG,
// its Output and the variables its Assign sets.
func TestJSONata(t *testing.T) {
	t.Parallel()
	def := `{"QueryLanguage":"JSONata","StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
		"Arguments":{"FunctionName":"f","Payload":{"n":"{% $states.input.n + $base %}"}},
		"Output":"{% $states.result.Payload %}","Assign":{"last":"{% $states.result.Payload %}"},"Next":"Done"},
		"Done":{"Type":"Succeed"}}}`
	req := request(t, def, "T", `{"n":2}`)
	req.Level = teststate.LevelDebug
	req.Context.Variables = map[string]any{"base": int64(10)}
	req.Tasks = func(_ context.Context, call *asl.TaskCall, _ string) (any, error) {
		return map[string]any{"Payload": call.Input.(map[string]any)["Payload"], "StatusCode": int64(200)}, nil
	}
	res, err := teststate.Evaluate(context.Background(), req)
	require.NoError(t, err)
	require.Equal(t, teststate.StatusSucceeded, res.Status, str(res.Cause))
	require.Equal(t, "Done", str(res.NextState))
	require.JSONEq(t, `{"n":12}`, str(res.Output))
	in := res.InspectionData
	require.JSONEq(t, `{"FunctionName":"f","Payload":{"n":12}}`, str(in.AfterArguments))
	require.JSONEq(t, `{"Payload":{"n":12},"StatusCode":200}`, str(in.Result))
	require.JSONEq(t, `{"base":10,"last":{"n":12}}`, str(in.Variables))
	require.Nil(t, in.AfterInputPath, "JSONata states have no InputPath")
	require.Nil(t, in.AfterParameters)
}
