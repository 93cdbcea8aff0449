package sfn

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/store"
)

// post sends one raw AWS protocol request and returns the status, the
// response headers and the decoded body.
func (h *awsHarness) post(target, body string) (int, http.Header, map[string]any) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPost, h.url+"/", strings.NewReader(body))
	require.NoError(h.t, err)
	req.Header.Set("Content-Type", contentType)
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0000")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	var out map[string]any
	require.NoError(h.t, json.Unmarshal(data, &out), "body %s", data)
	return resp.StatusCode, resp.Header, out
}

func TestAWSWire(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)

	status, header, body := h.post("AWSStepFunctions.CreateStateMachine",
		`{"name":"saga","definition":`+quoteJSON(testkit.Example(t, "order-saga"))+`,"roleArn":"arn:aws:iam::1:role/r"}`)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, contentType, header.Get("Content-Type"))
	require.NotEmpty(t, header.Get("X-Amzn-RequestId"))
	machine := body["stateMachineArn"].(string)
	require.IsType(t, float64(0), body["creationDate"], "dates are epoch seconds")

	status, _, body = h.post("AWSStepFunctions.StartExecution", `{"stateMachineArn":"`+machine+`","name":"w","input":"{\"orderId\":\"w\",\"amount\":1}"}`)
	require.Equal(t, http.StatusOK, status)
	started := body["startDate"].(float64)
	require.InDelta(t, float64(time.Now().UnixMilli())/1000, started, 60)

	tests := []struct {
		name, target, body, errType, message string
		status                               int
	}{
		{"no target", "", `{}`, "UnknownOperationException", "X-Amz-Target", 400},
		{"other service", "AmazonSQS.ListQueues", `{}`, "UnknownOperationException", "AWSStepFunctions", 400},
		{"unknown operation", "AWSStepFunctions.FlyToTheMoon", `{}`, "UnknownOperationException", "FlyToTheMoon", 400},
		{"not a Map run ARN", "AWSStepFunctions.DescribeMapRun", `{"mapRunArn":"a"}`, "InvalidArn", "not a Map run ARN", 400},
		{"not JSON", "AWSStepFunctions.DescribeExecution", `{"executionArn":`, "SerializationException", "JSON", 400},
		{"wrong field type", "AWSStepFunctions.ListStateMachines", `{"maxResults":"ten"}`, "SerializationException", "maxResults", 400},
		{"missing field", "AWSStepFunctions.DescribeExecution", `{}`, "ValidationException", "executionArn", 400},
		{"missing execution", "AWSStepFunctions.DescribeExecution", `{"executionArn":"arn:aws:states:us-east-1:000000000000:execution:saga:none"}`, "ExecutionDoesNotExist", "saga:none", 400},
	}
	for _, tt := range tests {
		status, header, body := h.post(tt.target, tt.body)
		require.Equal(t, tt.status, status, tt.name)
		require.Equal(t, tt.errType, body["__type"], tt.name)
		require.Equal(t, tt.errType, header.Get("X-Amzn-ErrorType"), tt.name)
		require.Contains(t, body["message"], tt.message, tt.name)
	}

	// A machine with a running execution is not deleted: AWS would let the
	// execution finish first, Stepwise asks for it to be stopped.
	approval := h.machine("approval", "approval")
	h.start(approval, "pending", `{"orderId":"p","amount":1}`)
	h.token()
	_, err := h.client.DeleteStateMachine(context.Background(), &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(approval)})
	require.Equal(t, "ConflictException", requireAWSError[smithy.APIError](t, err).ErrorCode())
	// With the HTTP status AWS documents for ConflictException.
	status, _, body = h.post("AWSStepFunctions.DeleteStateMachine", `{"stateMachineArn":"`+approval+`"}`)
	require.Equal(t, http.StatusConflict, status)
	require.Equal(t, "ConflictException", body["__type"])
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestEpoch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 1, 2, 3, 4, 5, 678_901_000, time.UTC), "1767323045.678"},
		{time.Unix(1, 0), "1.000"},
		{time.UnixMilli(-1500), "-2.500"},
	}
	for _, tt := range tests {
		got, err := json.Marshal(epoch(tt.at))
		require.NoError(t, err)
		require.Equal(t, tt.want, string(got))
	}
}

func TestHistoryMapperMapAndParallel(t *testing.T) {
	t.Parallel()
	exec := &store.Execution{ID: 1, ARN: "arn:aws:states:eu-west-1:123:execution:m:e"}
	h := &historyMapper{exec: exec, region: "eu-west-1", withData: true,
		resources: taskResources([]byte(`{"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
			{"StartAt":"M","States":{"M":{"Type":"Map","ItemProcessor":{"StartAt":"T","States":{
				"T":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2","End":true}}},"End":true}}}],"End":true}}}`))}
	ev := mapperEvent
	requireMapped(t, h, []mapped{
		{ev(2, history.ParallelStateStarted, "P", ""), `{"id":2,"previousEventId":1,"timestamp":1767225600.000,"type":"ParallelStateStarted"}`},
		{ev(3, history.MapStateStarted, "M", `{"length":2}`), `{"id":3,"previousEventId":2,"timestamp":1767225600.000,"type":"MapStateStarted","mapStateStartedEventDetails":{"length":2}}`},
		{ev(4, history.MapIterationStarted, "M", `{"index":1}`), `{"id":4,"previousEventId":3,"timestamp":1767225600.000,"type":"MapIterationStarted","mapIterationStartedEventDetails":{"name":"M","index":1}}`},
		{ev(5, history.MapIterationFailed, "M", `{"index":1}`), `{"id":5,"previousEventId":4,"timestamp":1767225600.000,"type":"MapIterationFailed","mapIterationFailedEventDetails":{"name":"M","index":1}}`},
		{ev(6, history.TaskTimedOut, "T", `{"error":"States.Timeout","cause":""}`), `{"id":6,"previousEventId":5,"timestamp":1767225600.000,"type":"TaskTimedOut","taskTimedOutEventDetails":{"resourceType":"states","resource":"startExecution.sync:2","error":"States.Timeout"}}`},
		{ev(7, history.ExecutionAborted, "", `{"error":"","cause":""}`), `{"id":7,"previousEventId":6,"timestamp":1767225600.000,"type":"ExecutionAborted","executionAbortedEventDetails":{}}`},
		{ev(8, history.ExecutionTimedOut, "", `{"error":"States.Timeout","cause":"The execution timed out."}`), `{"id":8,"previousEventId":7,"timestamp":1767225600.000,"type":"ExecutionTimedOut","executionTimedOutEventDetails":{"error":"States.Timeout","cause":"The execution timed out."}}`},
		{ev(9, history.TaskScheduled, "T", `{"resource":"arn:aws:lambda:us-west-2:1:function:f","parameters":"{}","timeoutInSeconds":99999999,"heartbeatInSeconds":0}`), `{"id":9,"previousEventId":8,"timestamp":1767225600.000,"type":"TaskScheduled","taskScheduledEventDetails":{"resourceType":"lambda","resource":"invoke","region":"us-west-2","parameters":"{}"}}`},
	})
}

// mapperEvent is a stored event of execution 1 at 2026-01-01, of state
// state (none when empty) with details (none when empty).
func mapperEvent(id int64, typ, state, details string) *store.Event {
	e := &store.Event{ExecutionID: 1, ID: id, PreviousID: id - 1, Type: typ, Timestamp: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if state != "" {
		e.State = &state
	}
	if details != "" {
		e.Details = &details
	}
	return e
}

// mapped is a stored event and the AWS history event it maps to.
type mapped struct {
	event *store.Event
	want  string
}

// requireMapped checks that h maps each event to what the test wants.
func requireMapped(t *testing.T, h *historyMapper, tests []mapped) {
	t.Helper()
	for _, tt := range tests {
		got, err := h.event(tt.event)
		require.NoError(t, err)
		data, err := json.Marshal(got)
		require.NoError(t, err)
		require.JSONEq(t, tt.want, string(data), tt.event.Type)
	}
}

func TestHistoryMapperServiceResources(t *testing.T) {
	t.Parallel()
	exec := &store.Execution{ID: 1, ARN: "arn:aws:states:eu-west-1:123:execution:m:e"}
	h := &historyMapper{exec: exec, region: "eu-west-1", withData: true,
		resources: taskResources([]byte(`{"StartAt":"Get","States":{
			"Get":{"Type":"Task","Resource":"arn:aws:states:::aws-sdk:s3:getObject","Next":"Run"},
			"Run":{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync","End":true}}}`))}
	ev := mapperEvent
	requireMapped(t, h, []mapped{
		{ev(3, history.TaskScheduled, "Publish", `{"resource":"arn:aws:states:::sns:publish","parameters":"{\"Message\":\"hi\"}"}`),
			`{"id":3,"previousEventId":2,"timestamp":1767225600.000,"type":"TaskScheduled","taskScheduledEventDetails":{"resourceType":"sns","resource":"publish","region":"eu-west-1","parameters":"{\"Message\":\"hi\"}"}}`},
		{ev(4, history.TaskScheduled, "Get", `{"resource":"arn:aws:states:::aws-sdk:s3:getObject","parameters":"{}"}`),
			`{"id":4,"previousEventId":3,"timestamp":1767225600.000,"type":"TaskScheduled","taskScheduledEventDetails":{"resourceType":"aws-sdk:s3","resource":"getObject","region":"eu-west-1","parameters":"{}"}}`},
		{ev(5, history.TaskSucceeded, "Get", `{"output":{"Body":"x"}}`),
			`{"id":5,"previousEventId":4,"timestamp":1767225600.000,"type":"TaskSucceeded","taskSucceededEventDetails":{"resourceType":"aws-sdk:s3","resource":"getObject","output":"{\"Body\":\"x\"}","outputDetails":{"truncated":false}}}`},
		{ev(6, history.TaskFailed, "Run", `{"error":"Glue.JobFailed","cause":"boom"}`),
			`{"id":6,"previousEventId":5,"timestamp":1767225600.000,"type":"TaskFailed","taskFailedEventDetails":{"resourceType":"glue","resource":"startJobRun.sync","error":"Glue.JobFailed","cause":"boom"}}`},
	})
}
