package viewer_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// viewerPath is an execution's viewer endpoint with the ARN in the query.
func viewerPath(arn, suffix string, params ...string) string {
	q := url.Values{"arn": {arn}}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	return "/v1/executions/-/viewer" + suffix + "?" + q.Encode()
}

func TestViewerSummaryOfFailedSaga(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("order-saga", testkit.Example(t, "order-saga"))
	arn := a.Start("order-saga", "sad", map[string]any{"orderId": "o-2", "amount": 10, "failAt": "ConfirmOrder"})
	require.Equal(t, "FAILED", a.Wait(arn)["status"])

	sum := a.Expect(http.StatusOK, http.MethodGet, viewerPath(arn, ""), nil)
	states := sum["states"].(map[string]any)
	status := func(name string) string { return states[name].(map[string]any)["status"].(string) }
	require.Equal(t, "succeeded", status("ReserveInventory"))
	require.Equal(t, "succeeded", status("ProcessPayment"))
	require.Equal(t, "caught", status("ConfirmOrder"), "a caught error is not a failure")
	require.Equal(t, "succeeded", status("RollbackPayment"))
	require.Equal(t, "failed", status("SagaFailed"))
	require.Contains(t, sum["transitions"], []any{"ConfirmOrder", "RollbackPayment"})
	require.NotContains(t, sum["transitions"], []any{"RollbackPayment", "SagaFailed"})
	require.NotEmpty(t, sum["definition"])
	require.EqualValues(t, sum["eventCount"], sum["lastEventId"])

	details := a.Expect(http.StatusOK, http.MethodGet, viewerPath(arn, "/state", "state", "ProcessPayment"), nil)
	visits := details["visits"].([]any)
	require.Len(t, visits, 1)
	var stages []string
	for _, s := range visits[0].(map[string]any)["stages"].([]any) {
		stages = append(stages, s.(map[string]any)["name"].(string))
	}
	require.Equal(t, []string{"Input", "InputPath", "Parameters", "Result", "ResultSelector", "ResultPath", "OutputPath"}, stages)

	failures := a.Expect(http.StatusOK, http.MethodGet, viewerPath(arn, "/events", "failures", "true"), nil)
	var types []string
	for _, ev := range failures["events"].([]any) {
		types = append(types, ev.(map[string]any)["type"].(string))
	}
	require.Equal(t, history.TaskFailed, types[0])
	require.Contains(t, types, history.ExecutionFailed)
	for _, typ := range types {
		require.Regexp(t, `(Failed|TimedOut|Aborted)$`, typ)
	}

	page := a.Expect(http.StatusOK, http.MethodGet, viewerPath(arn, "/events", "limit", "3"), nil)
	require.Len(t, page["events"], 3)
	require.EqualValues(t, 3, page["next"])
	page2 := a.Expect(http.StatusOK, http.MethodGet, viewerPath(arn, "/events", "limit", "3", "after", "3"), nil)
	require.EqualValues(t, 4, page2["events"].([]any)[0].(map[string]any)["id"])
	a.ExpectError(http.StatusBadRequest, "InvalidParameter", http.MethodGet, viewerPath(arn, "/events", "after", "x"), nil)
	a.ExpectError(http.StatusNotFound, "NotFound", http.MethodGet, viewerPath(arn, "/iteration", "run", "999999"), nil)
}

// TestViewerNestedLinks: the summary names a child's parent, and each
// visit of a Task that started a nested execution names the child, from
// TaskSubmitted (.sync:2) or TaskSucceeded (request-response).
func TestViewerNestedLinks(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("echo", webtest.PassMachine)
	a.Machine("parent", webtest.NestedMachine)
	a.Machine("fire", `{"StartAt":"Fire","States":{"Fire":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution",
		"Parameters":{"StateMachineArn":"echo","Name":"forgotten"},"End":true}}}`)
	parent := a.Start("parent", "p", map[string]any{"names": []string{"k1", "k2"}})
	require.Equal(t, "SUCCEEDED", a.Wait(parent)["status"])
	child := func(name string) string { return "arn:aws:states:us-east-1:000000000000:execution:echo:" + name }

	sum := a.Expect(http.StatusOK, http.MethodGet, viewerPath(child("k2"), ""), nil)
	require.Equal(t, parent, sum["execution"].(map[string]any)["parentExecutionArn"])
	sum = a.Expect(http.StatusOK, http.MethodGet, viewerPath(parent, ""), nil)
	require.NotContains(t, sum["execution"], "parentExecutionArn")

	children := func(arn, state string) []any {
		var out []any
		for _, v := range a.Expect(http.StatusOK, http.MethodGet, viewerPath(arn, "/state", "state", state), nil)["visits"].([]any) {
			out = append(out, v.(map[string]any)["children"])
		}
		return out
	}
	require.Equal(t, []any{[]any{child("k1")}, []any{child("k2")}}, children(parent, "StartChild"))
	require.Equal(t, []any{nil}, children(parent, "Children"), "only the Task links to children")

	fire := a.Start("fire", "f", map[string]any{})
	require.Equal(t, "SUCCEEDED", a.Wait(fire)["status"])
	require.Equal(t, []any{[]any{child("forgotten")}}, children(fire, "Fire"))
}

func TestViewerMapIterationsAndCallbacks(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("fan", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ToleratedFailureCount":10,
	  "ItemProcessor":{"StartAt":"Check","States":{
	    "Check":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"Bad"}],"Default":"Good"},
	    "Bad":{"Type":"Fail","Error":"Odd","Cause":"two"},
	    "Good":{"Type":"Pass","End":true}}},"End":true}}}`)
	arn := a.Start("fan", "m", map[string]any{"items": []int{0, 1, 2, 3}})
	a.Wait(arn)
	sum := a.Expect(http.StatusOK, http.MethodGet, viewerPath(arn, ""), nil)
	m := sum["maps"].(map[string]any)["M"].(map[string]any)
	require.EqualValues(t, 4, m["total"])
	require.EqualValues(t, 1, m["counts"].(map[string]any)["FAILED"])
	var failedRun float64
	for _, it := range m["iterations"].([]any) {
		it := it.(map[string]any)
		if it["status"] == "FAILED" {
			require.EqualValues(t, 2, it["index"])
			require.Equal(t, "Bad", it["state"])
			failedRun = it["run"].(float64)
		}
	}
	iter := a.Expect(http.StatusOK, http.MethodGet, viewerPath(arn, "/iteration", "run", strconv.FormatInt(int64(failedRun), 10)), nil)
	require.Equal(t, "Odd", iter["error"])
	require.EqualValues(t, 2, iter["stateInput"])

	a.Machine("approval", testkit.Example(t, "approval"))
	wait := a.Start("approval", "w", json.RawMessage(testkit.ExampleInput(t, "approval")))
	token := a.Token()
	var waiting []any
	require.Eventually(t, func() bool {
		sum := a.Expect(http.StatusOK, http.MethodGet, viewerPath(wait, ""), nil)
		waiting, _ = sum["waiting"].([]any)
		return len(waiting) == 1
	}, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, token, waiting[0].(map[string]any)["token"])
	require.Equal(t, "RequestApproval", waiting[0].(map[string]any)["state"])
}

// progress is the data of the stream's "progress" events.
type progress struct {
	LastEventID int64  `json:"lastEventId"`
	Status      string `json:"status"`
}

// streamProgress opens an execution's event stream and returns its
// "progress" events as they come; the stream closes after 20 s or when
// the test ends, whichever comes first.
func streamProgress(t *testing.T, a *webtest.API, arn string) <-chan progress {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL+"/v1/executions/-/events/stream?arn="+url.QueryEscape(arn), nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	out := make(chan progress, 100)
	done := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		resp.Body.Close()
		<-done
	})
	go func() {
		defer close(done)
		defer close(out)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if line, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var p progress
				if json.Unmarshal([]byte(line), &p) == nil {
					out <- p
				}
			}
		}
	}()
	return out
}

func TestViewerStreamSendsProgress(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("slow", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","End":true}}}`)
	arn := a.Start("slow", "s", map[string]any{})
	var statuses []string
	for p := range streamProgress(t, a, arn) {
		statuses = append(statuses, p.Status)
		if p.Status != "RUNNING" {
			break
		}
	}
	require.Equal(t, "RUNNING", statuses[0])
	require.Equal(t, "SUCCEEDED", statuses[len(statuses)-1])
}

// TestViewerStreamWokenByCallback streams an execution parked on a
// callback and answers it through another engine on the same database:
// the stream sends the new progress as the callback commits. It reads
// the execution only when woken (no ticker), and its keep-alive comes
// after 15 s, so without the wake nothing would come in time.
func TestViewerStreamWokenByCallback(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	arn, token := a.StartApproval("live")
	stream := streamProgress(t, a, arn)
	first := testkit.Receive(t, stream, 10*time.Second, "the first progress event")
	require.Equal(t, "RUNNING", first.Status)

	other := a.Beside(&engine.Config{})
	other.Expect(http.StatusNoContent, http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": map[string]any{"approvedBy": "ada"}})
	for {
		p := testkit.Receive(t, stream, 5*time.Second, "progress after the callback")
		require.Greater(t, p.LastEventID, first.LastEventID)
		if p.Status != "RUNNING" {
			require.Equal(t, "SUCCEEDED", p.Status)
			break
		}
	}
}

func TestViewerPagesAndCSP(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(a.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, "/ui/", resp.Header.Get("Location"))

	for path, typ := range map[string]string{"/ui/": "text/html", "/ui/app.js": "text/javascript", "/ui/app.css": "text/css", "/ui/deep/link": "text/html"} {
		r := a.Call(http.MethodGet, path, "")
		require.Equal(t, http.StatusOK, r.Status, path)
		require.Contains(t, r.Header.Get("Content-Type"), typ, path)
		csp := r.Header.Get("Content-Security-Policy")
		require.Contains(t, csp, "script-src 'self'", path)
		require.NotContains(t, csp, "unsafe-inline", path)
		require.NotContains(t, csp, "unsafe-eval", path)
		require.Equal(t, "nosniff", r.Header.Get("X-Content-Type-Options"))
	}
	// The AWS protocol still answers POST /.
	r := a.Call(http.MethodPost, "/", `{}`)
	require.NotEqual(t, http.StatusFound, r.Status)
}

func TestViewerBehindAPIKeys(t *testing.T) {
	t.Parallel()
	a := webtest.NewKeyed(t)
	get := func(path, secret string) int {
		req, err := http.NewRequest(http.MethodGet, a.URL+path, nil)
		require.NoError(t, err)
		if secret != "" {
			req.Header.Set("Authorization", "Bearer "+secret)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	// The pages hold no data and load without a key.
	require.Equal(t, http.StatusOK, get("/ui/", ""))
	req, err := http.NewRequest(http.MethodPost, a.URL+"/v1/state-machines", strings.NewReader(`{"name":"keyed","definition":`+webtest.PassMachine+`}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+webtest.AdminSecret)
	req.Header.Set("Content-Type", "application/json")
	require.Equal(t, http.StatusCreated, a.Send(req).Status)
	arn, _, err := a.E.StartExecution(context.Background(), engine.StartInput{StateMachine: "keyed"})
	require.NoError(t, err)
	for _, path := range []string{viewerPath(arn.ARN, ""), viewerPath(arn.ARN, "/events"), viewerPath(arn.ARN, "/state", "state", "P"),
		"/v1/executions/-/events/stream?arn=" + url.QueryEscape(arn.ARN)} {
		require.Equal(t, http.StatusUnauthorized, get(path, ""), path)
		require.Equal(t, http.StatusOK, get(path, webtest.ReadSecret), path)
	}

	// Task tokens answer callbacks without a key: only keys that may
	// change executions see them.
	_, _, err = a.E.CreateStateMachine(context.Background(), "approval", engine.MachineSpec{Definition: testkit.Example(t, "approval")})
	require.NoError(t, err)
	waiting, _, err := a.E.StartExecution(context.Background(), engine.StartInput{StateMachine: "approval", Input: testkit.ExampleInput(t, "approval")})
	require.NoError(t, err)
	token := a.Token()
	tokens := func(secret string) []any {
		req, err := http.NewRequest(http.MethodGet, a.URL+viewerPath(waiting.ARN, ""), nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+secret)
		var out []any
		require.Eventually(t, func() bool {
			w, _ := a.Send(req).JSON(t)["waiting"].([]any)
			out = nil
			for _, x := range w {
				out = append(out, x.(map[string]any)["token"])
			}
			return len(w) == 1
		}, 10*time.Second, 50*time.Millisecond)
		return out
	}
	require.Equal(t, []any{nil}, tokens(webtest.ReadSecret))
	require.Equal(t, []any{token}, tokens(webtest.AdminSecret))
}

// TestViewerDistUpToDate checks that web/viewer/ui/dist is what `npm run build`
// makes of web/viewer/ui/src. It needs Node.js and the installed packages
// (npm ci in web/viewer/ui), and skips without them.
func TestViewerDistUpToDate(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH")
	}
	if _, err := os.Stat(filepath.Join("ui", "node_modules", "esbuild")); err != nil {
		t.Skip("web/viewer/ui has no node_modules: run npm ci there")
	}
	cmd := exec.Command(node, "build.mjs", "--check")
	cmd.Dir = "ui"
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}
