package sfn

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// taskState is a Task with a retrier, a catcher and payload processing.
const taskState = `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
	"Parameters":{"FunctionName":"charge","Payload":{"amount.$":"$.amount"}},
	"ResultSelector":{"paid.$":"$.Payload.paid"},"ResultPath":"$.charge",
	"Retry":[{"ErrorEquals":["Busy"],"IntervalSeconds":2,"BackoffRate":2,"MaxAttempts":2}],
	"Catch":[{"ErrorEquals":["Busy","Declined"],"ResultPath":"$.error","Next":"Refund"}],"Next":"Ship"}`

// testStateCase is one TestState call and what it answers.
type testStateCase struct {
	name  string
	in    sfn.TestStateInput
	check func(t *testing.T, out *sfn.TestStateOutput)
}

// answers checks status, next state and output (JSON; "" skips it).
func answers(status types.TestExecutionStatus, next, output string) func(t *testing.T, out *sfn.TestStateOutput) {
	return func(t *testing.T, out *sfn.TestStateOutput) {
		t.Helper()
		require.Equal(t, status, out.Status, "error %s cause %s", aws.ToString(out.Error), aws.ToString(out.Cause))
		require.Equal(t, next, aws.ToString(out.NextState))
		if output != "" {
			require.JSONEq(t, output, aws.ToString(out.Output))
		}
	}
}

// failsWith checks a FAILED, RETRIABLE or CAUGHT_ERROR answer's status and
// error.
func failsWith(status types.TestExecutionStatus, errName string) func(t *testing.T, out *sfn.TestStateOutput) {
	return func(t *testing.T, out *sfn.TestStateOutput) {
		t.Helper()
		require.Equal(t, status, out.Status)
		require.Equal(t, errName, aws.ToString(out.Error))
	}
}

// all runs every check.
func all(checks ...func(t *testing.T, out *sfn.TestStateOutput)) func(t *testing.T, out *sfn.TestStateOutput) {
	return func(t *testing.T, out *sfn.TestStateOutput) {
		t.Helper()
		for _, c := range checks {
			c(t, out)
		}
	}
}

// TestAWSTestState calls TestState through the AWS SDK for every state
// type and inspection level, with and without mocks.
func TestAWSTestState(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	processing := testkit.Example(t, "order-processing")
	orderInput := testkit.ExampleInput(t, "order-processing")
	mockPaid := &types.MockInput{Result: aws.String(`{"Payload":{"paid":true},"StatusCode":200}`)}
	cases := []testStateCase{
		{name: "pass info", in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","Result":{"a":1},"ResultPath":"$.r","Next":"X"}`),
			Input: aws.String(`{"b":2}`)},
			check: all(answers(types.TestExecutionStatusSucceeded, "X", `{"b":2,"r":{"a":1}}`), func(t *testing.T, out *sfn.TestStateOutput) {
				require.Nil(t, out.InspectionData, "INFO has no inspection data")
			})},
		{name: "pass debug", in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","InputPath":"$.in","Parameters":{"v.$":"$.x"},"ResultPath":"$.out","End":true}`),
			Input: aws.String(`{"in":{"x":3}}`), InspectionLevel: types.InspectionLevelDebug},
			check: all(answers(types.TestExecutionStatusSucceeded, "", `{"in":{"x":3},"out":{"v":3}}`), func(t *testing.T, out *sfn.TestStateOutput) {
				d := out.InspectionData
				require.JSONEq(t, `{"in":{"x":3}}`, aws.ToString(d.Input))
				require.JSONEq(t, `{"x":3}`, aws.ToString(d.AfterInputPath))
				require.JSONEq(t, `{"v":3}`, aws.ToString(d.AfterParameters))
				require.JSONEq(t, `{"v":3}`, aws.ToString(d.Result))
				require.JSONEq(t, `{"in":{"x":3},"out":{"v":3}}`, aws.ToString(d.AfterResultPath))
			})},
		{name: "pass reads context", in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","Parameters":{"id.$":"$$.Execution.Id","n.$":"$$.Map.Item.Index"},"End":true}`),
			Context: aws.String(`{"Execution":{"Id":"arn:x"},"Map":{"Item":{"Index":4,"Value":"v"}}}`)},
			check: answers(types.TestExecutionStatusSucceeded, "", `{"id":"arn:x","n":4}`)},
		{name: "choice jsonata with variables", in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Choice","QueryLanguage":"JSONata",
			"Choices":[{"Condition":"{% $states.input.n > $limit %}","Next":"Big"}],"Default":"Small"}`),
			Input: aws.String(`{"n":5}`), Variables: aws.String(`{"limit":3}`), InspectionLevel: types.InspectionLevelDebug},
			check: all(answers(types.TestExecutionStatusSucceeded, "Big", `{"n":5}`), func(t *testing.T, out *sfn.TestStateOutput) {
				require.JSONEq(t, `{"limit":3}`, aws.ToString(out.InspectionData.Variables))
			})},
		{name: "wait does not wait", in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Wait","Seconds":86400,"Next":"Later"}`)},
			check: answers(types.TestExecutionStatusSucceeded, "Later", `{}`)},
		{name: "succeed", in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Succeed","OutputPath":"$.a"}`), Input: aws.String(`{"a":[1]}`)},
			check: answers(types.TestExecutionStatusSucceeded, "", `[1]`)},
		{name: "fail", in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Fail","Error":"Nope","Cause":"because"}`)},
			check: all(failsWith(types.TestExecutionStatusFailed, "Nope"), func(t *testing.T, out *sfn.TestStateOutput) {
				require.Equal(t, "because", aws.ToString(out.Cause))
			})},
		{name: "task mock debug", in: sfn.TestStateInput{Definition: aws.String(taskState), Input: aws.String(`{"amount":5}`),
			Mock: mockPaid, InspectionLevel: types.InspectionLevelDebug},
			check: all(answers(types.TestExecutionStatusSucceeded, "Ship", `{"amount":5,"charge":{"paid":true}}`), func(t *testing.T, out *sfn.TestStateOutput) {
				d := out.InspectionData
				require.JSONEq(t, `{"FunctionName":"charge","Payload":{"amount":5}}`, aws.ToString(d.AfterParameters))
				require.JSONEq(t, `{"Payload":{"paid":true},"StatusCode":200}`, aws.ToString(d.Result))
				require.JSONEq(t, `{"paid":true}`, aws.ToString(d.AfterResultSelector))
				require.JSONEq(t, `{"amount":5,"charge":{"paid":true}}`, aws.ToString(d.AfterResultPath))
				require.Nil(t, d.Request, "no HTTP request below TRACE")
			})},
		{name: "task retriable", in: sfn.TestStateInput{Definition: aws.String(taskState), Input: aws.String(`{"amount":5}`),
			Mock:               &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Busy"), Cause: aws.String("try later")}},
			StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(1)}},
			check: all(failsWith(types.TestExecutionStatusRetriable, "Busy"), func(t *testing.T, out *sfn.TestStateOutput) {
				require.Equal(t, "try later", aws.ToString(out.Cause))
				e := out.InspectionData.ErrorDetails
				require.Equal(t, int32(0), aws.ToInt32(e.RetryIndex))
				require.Equal(t, int32(4), aws.ToInt32(e.RetryBackoffIntervalSeconds), "2 s × 2¹")
			})},
		{name: "task retries exhausted", in: sfn.TestStateInput{Definition: aws.String(taskState), Input: aws.String(`{"amount":5}`),
			Mock:               &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Busy"), Cause: aws.String("try later")}},
			StateConfiguration: &types.TestStateConfiguration{RetrierRetryCount: aws.Int32(2)}},
			check: all(failsWith(types.TestExecutionStatusCaughtError, "Busy"),
				answers(types.TestExecutionStatusCaughtError, "Refund", `{"amount":5,"error":{"Error":"Busy","Cause":"try later"}}`),
				func(t *testing.T, out *sfn.TestStateOutput) {
					require.Equal(t, int32(0), aws.ToInt32(out.InspectionData.ErrorDetails.CatchIndex))
				})},
		{name: "task parameters fail", in: sfn.TestStateInput{Definition: aws.String(taskState), Input: aws.String(`{}`),
			Mock: mockPaid, InspectionLevel: types.InspectionLevelDebug},
			check: all(failsWith(types.TestExecutionStatusFailed, "States.Runtime"), func(t *testing.T, out *sfn.TestStateOutput) {
				require.Contains(t, aws.ToString(out.Cause), "'$.amount'", "States.Runtime is neither retried nor caught")
				require.Nil(t, out.InspectionData.AfterParameters)
			})},
		{name: "task caught mock", in: sfn.TestStateInput{Definition: aws.String(taskState), Input: aws.String(`{"amount":1}`),
			Mock: &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Declined")}}},
			check: answers(types.TestExecutionStatusCaughtError, "Refund", `{"amount":1,"error":{"Error":"Declined","Cause":""}}`)},
		{name: "task failed", in: sfn.TestStateInput{Definition: aws.String(taskState), Input: aws.String(`{"amount":1}`),
			Mock: &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("Fraud")}}},
			check: failsWith(types.TestExecutionStatusFailed, "Fraud")},
		{name: "task in process", in: sfn.TestStateInput{Definition: aws.String(processing), StateName: aws.String("ValidateOrder"),
			Input: aws.String(orderInput), InspectionLevel: types.InspectionLevelTrace},
			check: all(answers(types.TestExecutionStatusSucceeded, "CheckInventory", ""), func(t *testing.T, out *sfn.TestStateOutput) {
				require.Contains(t, aws.ToString(out.Output), `"validation"`)
				require.Nil(t, out.InspectionData.Request, "a Lambda task has no HTTP trace")
			})},
		{name: "task in a parallel branch", in: sfn.TestStateInput{Definition: aws.String(processing), StateName: aws.String("SendInvoice"),
			Input: aws.String(`{"orderId":"o-1","amount":3,"payment":{"paymentId":"p-1"}}`),
			Mock:  &types.MockInput{Result: aws.String(`{"Payload":{"invoiceId":"i-1"},"StatusCode":200}`)}},
			check: answers(types.TestExecutionStatusSucceeded, "", `{"invoiceId":"i-1"}`)},
		{name: "parallel in memory", in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Parallel","Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Pass","Result":"a","End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Wait","Seconds":9999,"Next":"C"},"C":{"Type":"Pass","InputPath":"$.x","End":true}}}],"Next":"After"}`),
			Input: aws.String(`{"x":1}`), InspectionLevel: types.InspectionLevelDebug},
			check: answers(types.TestExecutionStatusSucceeded, "After", `["a",1]`)},
		{name: "parallel mock error caught", in: sfn.TestStateInput{Definition: aws.String(processing), StateName: aws.String("Fulfil"),
			Input:              aws.String(`{"orderId":"o-1"}`),
			Mock:               &types.MockInput{ErrorOutput: &types.MockErrorOutput{Error: aws.String("States.TaskFailed"), Cause: aws.String("no truck")}},
			StateConfiguration: &types.TestStateConfiguration{ErrorCausedByState: aws.String("ShipOrder")}},
			check: answers(types.TestExecutionStatusCaughtError, "FulfilmentFailed", `{"orderId":"o-1","error":{"Error":"States.TaskFailed","Cause":"no truck"}}`)},
		{name: "map in memory", in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":2,
			"ItemSelector":{"n.$":"$$.Map.Item.Value","i.$":"$$.Map.Item.Index"},
			"ItemProcessor":{"StartAt":"Double","States":{"Double":{"Type":"Pass","Parameters":{"d.$":"States.MathAdd($.n, $.n)"},"End":true}}},"End":true}`),
			Input: aws.String(`{"items":[1,2]}`), InspectionLevel: types.InspectionLevelDebug},
			check: all(answers(types.TestExecutionStatusSucceeded, "", `[{"d":2},{"d":4}]`), func(t *testing.T, out *sfn.TestStateOutput) {
				d := out.InspectionData
				require.JSONEq(t, `[1,2]`, aws.ToString(d.AfterItemsPath))
				require.JSONEq(t, `[{"n":1,"i":0},{"n":2,"i":1}]`, aws.ToString(d.AfterItemSelector))
				require.Equal(t, int32(2), aws.ToInt32(d.MaxConcurrency))
			})},
		{name: "map mock over tolerance", in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Map","ToleratedFailureCount":1,
			"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}`),
			Input: aws.String(`[1,2,3]`), Mock: &types.MockInput{Result: aws.String(`[1,2,3]`)},
			StateConfiguration: &types.TestStateConfiguration{MapIterationFailureCount: aws.Int32(2)}},
			check: failsWith(types.TestExecutionStatusFailed, "States.ExceedToleratedFailureThreshold")},
		{name: "map mock within tolerance", in: sfn.TestStateInput{Definition: aws.String(`{"Type":"Map","ToleratedFailureCount":1,
			"ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}`),
			Input: aws.String(`[1,2,3]`), Mock: &types.MockInput{Result: aws.String(`[1,2,3]`)},
			StateConfiguration: &types.TestStateConfiguration{MapIterationFailureCount: aws.Int32(1)}},
			check: answers(types.TestExecutionStatusSucceeded, "", `[1,2,3]`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, err := h.client.TestState(context.Background(), &tc.in)
			require.NoError(t, err)
			tc.check(t, out)
		})
	}
}

// TestAWSTestStateErrors checks the errors of requests TestState refuses,
// named as AWS names them.
func TestAWSTestStateErrors(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	processing := testkit.Example(t, "order-processing")
	for _, tc := range []struct {
		name  string
		in    sfn.TestStateInput
		check func(t *testing.T, err error)
		want  string
	}{
		{"no definition", sfn.TestStateInput{Definition: aws.String("")}, wantAWSError[*types.ValidationException], "definition"},
		{"bad role", sfn.TestStateInput{Definition: aws.String(`{"Type":"Succeed"}`), RoleArn: aws.String("not-an-arn")}, wantAWSError[*types.InvalidArn], "not-an-arn"},
		{"definition too deep", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","Result":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `,"End":true}`)},
			wantAWSError[*types.InvalidDefinition], "DEFINITION_TOO_DEEP"},
		{"definition not JSON", sfn.TestStateInput{Definition: aws.String(`{"Type":`)}, wantAWSError[*types.InvalidDefinition], "not valid JSON"},
		{"bad state", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","InputPath":"$.a[","End":true}`)}, wantAWSError[*types.InvalidDefinition], "/InputPath"},
		{"whole machine without stateName", sfn.TestStateInput{Definition: aws.String(processing)}, wantAWSError[*types.InvalidDefinition], "stateName"},
		{"invalid machine", sfn.TestStateInput{Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Gone"}}}`), StateName: aws.String("A")},
			wantAWSError[*types.InvalidDefinition], "Gone"},
		{"unknown stateName", sfn.TestStateInput{Definition: aws.String(processing), StateName: aws.String("Nowhere")}, wantAWSError[*types.ValidationException], "Nowhere"},
		{"input not JSON", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Input: aws.String(`{oops`)},
			wantAWSError[*types.InvalidExecutionInput], "input"},
		{"variables not an object", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Variables: aws.String(`[1]`)},
			wantAWSError[*types.ValidationException], "variables"},
		{"result and error", sfn.TestStateInput{Definition: aws.String(taskState), Mock: &types.MockInput{Result: aws.String(`{}`),
			ErrorOutput: &types.MockErrorOutput{Error: aws.String("E")}}}, wantAWSError[*types.ValidationException], "exclusive"},
		{"mock result not JSON", sfn.TestStateInput{Definition: aws.String(taskState), Mock: &types.MockInput{Result: aws.String(`{`)}},
			wantAWSError[*types.ValidationException], "mock.result"},
		{"mock on a pass state", sfn.TestStateInput{Definition: aws.String(`{"Type":"Pass","End":true}`), Mock: &types.MockInput{Result: aws.String(`1`)}},
			wantAWSError[*types.ValidationException], "Pass"},
		{"map mock not an array", sfn.TestStateInput{Definition: aws.String(`{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},"End":true}`),
			Input: aws.String(`[1]`), Mock: &types.MockInput{Result: aws.String(`{"a":1}`)}}, wantAWSError[*types.ValidationException], "array"},
		{"task needs a mock", sfn.TestStateInput{Definition: aws.String(taskState), Input: aws.String(`{"amount":1}`)},
			wantAWSError[*types.ValidationException], "mock"},
		{"callback needs a mock", sfn.TestStateInput{Definition: aws.String(testkit.Example(t, "approval")), StateName: aws.String("RequestApproval"),
			Input: aws.String(testkit.ExampleInput(t, "approval"))},
			wantAWSError[*types.ValidationException], "callback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := h.client.TestState(ctx, &tc.in)
			tc.check(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestAWSTestStateHTTPTrace runs an HTTP Task against a local server at
// TRACE: the inspection data shows the request and the response.
func TestAWSTestStateHTTPTrace(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("id") == "missing" {
			w.WriteHeader(http.StatusNotFound)
		}
		_, _ = w.Write([]byte(`{"id":"` + r.URL.Query().Get("id") + `"}`))
	}))
	t.Cleanup(srv.Close)
	reg := activities.NewRegistry()
	activities.RegisterHTTP(reg, &activities.HTTPConfig{Egress: activities.EgressPolicy{Allow: []string{"127.0.0.1"}}})
	h := serveAWS(t, testengine.New(t, reg, nil), syncTimeout)
	def := `{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		"Parameters":{"ApiEndpoint":"` + srv.URL + `/orders","Method":"GET","QueryParameters":{"id.$":"$.id"},"Headers":{"X-Trace":"t-1"}},
		"ResultSelector":{"body.$":"$.ResponseBody","status.$":"$.StatusCode"},
		"Retry":[{"ErrorEquals":["States.Http.StatusCode.404"],"MaxAttempts":1,"IntervalSeconds":3}],"End":true}`
	out, err := h.client.TestState(context.Background(), &sfn.TestStateInput{Definition: aws.String(def),
		Input: aws.String(`{"id":"o-1"}`), InspectionLevel: types.InspectionLevelTrace})
	require.NoError(t, err)
	require.Equal(t, types.TestExecutionStatusSucceeded, out.Status, aws.ToString(out.Cause))
	require.JSONEq(t, `{"body":{"id":"o-1"},"status":200}`, aws.ToString(out.Output))
	req, resp := out.InspectionData.Request, out.InspectionData.Response
	require.NotNil(t, req)
	require.Equal(t, "GET", aws.ToString(req.Method))
	require.Equal(t, srv.URL+"/orders?id=o-1", aws.ToString(req.Url))
	require.Equal(t, "HTTP/1.1", aws.ToString(req.Protocol))
	require.Contains(t, aws.ToString(req.Headers), `"X-Trace":["t-1"]`)
	require.Equal(t, "200", aws.ToString(resp.StatusCode))
	require.Equal(t, "OK", aws.ToString(resp.StatusMessage))
	require.JSONEq(t, `{"id":"o-1"}`, aws.ToString(resp.Body))
	require.Contains(t, aws.ToString(resp.Headers), "application/json")

	out, err = h.client.TestState(context.Background(), &sfn.TestStateInput{Definition: aws.String(def),
		Input: aws.String(`{"id":"missing"}`), InspectionLevel: types.InspectionLevelTrace})
	require.NoError(t, err)
	require.Equal(t, types.TestExecutionStatusRetriable, out.Status)
	require.Equal(t, "States.Http.StatusCode.404", aws.ToString(out.Error))
	require.Equal(t, "404", aws.ToString(out.InspectionData.Response.StatusCode))
	require.Equal(t, int32(3), aws.ToInt32(out.InspectionData.ErrorDetails.RetryBackoffIntervalSeconds))
}
