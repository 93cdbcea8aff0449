package web_test

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
	a := newAPI(t, nil)
	a.machine("order-saga", example(t, "order-saga", "definition.asl.json"))
	arn := a.start("order-saga", "sad", map[string]any{"orderId": "o-2", "amount": 10, "failAt": "ConfirmOrder"})
	require.Equal(t, "FAILED", a.wait(arn)["status"])

	sum := a.expect(http.StatusOK, http.MethodGet, viewerPath(arn, ""), nil)
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

	details := a.expect(http.StatusOK, http.MethodGet, viewerPath(arn, "/state", "state", "ProcessPayment"), nil)
	visits := details["visits"].([]any)
	require.Len(t, visits, 1)
	var stages []string
	for _, s := range visits[0].(map[string]any)["stages"].([]any) {
		stages = append(stages, s.(map[string]any)["name"].(string))
	}
	require.Equal(t, []string{"Input", "InputPath", "Parameters", "Result", "ResultSelector", "ResultPath", "OutputPath"}, stages)

	failures := a.expect(http.StatusOK, http.MethodGet, viewerPath(arn, "/events", "failures", "true"), nil)
	var types []string
	for _, ev := range failures["events"].([]any) {
		types = append(types, ev.(map[string]any)["type"].(string))
	}
	require.Equal(t, "TaskFailed", types[0])
	require.Contains(t, types, "ExecutionFailed")
	for _, typ := range types {
		require.Regexp(t, `(Failed|TimedOut|Aborted)$`, typ)
	}

	page := a.expect(http.StatusOK, http.MethodGet, viewerPath(arn, "/events", "limit", "3"), nil)
	require.Len(t, page["events"], 3)
	require.EqualValues(t, 3, page["next"])
	page2 := a.expect(http.StatusOK, http.MethodGet, viewerPath(arn, "/events", "limit", "3", "after", "3"), nil)
	require.EqualValues(t, 4, page2["events"].([]any)[0].(map[string]any)["id"])
	a.expectError(http.StatusBadRequest, "InvalidParameter", http.MethodGet, viewerPath(arn, "/events", "after", "x"), nil)
	a.expectError(http.StatusNotFound, "NotFound", http.MethodGet, viewerPath(arn, "/iteration", "run", "999999"), nil)
}

func TestViewerMapIterationsAndCallbacks(t *testing.T) {
	t.Parallel()
	a := newAPI(t, nil)
	a.machine("fan", `{"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","ToleratedFailureCount":10,
	  "ItemProcessor":{"StartAt":"Check","States":{
	    "Check":{"Type":"Choice","Choices":[{"Variable":"$","NumericEquals":2,"Next":"Bad"}],"Default":"Good"},
	    "Bad":{"Type":"Fail","Error":"Odd","Cause":"two"},
	    "Good":{"Type":"Pass","End":true}}},"End":true}}}`)
	arn := a.start("fan", "m", map[string]any{"items": []int{0, 1, 2, 3}})
	a.wait(arn)
	sum := a.expect(http.StatusOK, http.MethodGet, viewerPath(arn, ""), nil)
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
	iter := a.expect(http.StatusOK, http.MethodGet, viewerPath(arn, "/iteration", "run", strconv.FormatInt(int64(failedRun), 10)), nil)
	require.Equal(t, "Odd", iter["error"])
	require.EqualValues(t, 2, iter["stateInput"])

	a.machine("approval", example(t, "approval", "definition.asl.json"))
	wait := a.start("approval", "w", json.RawMessage(example(t, "approval", "input.json")))
	token := a.token()
	var waiting []any
	require.Eventually(t, func() bool {
		sum := a.expect(http.StatusOK, http.MethodGet, viewerPath(wait, ""), nil)
		waiting, _ = sum["waiting"].([]any)
		return len(waiting) == 1
	}, 10*time.Second, 50*time.Millisecond)
	require.Equal(t, token, waiting[0].(map[string]any)["token"])
	require.Equal(t, "RequestApproval", waiting[0].(map[string]any)["state"])
}

func TestViewerStreamSendsProgress(t *testing.T) {
	t.Parallel()
	a := newAPI(t, nil)
	a.machine("slow", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","End":true}}}`)
	arn := a.start("slow", "s", map[string]any{})
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.url+"/v1/executions/-/events/stream?arn="+url.QueryEscape(arn), nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	sc := bufio.NewScanner(resp.Body)
	var statuses []string
	for sc.Scan() {
		line, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var p struct {
			LastEventID int64  `json:"lastEventId"`
			Status      string `json:"status"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &p))
		statuses = append(statuses, p.Status)
		if p.Status != "RUNNING" {
			break
		}
	}
	require.Equal(t, "RUNNING", statuses[0])
	require.Equal(t, "SUCCEEDED", statuses[len(statuses)-1])
}

func TestViewerPagesAndCSP(t *testing.T) {
	t.Parallel()
	a := newAPI(t, nil)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(a.url + "/")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, "/ui/", resp.Header.Get("Location"))

	for path, typ := range map[string]string{"/ui/": "text/html", "/ui/app.js": "text/javascript", "/ui/app.css": "text/css", "/ui/deep/link": "text/html"} {
		r := a.call(http.MethodGet, path, "")
		require.Equal(t, http.StatusOK, r.status, path)
		require.Contains(t, r.header.Get("Content-Type"), typ, path)
		csp := r.header.Get("Content-Security-Policy")
		require.Contains(t, csp, "script-src 'self'", path)
		require.NotContains(t, csp, "unsafe-inline", path)
		require.NotContains(t, csp, "unsafe-eval", path)
		require.Equal(t, "nosniff", r.header.Get("X-Content-Type-Options"))
	}
	// The AWS protocol still answers POST /.
	r := a.call(http.MethodPost, "/", `{}`)
	require.NotEqual(t, http.StatusFound, r.status)
}

func TestViewerBehindAPIKeys(t *testing.T) {
	t.Parallel()
	a := newKeyedAPI(t)
	get := func(path, secret string) int {
		req, err := http.NewRequest(http.MethodGet, a.url+path, nil)
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
	req, err := http.NewRequest(http.MethodPost, a.url+"/v1/state-machines", strings.NewReader(`{"name":"keyed","definition":`+keyedMachine+`}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+adminSecret)
	req.Header.Set("Content-Type", "application/json")
	require.Equal(t, http.StatusCreated, a.send(req).status)
	arn, _, err := a.e.StartExecution(context.Background(), engine.StartInput{StateMachine: "keyed"})
	require.NoError(t, err)
	for _, path := range []string{viewerPath(arn.ARN, ""), viewerPath(arn.ARN, "/events"), viewerPath(arn.ARN, "/state", "state", "P"),
		"/v1/executions/-/events/stream?arn=" + url.QueryEscape(arn.ARN)} {
		require.Equal(t, http.StatusUnauthorized, get(path, ""), path)
		require.Equal(t, http.StatusOK, get(path, readSecret), path)
	}

	// Task tokens answer callbacks without a key: only keys that may
	// change executions see them.
	_, _, err = a.e.CreateStateMachine(context.Background(), "approval", engine.MachineSpec{Definition: example(t, "approval", "definition.asl.json")})
	require.NoError(t, err)
	waiting, _, err := a.e.StartExecution(context.Background(), engine.StartInput{StateMachine: "approval", Input: example(t, "approval", "input.json")})
	require.NoError(t, err)
	token := a.token()
	tokens := func(secret string) []any {
		req, err := http.NewRequest(http.MethodGet, a.url+viewerPath(waiting.ARN, ""), nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+secret)
		var out []any
		require.Eventually(t, func() bool {
			w, _ := a.send(req).json(t)["waiting"].([]any)
			out = nil
			for _, x := range w {
				out = append(out, x.(map[string]any)["token"])
			}
			return len(w) == 1
		}, 10*time.Second, 50*time.Millisecond)
		return out
	}
	require.Equal(t, []any{nil}, tokens(readSecret))
	require.Equal(t, []any{token}, tokens(adminSecret))
}

// TestViewerDistUpToDate checks that web/ui/dist is what `npm run build`
// makes of web/ui/src. It needs Node.js and the installed packages
// (npm ci in web/ui), and skips without them.
func TestViewerDistUpToDate(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("no node on PATH")
	}
	if _, err := os.Stat(filepath.Join("ui", "node_modules", "esbuild")); err != nil {
		t.Skip("web/ui has no node_modules: run npm ci there")
	}
	cmd := exec.Command(node, "build.mjs", "--check")
	cmd.Dir = "ui"
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
}
