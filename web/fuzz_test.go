package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/web"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// The fuzz targets send arbitrary bodies to the endpoints that decode one,
// on a real server, engine and database: no input may get a 5xx (a panic
// in a handler is recovered as a 500) and every error must be the
// endpoint's JSON error. `go test -fuzz FuzzREST ./web` explores; a plain
// `go test` runs the seeds.

// fuzzServer serves the API on a fresh database with a state machine
// "fz" that returns its input, an execution "fx" of it and an activity
// "fa", and returns its URL.
func fuzzServer(f *testing.F) string {
	f.Helper()
	srv := httptest.NewServer(web.New(testengine.New(f, nil, nil), nil).Handler())
	f.Cleanup(srv.Close)
	for _, setup := range []struct{ path, body string }{
		{"/v1/state-machines", `{"name":"fz","definition":` + webtest.PassMachine + `}`},
		{"/v1/state-machines/fz/executions", `{"name":"fx","input":{"a":1}}`},
		{"/v1/activities", `{"name":"fa"}`},
	} {
		resp, err := http.Post(srv.URL+setup.path, "application/json", bytes.NewReader([]byte(setup.body)))
		require.NoError(f, err)
		_ = resp.Body.Close()
		require.Equal(f, http.StatusCreated, resp.StatusCode, setup.path)
	}
	return srv.URL
}

// fuzzARN is the ARN of the execution fuzzServer starts.
const fuzzARN = "arn:aws:states:us-east-1:000000000000:execution:fz:fx"

// restRoutes are the REST endpoints that decode a body. Activity polls are
// left out: they wait up to a minute for a task.
var restRoutes = []struct{ method, path string }{
	{http.MethodPost, "/v1/state-machines"},
	{http.MethodPut, "/v1/state-machines/fz"},
	{http.MethodPost, "/v1/state-machines/validate"},
	{http.MethodPost, "/v1/state-machines/fz/executions"},
	{http.MethodPost, "/v1/state-machines/fz/start-sync?timeout=1s"},
	{http.MethodPost, "/v1/executions/-/stop?arn=" + url.QueryEscape(fuzzARN)},
	{http.MethodPost, "/v1/executions/-/redrive?arn=" + url.QueryEscape(fuzzARN)},
	{http.MethodPost, "/v1/activities"},
	{http.MethodPost, "/v1/tasks/success"},
	{http.MethodPost, "/v1/tasks/failure"},
	{http.MethodPost, "/v1/tasks/heartbeat"},
}

// fuzzEndpoints fuzzes n endpoints of fuzzServer, seeded with every seed
// body on each: request makes the request of endpoint i with a body, and
// isError tells whether a body is the protocol's error. A 5xx, or an error
// response that is not such a body, fails.
func fuzzEndpoints(f *testing.F, n int, seeds []string, request func(base string, i int, body []byte) (*http.Request, error), isError func(body []byte) bool) {
	for i := range n {
		for _, s := range seeds {
			f.Add(uint8(i), []byte(s))
		}
	}
	base := fuzzServer(f)
	f.Fuzz(func(t *testing.T, i uint8, body []byte) {
		req, err := request(base, int(i)%n, body)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		got, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Less(t, resp.StatusCode, 500, "%s %s: %s", req.Method, req.URL, got)
		if resp.StatusCode >= 400 {
			require.True(t, isError(got), "%s %s %d: not an error body: %s", req.Method, req.URL, resp.StatusCode, got)
		}
	})
}

func FuzzRESTDecode(f *testing.F) {
	seeds := []string{
		`{"name":"m","definition":` + webtest.PassMachine + `}`,
		`{"name":"m","definition":` + definitionOf(webtest.WaitMachine) + `,"inputSchema":{"type":"object"}}`,
		`{"definition":` + webtest.PassMachine + `}`,
		`{"name":"e","input":{"a":[1,2.5,"x",null,true]}}`,
		`{"input":"text","version":1}`,
		`{"error":"E","cause":"c"}`,
		`{"name":"act"}`,
		`{"taskToken":"` + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" + `","output":{}}`,
		`{"taskToken":"t","error":"E","cause":"c"}`,
		`{}`, ``, `[]`, `null`, `{"name":1}`, `{"a":`,
	}
	fuzzEndpoints(f, len(restRoutes), seeds, func(base string, i int, body []byte) (*http.Request, error) {
		req, err := http.NewRequest(restRoutes[i].method, base+restRoutes[i].path, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, err
	}, func(b []byte) bool {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		return json.Unmarshal(b, &e) == nil && e.Error.Code != "" && e.Error.Message != ""
	})
}

// awsOperations are the AWS protocol operations fuzzed.
// StartSyncExecution and GetActivityTask are left out: they may wait
// minutes.
var awsOperations = []string{
	"CreateStateMachine", "UpdateStateMachine", "DescribeStateMachine", "DescribeStateMachineForExecution",
	"ListStateMachines", "DeleteStateMachine", "ValidateStateMachineDefinition", "StartExecution",
	"DescribeExecution", "ListExecutions", "GetExecutionHistory", "StopExecution", "RedriveExecution",
	"SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat", "CreateActivity", "DescribeActivity",
	"ListActivities", "DeleteActivity", "TagResource", "NoSuchOperation",
}

func FuzzAWSDecode(f *testing.F) {
	machine := "arn:aws:states:us-east-1:000000000000:stateMachine:fz"
	seeds := []string{
		`{"name":"m","definition":` + definitionOf(webtest.PassMachine) + `,"roleArn":"arn:aws:iam::1:role/r"}`,
		`{"stateMachineArn":"` + machine + `","definition":` + definitionOf(webtest.PassMachine) + `,"publish":true}`,
		`{"stateMachineArn":"` + machine + `"}`,
		`{"stateMachineArn":"` + machine + `:1","name":"e","input":"{\"a\":1}"}`,
		`{"executionArn":"` + fuzzARN + `","maxResults":5,"reverseOrder":true,"includeExecutionData":false}`,
		`{"stateMachineArn":"` + machine + `","statusFilter":"RUNNING","maxResults":1,"nextToken":"x"}`,
		`{"executionArn":"` + fuzzARN + `","error":"E","cause":"c"}`,
		`{"definition":` + definitionOf(webtest.PassMachine) + `,"type":"STANDARD","severity":"ERROR"}`,
		`{"taskToken":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","output":"{}"}`,
		`{"name":"act"}`,
		`{"activityArn":"arn:aws:states:us-east-1:000000000000:activity:fa"}`,
		`{}`, ``, `[]`, `null`, `{"name":1}`, `{"a":`,
	}
	fuzzEndpoints(f, len(awsOperations), seeds, func(base string, i int, body []byte) (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, base+"/", bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-amz-json-1.0")
			req.Header.Set("X-Amz-Target", "AWSStepFunctions."+awsOperations[i])
		}
		return req, err
	}, func(b []byte) bool {
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
		}
		return json.Unmarshal(b, &e) == nil && e.Type != ""
	})
}
