package web_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/web"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// Abusive requests, each followed by a normal one: every abusive request
// gets a clear 4xx (never a 5xx), the server answers the next request at
// once, and the data stored before is unchanged after.

// sqlName is an attempt at SQL injection through a name or filter.
const sqlName = `'; DROP TABLE stepwise_executions; --`

// quickClient is the client of the normal requests that follow abuse: a
// server that does not answer within its timeout has stopped responding.
var quickClient = &http.Client{Timeout: 5 * time.Second}

// responsive requires that the server answers a normal request at once.
func responsive(t *testing.T, a *webtest.API) {
	t.Helper()
	resp, err := quickClient.Get(a.URL + "/healthz")
	require.NoError(t, err, "the server stopped answering")
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// snapshot returns what the API shows of a machine and its executions,
// with their histories, to compare before and after abuse.
func snapshot(t *testing.T, a *webtest.API, machine string) string {
	t.Helper()
	var b strings.Builder
	get := func(path string) map[string]any {
		out := a.Expect(http.StatusOK, http.MethodGet, path, nil)
		fmt.Fprintf(&b, "%s\n%v\n", path, out)
		return out
	}
	get("/v1/state-machines/" + machine)
	list := get("/v1/executions?stateMachine=" + machine)
	items, _ := list["executions"].([]any)
	require.NotEmpty(t, items, "snapshot of a machine without executions")
	for _, it := range items {
		arn := url.PathEscape(it.(map[string]any)["arn"].(string))
		get("/v1/executions/" + arn)
		get("/v1/executions/" + arn + "/history")
	}
	return b.String()
}

// abuseCase is one abusive request and the error it must get; status 2xx
// means it must be accepted.
type abuseCase struct {
	name, method, path, body string
	header                   map[string]string
	status                   int
	code                     string
}

// run sends the case and checks the answer and that the server still
// answers.
func (c abuseCase) run(t *testing.T, a *webtest.API) {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, a.URL+c.path, body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	start := time.Now()
	r := a.Send(req)
	took := time.Since(start)
	require.Less(t, r.Status, 500, "%s: %s", c.name, r.Body)
	require.Equal(t, c.status, r.Status, "%s: %s", c.name, r.Body)
	switch {
	case c.code != "" && c.path == "/":
		require.Equal(t, c.code, r.JSON(t)["__type"], "%s: %s", c.name, r.Body)
	case c.code != "":
		require.Equal(t, c.code, r.ErrorCode(t), "%s: %s", c.name, r.Body)
	}
	// A hang detector, not a benchmark: alone, the slowest case takes 2 s.
	require.Less(t, took, 2*time.Minute, "%s took %s", c.name, took)
	if took > time.Second {
		t.Logf("%s took %s", c.name, took)
	}
	responsive(t, a)
}

// deep is JSON nested n levels of arrays.
func deep(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }

// deepObject is JSON nested n levels of objects.
func deepObject(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }

// definitionOf returns a definition as a JSON string value.
func definitionOf(def string) string {
	b, _ := json.Marshal(def)
	return string(b)
}

func TestAbuseRequests(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("keep", webtest.WaitMachine)
	kept := a.Start("keep", "kept", map[string]any{"a": 1})
	a.Machine("pass", webtest.PassMachine)
	before := snapshot(t, a, "keep")

	big := strings.Repeat("x", 300*1024)
	nots := `{"StartAt":"C","States":{"C":{"Type":"Choice","Default":"E","Choices":[{"Next":"E",` +
		strings.Repeat(`"Not":{`, 1000) + `"Variable":"$.a","IsPresent":true` + strings.Repeat("}", 1000) +
		`}]},"E":{"Type":"Succeed"}}}`
	tests := []abuseCase{
		// Sizes.
		{name: "start input over 256 KiB", method: "POST", path: "/v1/state-machines/pass/executions", body: `{"input":{"s":"` + big + `"}}`, status: 400, code: "InvalidExecutionInput"},
		{name: "body over 1 MiB", method: "POST", path: "/v1/state-machines", body: `{"name":"big","definition":"` + strings.Repeat("x", 2<<20) + `"}`, status: 413, code: "RequestTooLarge"},
		{name: "task output over 256 KiB", method: "POST", path: "/v1/tasks/success", body: `{"taskToken":"` + strings.Repeat("A", 43) + `","output":"` + big + `"}`, status: 400, code: "InvalidOutput"},
		{name: "10,000 states", method: "POST", path: "/v1/state-machines", body: `{"name":"huge","definition":` + webtest.PassChain(10_000) + `}`, status: 201},
		{name: "definition over 1 MiB", method: "POST", path: "/v1/state-machines/validate", body: `{"definition":` + definitionOf(webtest.PassChain(30_000)) + `}`, status: 413, code: "RequestTooLarge"},
		// Nesting.
		{name: "input nested 100,000 deep", method: "POST", path: "/v1/state-machines/pass/executions", body: `{"input":` + deep(100_000) + `}`, status: 400, code: "MalformedJSON"},
		{name: "input objects nested 100,000 deep", method: "POST", path: "/v1/state-machines/pass/executions", body: `{"input":` + deepObject(100_000) + `}`, status: 400, code: "MalformedJSON"},
		{name: "input nested 9,000 deep", method: "POST", path: "/v1/state-machines/pass/executions", body: `{"name":"deep","input":` + deep(9_000) + `}`, status: 201},
		{name: "input string nested 100,000 deep", method: "POST", path: "/v1/state-machines/pass/executions", body: `{"input":"` + deep(100_000) + `"}`, status: 201},
		{name: "definition nested 100,000 deep", method: "POST", path: "/v1/state-machines", body: `{"name":"deep","definition":` + deepObject(100_000) + `}`, status: 400, code: "MalformedJSON"},
		{name: "definition string nested 100,000 deep", method: "POST", path: "/v1/state-machines", body: `{"name":"deep","definition":"` + deep(100_000) + `"}`, status: 400, code: "InvalidDefinition"},
		{name: "Choice rule of 1,000 nested Nots", method: "POST", path: "/v1/state-machines/validate", body: `{"definition":` + nots + `}`, status: 200},
		{name: "input schema nested 100,000 deep", method: "POST", path: "/v1/state-machines", body: `{"name":"deep","definition":` + webtest.PassMachine + `,"inputSchema":"` + deep(100_000) + `"}`, status: 400, code: "InvalidDefinition"},
		// Invalid UTF-8.
		{name: "invalid UTF-8 in an input", method: "POST", path: "/v1/state-machines/pass/executions", body: "{\"input\":{\"s\":\"\xff\xfe\"}}", status: 400, code: "MalformedJSON"},
		{name: "invalid UTF-8 in a name", method: "POST", path: "/v1/state-machines/pass/executions", body: "{\"name\":\"n\xc3\x28\"}", status: 400, code: "MalformedJSON"},
		{name: "invalid UTF-8 in a definition", method: "POST", path: "/v1/state-machines", body: "{\"name\":\"u\",\"definition\":{\"StartAt\":\"P\",\"States\":{\"P\":{\"Type\":\"Pass\",\"Result\":\"\xed\xa0\x80\",\"End\":true}}}}", status: 400, code: "MalformedJSON"},
		{name: "invalid UTF-8 in a task output", method: "POST", path: "/v1/tasks/success", body: "{\"taskToken\":\"" + strings.Repeat("A", 43) + "\",\"output\":\"\xff\"}", status: 400, code: "MalformedJSON"},
		{name: "NUL in a stop cause", method: "POST", path: "/v1/executions/-/stop?arn=" + url.QueryEscape(kept), body: `{"error":"E","cause":"a\u0000b"}`, status: 400, code: "InvalidRequest"},
		{name: "invalid UTF-8 in a path", method: "GET", path: "/v1/state-machines/%FF", status: 400, code: "InvalidParameter"},
		{name: "NUL in a path", method: "GET", path: "/v1/state-machines/a%00b", status: 400, code: "InvalidParameter"},
		{name: "invalid UTF-8 in an execution ARN", method: "GET", path: "/v1/executions/arn%3Aaws%3Astates%3A%3A%3Aexecution%3Apass%3A%FF", status: 400, code: "InvalidParameter"},
		{name: "invalid UTF-8 in a filter", method: "GET", path: "/v1/executions?namePrefix=%FF", status: 400, code: "InvalidParameter"},
		{name: "NUL in a filter", method: "GET", path: "/v1/executions?stateMachine=a%00", status: 400, code: "InvalidParameter"},
		// SQL.
		{name: "SQL in a machine name", method: "POST", path: "/v1/state-machines", body: `{"name":"` + sqlName + `","definition":` + webtest.PassMachine + `}`, status: 400, code: "InvalidName"},
		{name: "SQL in an execution name", method: "POST", path: "/v1/state-machines/pass/executions", body: `{"name":"` + sqlName + `"}`, status: 400, code: "InvalidName"},
		{name: "SQL in a path", method: "GET", path: "/v1/state-machines/" + url.PathEscape(sqlName), status: 404, code: "StateMachineDoesNotExist"},
		{name: "SQL in a delete", method: "DELETE", path: "/v1/state-machines/" + url.PathEscape(sqlName), status: 404, code: "StateMachineDoesNotExist"},
		{name: "SQL in an ARN", method: "GET", path: "/v1/executions/-?arn=" + url.QueryEscape("arn:aws:states:us-east-1:1:execution:keep:"+sqlName), status: 404, code: "ExecutionDoesNotExist"},
		{name: "SQL in the name prefix", method: "GET", path: "/v1/executions?namePrefix=" + url.QueryEscape(sqlName), status: 200},
		{name: "SQL in the machine filter", method: "GET", path: "/v1/executions?stateMachine=" + url.QueryEscape(sqlName), status: 404, code: "StateMachineDoesNotExist"},
		{name: "SQL in the status filter", method: "GET", path: "/v1/executions?status=" + url.QueryEscape(sqlName), status: 400, code: "InvalidParameter"},
		{name: "SQL in the cursor", method: "GET", path: "/v1/executions?cursor=" + url.QueryEscape(sqlName), status: 400, code: "InvalidParameter"},
		{name: "SQL in the start filters", method: "GET", path: "/v1/executions?startedAfter=" + url.QueryEscape(sqlName), status: 400, code: "InvalidParameter"},
		{name: "SQL in the limit", method: "GET", path: "/v1/executions?limit=" + url.QueryEscape(sqlName), status: 400, code: "InvalidParameter"},
		{name: "SQL in the machine cursor", method: "GET", path: "/v1/state-machines?cursor=" + url.QueryEscape(sqlName), status: 400, code: "InvalidParameter"},
		{name: "SQL in the activity cursor", method: "GET", path: "/v1/activities?cursor=" + url.QueryEscape(sqlName), status: 400, code: "InvalidParameter"},
		{name: "SQL in the history cursor", method: "GET", path: "/v1/executions/-/history?arn=" + url.QueryEscape(kept) + "&cursor=" + url.QueryEscape(sqlName), status: 400, code: "InvalidParameter"},
		{name: "SQL in the viewer's event filters", method: "GET", path: "/v1/executions/-/viewer/events?arn=" + url.QueryEscape(kept) + "&type=" + url.QueryEscape(sqlName) + "&state=" + url.QueryEscape(sqlName), status: 200},
		{name: "LIKE pattern in the viewer's type filter", method: "GET", path: "/v1/executions/-/viewer/events?arn=" + url.QueryEscape(kept) + "&type=%25", status: 200},
		{name: "SQL in the activity list", method: "GET", path: "/v1/activities/" + url.PathEscape(sqlName), status: 404, code: "ActivityDoesNotExist"},
	}
	for _, tt := range tests {
		tt.run(t, a)
	}
	require.Equal(t, before, snapshot(t, a, "keep"), "abuse changed stored data")
}

// TestAbuseLikeWildcards checks that a name prefix is a prefix, not a LIKE
// pattern: % and _ match themselves only.
func TestAbuseLikeWildcards(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("keep", webtest.WaitMachine)
	for _, name := range []string{"a_b", "axb", "ab", "b"} {
		a.Start("keep", name, map[string]any{})
	}
	names := func(prefix string) []string {
		out := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions?namePrefix="+url.QueryEscape(prefix), nil)
		var got []string
		for _, it := range out["executions"].([]any) {
			got = append(got, it.(map[string]any)["name"].(string))
		}
		return got
	}
	require.ElementsMatch(t, []string{"a_b"}, names("a_"))
	require.ElementsMatch(t, []string{"a_b", "axb", "ab"}, names("a"))
	for _, prefix := range []string{"%", "_", `\`, `a\`, "%b", "a%", sqlName} {
		require.Empty(t, names(prefix), "prefix %q", prefix)
	}
}

// TestAbuseExecutions runs machines that try to produce too much: each
// fails with the documented error, and the server keeps answering.
func TestAbuseExecutions(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	s := strings.Repeat("x", 200*1024)
	tests := []struct {
		name, state, input, err string
	}{
		{"Pass result over 256 KiB", `{"Type":"Pass","Result":"` + strings.Repeat("y", 300*1024) + `","End":true}`, `{}`, "States.DataLimitExceeded"},
		{"Pass output over 256 KiB", `{"Type":"Pass","Result":"` + strings.Repeat("y", 100*1024) + `","ResultPath":"$.y","End":true}`, `{"s":"` + s + `"}`, "States.DataLimitExceeded"},
		{"ArrayRange of a billion", `{"Type":"Pass","Parameters":{"r.$":"States.ArrayRange(1, 1000000000, 1)"},"End":true}`, `{}`, "States.Runtime"},
		{"nested JsonToString", `{"Type":"Pass","Parameters":{"r.$":"States.JsonToString(States.JsonToString(States.JsonToString(States.JsonToString(States.JsonToString(States.JsonToString(States.JsonToString(States.JsonToString(States.JsonToString(States.JsonToString($.q))))))))))"},"End":true}`, `{"q":"` + strings.Repeat(`\"`, 60_000) + `"}`, "States.DataLimitExceeded"},
		{"Array of many copies", `{"Type":"Pass","Parameters":{"r.$":"States.Array($, $, $, $, $, $, $, $, $, $)"},"End":true}`, `{"s":"` + s + `"}`, "States.DataLimitExceeded"},
		{"ArrayPartition into ones", `{"Type":"Pass","Parameters":{"r.$":"States.ArrayPartition($.a, 1)"},"End":true}`, `{"a":[` + strings.TrimSuffix(strings.Repeat("0,", 100_000), ",") + `]}`, "States.DataLimitExceeded"},
		{"recursive descent", `{"Type":"Pass","Parameters":{"r.$":"$..*"},"End":true}`, `{"a":` + deep(5_000) + `}`, "States.DataLimitExceeded"},
		{"Task input over 256 KiB", `{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"a.$":"$","b.$":"$"},"End":true}`, `{"s":"` + s + `"}`, "States.DataLimitExceeded"},
	}
	for i, tt := range tests {
		name := fmt.Sprintf("m%d", i)
		a.Machine(name, `{"StartAt":"S","States":{"S":`+tt.state+`}}`)
		arn := a.Start(name, "", json.RawMessage(tt.input))
		done := a.Wait(arn)
		require.Equal(t, "FAILED", done["status"], "%s: %v", tt.name, done["output"])
		require.Equal(t, tt.err, done["error"], "%s: %v", tt.name, done["cause"])
		responsive(t, a)
	}
}

// TestAbuseLargeMap runs a large Map: the server keeps answering while it
// runs and the execution can be stopped. An input of 256 KiB holds at most
// 131,072 numbers (and States.ArrayRange makes at most 1,000), so a Map of
// a million items cannot be started; STEPWISE_ABUSE_MAP_ITEMS=131000 runs
// the largest (about 30 s here), the default of 20,000 keeps the test
// short.
func TestAbuseLargeMap(t *testing.T) {
	t.Parallel()
	n := 20_000
	if s := os.Getenv("STEPWISE_ABUSE_MAP_ITEMS"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	a := webtest.New(t, nil)
	a.Machine("map", `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":10,"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`)
	items := "[" + strings.TrimSuffix(strings.Repeat("0,", n), ",") + "]"
	start := time.Now()
	arn := a.Start("map", "big", json.RawMessage(items))
	t.Logf("started a Map of %d items in %s", n, time.Since(start))
	for range 5 {
		responsive(t, a)
		a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(arn), nil)
		time.Sleep(200 * time.Millisecond)
	}
	a.Expect(http.StatusOK, http.MethodPost, "/v1/executions/"+url.PathEscape(arn)+"/stop", nil)
	require.Equal(t, "ABORTED", a.Wait(arn)["status"])
	responsive(t, a)
}

// TestAbuseTaskTokens guesses and replays task tokens: a guessed token is
// refused without touching any execution, and a replayed answer after the
// task closed is refused with TaskTimedOut and changes nothing.
func TestAbuseTaskTokens(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	arn, token := a.StartApproval("yes")
	guesses := []abuseCase{
		{name: "empty token", method: "POST", path: "/v1/tasks/success", body: `{"taskToken":"","output":{}}`, status: 400, code: "InvalidToken"},
		{name: "malformed token", method: "POST", path: "/v1/tasks/success", body: `{"taskToken":"` + sqlName + `","output":{}}`, status: 400, code: "InvalidToken"},
		{name: "huge token", method: "POST", path: "/v1/tasks/failure", body: `{"taskToken":"` + strings.Repeat("A", 500_000) + `"}`, status: 400, code: "InvalidToken"},
		{name: "guessed token", method: "POST", path: "/v1/tasks/success", body: `{"taskToken":"` + strings.Repeat("B", 43) + `","output":{}}`, status: 404, code: "TaskDoesNotExist"},
		{name: "token with a changed letter", method: "POST", path: "/v1/tasks/success", body: `{"taskToken":"` + flip(token) + `","output":{}}`, status: 404, code: "TaskDoesNotExist"},
		{name: "NUL in a failure cause", method: "POST", path: "/v1/tasks/failure", body: `{"taskToken":"` + token + `","error":"E","cause":"\u0000"}`, status: 400, code: "InvalidRequest"},
		{name: "AWS NUL in a failure cause", method: "POST", path: "/", body: `{"taskToken":"` + token + `","error":"E","cause":"\u0000"}`, header: awsTarget("SendTaskFailure"), status: 400, code: "ValidationException"},
		{name: "AWS output nested 100,000 deep", method: "POST", path: "/", body: `{"taskToken":"` + token + `","output":"` + deep(100_000) + `"}`, header: awsTarget("SendTaskSuccess"), status: 400, code: "InvalidOutput"},
		{name: "AWS output not JSON", method: "POST", path: "/", body: `{"taskToken":"` + token + `","output":"{"}`, header: awsTarget("SendTaskSuccess"), status: 400, code: "InvalidOutput"},
		{name: "output nested 100,000 deep", method: "POST", path: "/v1/tasks/success", body: `{"taskToken":"` + token + `","output":` + deep(100_000) + `}`, status: 400, code: "MalformedJSON"},
		{name: "guessed heartbeat", method: "POST", path: "/v1/tasks/heartbeat", body: `{"taskToken":"` + strings.Repeat("C", 43) + `"}`, status: 404, code: "TaskDoesNotExist"},
	}
	for _, g := range guesses {
		g.run(t, a)
	}
	require.Equal(t, "RUNNING", a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(arn), nil)["status"])
	a.Expect(http.StatusNoContent, http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": map[string]any{"approvedBy": "grace"}})
	require.Equal(t, "SUCCEEDED", a.Wait(arn)["status"])
	before := snapshot(t, a, "approval")
	replays := []abuseCase{
		{name: "replayed success", method: "POST", path: "/v1/tasks/success", body: `{"taskToken":"` + token + `","output":{"approvedBy":"mallory"}}`, status: 410, code: history.TaskTimedOut},
		{name: "replayed failure", method: "POST", path: "/v1/tasks/failure", body: `{"taskToken":"` + token + `","error":"Rejected"}`, status: 410, code: history.TaskTimedOut},
		{name: "replayed heartbeat", method: "POST", path: "/v1/tasks/heartbeat", body: `{"taskToken":"` + token + `"}`, status: 410, code: history.TaskTimedOut},
	}
	for _, r := range replays {
		r.run(t, a)
	}
	aws := []abuseCase{
		{name: "AWS guessed token", method: "POST", path: "/", body: `{"taskToken":"` + strings.Repeat("B", 43) + `","output":"{}"}`, header: awsTarget("SendTaskSuccess"), status: 400},
		{name: "AWS replayed success", method: "POST", path: "/", body: `{"taskToken":"` + token + `","output":"{}"}`, header: awsTarget("SendTaskSuccess"), status: 400},
		{name: "AWS replayed failure", method: "POST", path: "/", body: `{"taskToken":"` + token + `"}`, header: awsTarget("SendTaskFailure"), status: 400},
	}
	for _, c := range aws {
		c.run(t, a)
	}
	require.Equal(t, before, snapshot(t, a, "approval"), "a replayed answer changed the execution")
}

// flip changes the first letter of a token.
func flip(token string) string {
	if token[0] == 'A' {
		return "B" + token[1:]
	}
	return "A" + token[1:]
}

// awsTarget is the header of an AWS protocol operation.
func awsTarget(op string) map[string]string {
	return map[string]string{"X-Amz-Target": "AWSStepFunctions." + op, "Content-Type": "application/x-amz-json-1.0"}
}

// TestAbuseAWSProtocol sends the AWS protocol endpoint bodies that are too
// large, too deep, not UTF-8 or full of SQL.
func TestAbuseAWSProtocol(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("keep", webtest.WaitMachine)
	a.Start("keep", "kept", map[string]any{"a": 1})
	before := snapshot(t, a, "keep")
	machineARN := a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/keep", nil)["arn"].(string)
	big := strings.Repeat("x", 300*1024)
	tests := []abuseCase{
		{name: "body over 4 MiB", body: `{"name":"` + strings.Repeat("x", 5<<20) + `"}`, header: awsTarget("CreateStateMachine"), status: 400},
		{name: "input over 256 KiB", body: `{"stateMachineArn":"` + machineARN + `","input":"` + big + `"}`, header: awsTarget("StartExecution"), status: 400},
		{name: "body nested 100,000 deep", body: `{"stateMachineArn":` + deep(100_000) + `}`, header: awsTarget("StartExecution"), status: 400},
		{name: "input nested 100,000 deep", body: `{"stateMachineArn":"` + machineARN + `","input":"` + deep(100_000) + `"}`, header: awsTarget("StartExecution"), status: 400},
		{name: "definition nested 100,000 deep", body: `{"name":"deep","roleArn":"arn:aws:iam::1:role/r","definition":"` + deep(100_000) + `"}`, header: awsTarget("CreateStateMachine"), status: 400},
		{name: "validate nested 100,000 deep", body: `{"definition":"` + deep(100_000) + `"}`, header: awsTarget("ValidateStateMachineDefinition"), status: 200},
		{name: "10,000 states", body: `{"name":"huge","roleArn":"arn:aws:iam::1:role/r","definition":` + definitionOf(webtest.PassChain(10_000)) + `}`, header: awsTarget("CreateStateMachine"), status: 200},
		{name: "definition over 1 MiB", body: `{"name":"huger","roleArn":"arn:aws:iam::1:role/r","definition":` + definitionOf(webtest.PassChain(30_000)) + `}`, header: awsTarget("CreateStateMachine"), status: 400, code: "ValidationException"}, // the model's length constraint
		{name: "invalid UTF-8 in a name", body: "{\"stateMachineArn\":\"" + machineARN + "\",\"name\":\"\xff\"}", header: awsTarget("StartExecution"), status: 400},
		{name: "invalid UTF-8 in an input", body: "{\"stateMachineArn\":\"" + machineARN + "\",\"input\":\"{\\\"a\\\":\\\"\xff\\\"}\"}", header: awsTarget("StartExecution"), status: 400},
		{name: "invalid UTF-8 in an ARN", body: "{\"executionArn\":\"arn:aws:states:us-east-1:1:execution:keep:\xff\"}", header: awsTarget("DescribeExecution"), status: 400},
		{name: "NUL in an ARN", body: `{"executionArn":"arn:aws:states:us-east-1:1:execution:keep:a\u0000"}`, header: awsTarget("DescribeExecution"), status: 400},
		{name: "NUL in a machine ARN", body: `{"stateMachineArn":"arn:aws:states:us-east-1:1:stateMachine:a\u0000"}`, header: awsTarget("DescribeStateMachine"), status: 400},
		{name: "SQL in a name", body: `{"stateMachineArn":"` + machineARN + `","name":"` + sqlName + `"}`, header: awsTarget("StartExecution"), status: 400},
		{name: "SQL in an ARN", body: `{"stateMachineArn":"arn:aws:states:us-east-1:1:stateMachine:` + sqlName + `"}`, header: awsTarget("DeleteStateMachine"), status: 200},
		{name: "SQL in a list filter", body: `{"stateMachineArn":"arn:aws:states:us-east-1:1:stateMachine:` + sqlName + `","statusFilter":"` + sqlName + `"}`, header: awsTarget("ListExecutions"), status: 400},
		{name: "SQL in a page token", body: `{"nextToken":"` + sqlName + `"}`, header: awsTarget("ListStateMachines"), status: 400},
		{name: "SQL in the target", body: `{}`, header: awsTarget(sqlName), status: 400},
	}
	for _, tt := range tests {
		tt.method, tt.path = http.MethodPost, "/"
		tt.run(t, a)
	}
	require.Equal(t, before, snapshot(t, a, "keep"), "abuse changed stored data")
}

// TestAbuseKeys sends writes without a key, with a wrong one and with a
// read-only one, over REST and the AWS protocol: each is refused and
// nothing changes.
func TestAbuseKeys(t *testing.T) {
	t.Parallel()
	keys, err := web.ParseKeys([]byte(webtest.Keys))
	require.NoError(t, err)
	a := webtest.New(t, &web.Config{Authorize: keys.Authorize})
	admin := map[string]string{"Authorization": "Bearer " + webtest.AdminSecret}
	for _, c := range []abuseCase{
		{name: "create", method: "POST", path: "/v1/state-machines", body: `{"name":"keep","definition":` + webtest.WaitMachine + `}`, header: admin, status: 201},
		{name: "start", method: "POST", path: "/v1/state-machines/keep/executions", body: `{"name":"kept"}`, header: admin, status: 201},
	} {
		c.run(t, a)
	}
	snapshot := func() string {
		var b strings.Builder
		for _, path := range []string{"/v1/state-machines/keep", "/v1/executions?stateMachine=keep", "/v1/activities"} {
			req, err := http.NewRequest(http.MethodGet, a.URL+path, nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+webtest.ReadSecret)
			r := a.Send(req)
			require.Equal(t, http.StatusOK, r.Status, "%s: %s", path, r.Body)
			b.Write(r.Body)
		}
		return b.String()
	}
	before := snapshot()
	machineARN := "arn:aws:states:us-east-1:123456789012:stateMachine:keep"
	sigv4 := func(id string) string {
		return "AWS4-HMAC-SHA256 Credential=" + id + "/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=00"
	}
	with := func(h map[string]string, auth string) map[string]string {
		out := map[string]string{"Authorization": auth}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	var tests []abuseCase
	for _, auth := range []struct{ name, header string }{
		{"no key", ""},
		{"wrong secret", "Bearer " + strings.Repeat("z", 40)},
		{"SQL as the secret", "Bearer " + sqlName},
		{"huge secret", "Bearer " + strings.Repeat("z", 100_000)},
		{"other scheme", "Basic " + webtest.AdminSecret},
		{"read key", "Bearer " + webtest.ReadSecret},
	} {
		status, code := 401, "Unauthorized"
		if auth.name == "read key" {
			status, code = 403, "Forbidden"
		}
		h := map[string]string{}
		if auth.header != "" {
			h["Authorization"] = auth.header
		}
		tests = append(tests,
			abuseCase{name: auth.name + ": delete", method: "DELETE", path: "/v1/state-machines/keep?force=true", header: h, status: status, code: code},
			abuseCase{name: auth.name + ": update", method: "PUT", path: "/v1/state-machines/keep", body: `{"definition":` + webtest.PassMachine + `}`, header: h, status: status, code: code},
			abuseCase{name: auth.name + ": stop", method: "POST", path: "/v1/executions/-/stop?arn=" + url.QueryEscape("arn:aws:states:us-east-1:123456789012:execution:keep:kept"), header: h, status: status, code: code},
			abuseCase{name: auth.name + ": create activity", method: "POST", path: "/v1/activities", body: `{"name":"act"}`, header: h, status: status, code: code},
		)
	}
	for _, auth := range []struct{ name, header, errType string }{
		{"AWS no key", "", "MissingAuthenticationTokenException"},
		{"AWS unknown access key", sigv4("AKIAWRONG"), "UnrecognizedClientException"},
		{"AWS SQL access key", sigv4(sqlName), "UnrecognizedClientException"},
		{"AWS bearer secret as the access key", sigv4(webtest.AdminSecret), "UnrecognizedClientException"},
		{"AWS read key", sigv4("AKIAREAD"), "AccessDeniedException"},
	} {
		tests = append(tests,
			abuseCase{name: auth.name + ": delete", method: "POST", path: "/", body: `{"stateMachineArn":"` + machineARN + `"}`, header: with(awsTarget("DeleteStateMachine"), auth.header), status: 400, code: auth.errType},
			abuseCase{name: auth.name + ": update", method: "POST", path: "/", body: `{"stateMachineArn":"` + machineARN + `","definition":` + definitionOf(webtest.PassMachine) + `}`, header: with(awsTarget("UpdateStateMachine"), auth.header), status: 400, code: auth.errType},
			abuseCase{name: auth.name + ": start", method: "POST", path: "/", body: `{"stateMachineArn":"` + machineARN + `"}`, header: with(awsTarget("StartExecution"), auth.header), status: 400, code: auth.errType},
		)
	}
	for _, tt := range tests {
		tt.run(t, a)
	}
	require.Equal(t, before, snapshot(), "a refused request changed stored data")
}
