package rest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
	"github.com/stretchr/testify/require"
)

func TestStartAndDescribeExecution(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("echo", webtest.PassMachine)

	r := a.Do(http.MethodPost, "/v1/state-machines/echo/executions", map[string]any{"name": "first", "input": map[string]any{"a": 1}})
	require.Equal(t, http.StatusCreated, r.Status, "%s", r.Body)
	arn := "arn:aws:states:us-east-1:000000000000:execution:echo:first"
	require.Equal(t, "/v1/executions/"+url.PathEscape(arn), r.Header.Get("Location"))
	started := r.JSON(t)
	require.Equal(t, arn, started["arn"])
	require.Equal(t, "echo", started["stateMachine"])
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:stateMachine:echo", started["stateMachineArn"])
	require.EqualValues(t, 1, started["version"])
	require.Equal(t, map[string]any{"a": float64(1)}, started["input"])

	// The same name and input returns the same execution with 200.
	again := a.Expect(http.StatusOK, http.MethodPost, "/v1/state-machines/echo/executions", map[string]any{"name": "first", "input": map[string]any{"a": 1}})
	require.Equal(t, arn, again["arn"])

	done := a.Wait(arn)
	require.Equal(t, "SUCCEEDED", done["status"])
	require.Equal(t, map[string]any{"a": float64(1)}, done["output"])
	require.NotEmpty(t, done["stoppedAt"])

	// The ARN in the path raw, escaped, or in the query.
	for _, path := range []string{
		"/v1/executions/" + arn,
		"/v1/executions/" + url.PathEscape(arn),
		"/v1/executions/" + strings.ReplaceAll(arn, ":", "%3A"),
		"/v1/executions/-?arn=" + url.QueryEscape(arn),
		"/v1/executions?arn=" + url.QueryEscape(arn),
	} {
		got := a.Expect(http.StatusOK, http.MethodGet, path, nil)
		require.Equal(t, arn, got["arn"], path)
		require.Equal(t, "SUCCEEDED", got["status"], path)
	}

	// No body at all: a generated name and input {}.
	generated := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/echo/executions", nil)
	require.Len(t, generated["name"], 36)
	require.Equal(t, map[string]any{}, generated["input"])

	// Any JSON value is an input.
	scalar := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/echo/executions", map[string]any{"input": "just a string"})
	require.Equal(t, "just a string", a.Wait(scalar["arn"].(string))["output"])
}

func TestStartExecutionErrors(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("echo", webtest.PassMachine)
	a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines", map[string]any{"name": "typed", "definition": json.RawMessage(webtest.PassMachine),
		"inputSchema": map[string]any{"type": "object", "required": []string{"orderId"}}})
	a.Start("echo", "taken", map[string]any{"a": 1})

	start := "/v1/state-machines/echo/executions"
	a.ExpectError(409, "ExecutionAlreadyExists", http.MethodPost, start, map[string]any{"name": "taken", "input": map[string]any{"a": 2}})
	a.ExpectError(400, "InvalidName", http.MethodPost, start, map[string]any{"name": "no spaces"})
	a.ExpectError(400, "InvalidName", http.MethodPost, start, map[string]any{"name": strings.Repeat("x", 81)})
	a.ExpectError(400, "InvalidExecutionInput", http.MethodPost, start, map[string]any{"input": strings.Repeat("x", 300*1024)})
	r := a.ExpectError(400, "InvalidExecutionInput", http.MethodPost, "/v1/state-machines/typed/executions", map[string]any{"input": map[string]any{}})
	require.Contains(t, string(r.Body), "orderId")
	a.ExpectError(404, "StateMachineDoesNotExist", http.MethodPost, "/v1/state-machines/nope/executions", nil)
	a.ExpectError(404, "StateMachineDoesNotExist", http.MethodPost, start, map[string]any{"version": 9})
	a.ExpectError(400, "UnknownField", http.MethodPost, start, map[string]any{"inputs": map[string]any{}})
	a.ExpectError(400, "InvalidRequest", http.MethodPost, start, map[string]any{"version": "latest"})
	a.ExpectError(404, "ExecutionDoesNotExist", http.MethodGet, "/v1/executions/arn:aws:states:us-east-1:000000000000:execution:echo:nope", nil)
	a.ExpectError(404, "ExecutionDoesNotExist", http.MethodGet, "/v1/executions/nonsense", nil)
}

func TestStopAndRedrive(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("waits", webtest.WaitMachine)
	a.Machine("echo", webtest.PassMachine)
	arn := a.Start("waits", "w", map[string]any{})
	path := "/v1/executions/" + url.PathEscape(arn)

	stopped := a.Expect(http.StatusOK, http.MethodPost, path+"/stop", map[string]any{"error": "Cancelled", "cause": "no longer needed"})
	require.Equal(t, "ABORTED", stopped["status"])
	require.Equal(t, "Cancelled", stopped["error"])
	require.Equal(t, "no longer needed", stopped["cause"])
	a.ExpectError(409, "ExecutionNotRunning", http.MethodPost, path+"/stop", nil)
	a.ExpectError(400, "UnknownField", http.MethodPost, path+"/stop", map[string]any{"reason": "x"})

	redriven := a.Expect(http.StatusOK, http.MethodPost, path+"/redrive", nil)
	require.Equal(t, "RUNNING", redriven["status"])
	require.EqualValues(t, 1, redriven["redriveCount"])
	// Stop through the ?arn= form, without a body.
	a.Expect(http.StatusOK, http.MethodPost, "/v1/executions/-/stop?arn="+url.QueryEscape(arn), nil)

	done := a.Start("echo", "done", map[string]any{})
	a.Wait(done)
	a.ExpectError(409, "ExecutionNotRedrivable", http.MethodPost, "/v1/executions/"+url.PathEscape(done)+"/redrive", map[string]any{})
	a.ExpectError(404, "ExecutionDoesNotExist", http.MethodPost, "/v1/executions/arn:aws:states:us-east-1:000000000000:execution:echo:nope/stop", nil)
	a.ExpectError(404, "ExecutionDoesNotExist", http.MethodPost, "/v1/executions/arn:aws:states:us-east-1:000000000000:execution:echo:nope/redrive", nil)
}

func TestListExecutions(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("echo", webtest.PassMachine)
	a.Machine("waits", webtest.WaitMachine)
	var arns []string
	for i := range 7 {
		arns = append(arns, a.Start("echo", "e-"+strconv.Itoa(i), map[string]any{"i": i}))
	}
	for _, arn := range arns {
		a.Wait(arn)
	}
	waiting := a.Start("waits", "w-0", map[string]any{})

	// Every execution, newest first, over three pages of three.
	all := listAll(t, a, "/v1/executions?limit=3")
	require.Len(t, all.pages, 3)
	require.Equal(t, append([]string{waiting}, reversed(arns)...), all.arns)

	// Filters.
	require.Equal(t, reversed(arns), listAll(t, a, "/v1/executions?stateMachine=echo&limit=2").arns)
	require.Equal(t, reversed(arns), listAll(t, a, "/v1/executions?status=SUCCEEDED&limit=4").arns)
	require.Equal(t, []string{waiting}, listAll(t, a, "/v1/executions?status=RUNNING").arns)
	require.Equal(t, []string{arns[3]}, listAll(t, a, "/v1/executions?namePrefix=e-3").arns)
	machineARN := "arn:aws:states:us-east-1:000000000000:stateMachine:waits"
	require.Equal(t, []string{waiting}, listAll(t, a, "/v1/executions?stateMachine="+url.QueryEscape(machineARN)).arns)

	first := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(arns[3]), nil)
	at, err := time.Parse(time.RFC3339Nano, first["startedAt"].(string))
	require.NoError(t, err)
	q := url.QueryEscape(at.Format(time.RFC3339Nano))
	require.Equal(t, reversed(arns[3:]), listAll(t, a, "/v1/executions?stateMachine=echo&limit=2&startedAfter="+q).arns, "startedAfter is inclusive")
	require.Equal(t, reversed(arns[:3]), listAll(t, a, "/v1/executions?stateMachine=echo&limit=2&startedBefore="+q).arns, "startedBefore is exclusive")

	summary := all.items[0]
	require.Equal(t, "waits", summary["stateMachine"])
	require.Equal(t, "RUNNING", summary["status"])
	require.NotContains(t, summary, "input", "lists leave input and output out")

	a.ExpectError(400, "InvalidParameter", http.MethodGet, "/v1/executions?status=DONE", nil)
	a.ExpectError(400, "InvalidParameter", http.MethodGet, "/v1/executions?startedAfter=yesterday", nil)
	a.ExpectError(400, "InvalidParameter", http.MethodGet, "/v1/executions?limit=1001", nil)
	a.ExpectError(400, "InvalidParameter", http.MethodGet, "/v1/executions?cursor=abc", nil)
	machines := a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines", nil)
	wrongKind := a.Do(http.MethodGet, "/v1/executions?cursor="+url.QueryEscape(machineCursor(t, a)), nil)
	require.Equal(t, 400, wrongKind.Status, "a cursor of another listing: %s (%v)", wrongKind.Body, machines)
	a.ExpectError(404, "StateMachineDoesNotExist", http.MethodGet, "/v1/executions?stateMachine=nope", nil)
}

// machineCursor returns a cursor of the state machine listing.
func machineCursor(t *testing.T, a *webtest.API) string {
	t.Helper()
	out := a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines?limit=1", nil)
	next, _ := out["nextCursor"].(string)
	require.NotEmpty(t, next)
	return next
}

type listing struct {
	arns  []string
	items []map[string]any
	pages []int
}

// listAll lists the executions of every page from path.
func listAll(t *testing.T, a *webtest.API, path string) listing {
	t.Helper()
	var l listing
	l.items, l.pages = a.Pages(path, "executions")
	for _, m := range l.items {
		l.arns = append(l.arns, m["arn"].(string))
	}
	return l
}

func reversed(s []string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

func TestHistoryPages(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("chain", webtest.PassChain(10))
	arn := a.Start("chain", "c", map[string]any{"x": 1})
	require.Equal(t, "SUCCEEDED", a.Wait(arn)["status"])
	path := "/v1/executions/" + url.PathEscape(arn) + "/history"

	collect := func(query string) (ids []int64, pages int, events []map[string]any) {
		cursor := ""
		for {
			p := path + "?" + query
			if cursor != "" {
				p += "&cursor=" + url.QueryEscape(cursor)
			}
			out := a.Expect(http.StatusOK, http.MethodGet, p, nil)
			pages++
			for _, e := range out["events"].([]any) {
				ev := e.(map[string]any)
				events = append(events, ev)
				ids = append(ids, int64(ev["id"].(float64)))
			}
			next, _ := out["nextCursor"].(string)
			if next == "" {
				return ids, pages, events
			}
			require.Less(t, pages, 50)
			cursor = next
		}
	}

	all, pages, events := collect("limit=1000")
	require.Equal(t, 1, pages)
	n := len(all)
	require.GreaterOrEqual(t, n, 22, "ExecutionStarted, 10 × entered/exited, ExecutionSucceeded")
	require.Equal(t, history.ExecutionStarted, events[0]["type"])
	require.Equal(t, history.ExecutionSucceeded, events[n-1]["type"])
	require.EqualValues(t, 0, events[0]["previousEventId"])
	require.Equal(t, "S0", events[1]["state"])
	require.NotNil(t, events[0]["details"], "details are included by default")

	forward, pages, _ := collect("limit=5")
	require.Equal(t, all, forward)
	require.Equal(t, (n+4)/5, pages)
	require.Greater(t, pages, 2)

	backward, pages, _ := collect("limit=4&reverse=true")
	require.Greater(t, pages, 2)
	for i, id := range backward {
		require.Equal(t, int64(n-i), id, "newest first")
	}

	_, _, bare := collect("limit=7&includeData=false")
	for _, ev := range bare {
		require.NotContains(t, ev, "details")
	}

	first := a.Expect(http.StatusOK, http.MethodGet, path+"?limit=2", nil)
	next := first["nextCursor"].(string)
	a.ExpectError(400, "InvalidParameter", http.MethodGet, path+"?limit=2&reverse=true&cursor="+url.QueryEscape(next), nil)
	a.ExpectError(400, "InvalidParameter", http.MethodGet, path+"?reverse=sideways", nil)
	a.ExpectError(404, "ExecutionDoesNotExist", http.MethodGet, "/v1/executions/arn:aws:states:us-east-1:000000000000:execution:chain:nope/history", nil)
	viaQuery := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/-/history?limit=1&arn="+url.QueryEscape(arn), nil)
	require.Len(t, viaQuery["events"], 1)
}

func TestStartSyncOrderSaga(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("order-saga", testkit.Example(t, "order-saga"))
	input := json.RawMessage(testkit.ExampleInput(t, "order-saga"))

	r := a.Do(http.MethodPost, "/v1/state-machines/order-saga/start-sync", map[string]any{"name": "happy", "input": input})
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
	out := r.JSON(t)
	require.Equal(t, "SUCCEEDED", out["status"], "%s", r.Body)
	output := out["output"].(map[string]any)
	require.Equal(t, "order-1001", output["orderId"])
	require.Contains(t, output, "payment")
	require.Contains(t, output, "confirmation")

	failed := a.Expect(http.StatusOK, http.MethodPost, "/v1/state-machines/order-saga/start-sync?timeout=20s",
		map[string]any{"name": "sad", "input": map[string]any{"orderId": "o-2", "amount": 10, "failAt": "ConfirmOrder"}})
	require.Equal(t, "FAILED", failed["status"])
	require.Equal(t, "ConfirmationFailed", failed["error"])
	require.NotEmpty(t, failed["cause"])
	require.Nil(t, failed["output"])

	// A timeout that passes first answers 202 with the running execution.
	a.Machine("waits", webtest.WaitMachine)
	slow := a.Do(http.MethodPost, "/v1/state-machines/waits/start-sync?timeout=0.2", map[string]any{"name": "slow"})
	require.Equal(t, http.StatusAccepted, slow.Status, "%s", slow.Body)
	require.Equal(t, "RUNNING", slow.JSON(t)["status"])

	a.ExpectError(400, "InvalidParameter", http.MethodPost, "/v1/state-machines/waits/start-sync?timeout=1h", nil)
	a.ExpectError(400, "InvalidParameter", http.MethodPost, "/v1/state-machines/waits/start-sync?timeout=soon", nil)
	a.ExpectError(404, "StateMachineDoesNotExist", http.MethodPost, "/v1/state-machines/nope/start-sync", nil)
}

// TestNestedExecutionLinks: a child execution names its parent, and the
// parent lists its children, page by page.
func TestNestedExecutionLinks(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("echo", webtest.PassMachine)
	a.Machine("parent", webtest.NestedMachine)
	parent := a.Start("parent", "p", map[string]any{"names": []string{"c1", "c2", "c3"}})
	described := a.Wait(parent)
	require.Equal(t, "SUCCEEDED", described["status"])
	require.NotContains(t, described, "parentExecutionArn", "started through the API")

	children := listAll(t, a, "/v1/executions/"+url.PathEscape(parent)+"/children?limit=2")
	require.Equal(t, []int{2, 1}, children.pages)
	child := func(name string) string { return "arn:aws:states:us-east-1:000000000000:execution:echo:" + name }
	require.Equal(t, []string{child("c1"), child("c2"), child("c3")}, children.arns)
	for _, arn := range children.arns {
		got := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+arn, nil)
		require.Equal(t, parent, got["parentExecutionArn"])
	}
	empty := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/-/children?arn="+url.QueryEscape(child("c1")), nil)
	require.Equal(t, []any{}, empty["executions"])
	require.NotContains(t, empty, "nextCursor")

	// A cursor of another execution's children, or of another listing.
	other := a.Start("parent", "q", map[string]any{"names": []string{"d1", "d2"}})
	a.Wait(other)
	page := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+other+"/children?limit=1", nil)
	a.ExpectError(400, "InvalidParameter", http.MethodGet, "/v1/executions/"+parent+"/children?cursor="+page["nextCursor"].(string), nil)
	a.ExpectError(400, "InvalidParameter", http.MethodGet, "/v1/executions/"+parent+"/children?cursor="+url.QueryEscape(machineCursor(t, a)), nil)
	a.ExpectError(404, "ExecutionDoesNotExist", http.MethodGet, "/v1/executions/arn:aws:states:us-east-1:000000000000:execution:echo:nope/children", nil)
}

// TestDescribeExecutionWait long-polls an execution: ?wait answers when
// it ends, or still RUNNING once the wait is over.
func TestDescribeExecutionWait(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("pause", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}`)
	arn := a.Start("pause", "p", map[string]any{})
	path := "/v1/executions/-?arn=" + url.QueryEscape(arn)
	require.Equal(t, "RUNNING", a.Expect(http.StatusOK, http.MethodGet, path+"&wait=10ms", nil)["status"])
	require.Equal(t, "SUCCEEDED", a.Expect(http.StatusOK, http.MethodGet, path+"&wait=30s", nil)["status"])
	r := a.ExpectError(http.StatusBadRequest, "InvalidParameter", http.MethodGet, path+"&wait=forever", nil)
	require.Contains(t, string(r.Body), "wait")
	a.ExpectError(http.StatusBadRequest, "InvalidParameter", http.MethodGet, path+"&wait=6m", nil)
}

// TestExecutionEventsLongPoll reads an execution's events after an id,
// at once and as a long poll: answered at the wait when nothing happens,
// early when a callback (through another engine) adds events, at once for
// an execution that ended.
func TestExecutionEventsLongPoll(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	arn, token := a.StartApproval("poll")
	path := func(after any, wait string) string {
		q := url.Values{"arn": {arn}, "after": {fmt.Sprint(after)}}
		if wait != "" {
			q.Set("wait", wait)
		}
		return "/v1/executions/-/events?" + q.Encode()
	}
	now := a.Expect(http.StatusOK, http.MethodGet, path(0, ""), nil)
	require.Equal(t, "RUNNING", now["status"])
	events := now["events"].([]any)
	require.NotEmpty(t, events)
	last := now["lastEventId"].(float64)
	require.Equal(t, last, events[len(events)-1].(map[string]any)["id"])

	start := time.Now()
	idle := a.Expect(http.StatusOK, http.MethodGet, path(last, "300ms"), nil)
	require.GreaterOrEqual(t, time.Since(start), 300*time.Millisecond, "nothing happened: answered at the wait")
	require.Equal(t, []any{}, idle["events"])
	require.Equal(t, "RUNNING", idle["status"])
	require.Equal(t, last, idle["lastEventId"])

	polled := make(chan map[string]any, 1)
	go func() { polled <- a.Expect(http.StatusOK, http.MethodGet, path(last, "60s"), nil) }()
	require.Eventually(t, func() bool { // the poll watches the execution
		var watched bool
		require.NoError(t, a.E.Pool().QueryRow(context.Background(), `SELECT watched FROM stepwise_executions WHERE arn = $1`, arn).Scan(&watched))
		return watched
	}, 10*time.Second, 5*time.Millisecond)
	other := a.Beside(&engine.Config{})
	other.Expect(http.StatusNoContent, http.MethodPost, "/v1/tasks/success", map[string]any{"taskToken": token, "output": map[string]any{"approvedBy": "ada"}})
	woken := testkit.Receive(t, polled, 10*time.Second, "answer to the long poll after the callback")
	events = woken["events"].([]any)
	require.NotEmpty(t, events)
	require.Greater(t, events[0].(map[string]any)["id"], last)

	a.Wait(arn)
	ended := a.Expect(http.StatusOK, http.MethodGet, path(0, ""), nil)
	last = ended["lastEventId"].(float64)
	start = time.Now()
	done := a.Expect(http.StatusOK, http.MethodGet, path(last, "60s"), nil)
	require.Less(t, time.Since(start), 10*time.Second, "an ended execution answers at once")
	require.Equal(t, "SUCCEEDED", done["status"])
	require.Equal(t, []any{}, done["events"])

	for _, bad := range []string{path(-1, ""), path("x", ""), path(0, "forever")} {
		r := a.ExpectError(http.StatusBadRequest, "InvalidParameter", http.MethodGet, bad, nil)
		require.Contains(t, []any{"after", "wait"}, r.ErrorDetails(t)["parameter"], bad)
	}
	a.ExpectError(http.StatusNotFound, "ExecutionDoesNotExist", http.MethodGet,
		"/v1/executions/"+url.PathEscape(arn+"-missing")+"/events?wait=1s", nil)
}
