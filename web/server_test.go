package web_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

func TestRequestBodyErrors(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, &web.Config{BodyLimit: 64 << 10})
	a.Machine("echo", webtest.PassMachine)
	start := "/v1/state-machines/echo/executions"

	r := a.Call(http.MethodPost, "/v1/state-machines", "{\n  \"name\": \"x\",\n  \"definition\": {\"StartAt\": }\n}")
	require.Equal(t, 400, r.Status)
	require.Equal(t, "MalformedJSON", r.ErrorCode(t))
	d := r.ErrorDetails(t)
	require.EqualValues(t, 3, d["line"])
	require.EqualValues(t, 29, d["column"])
	require.Contains(t, string(r.Body), "line 3, column 29")

	r = a.Call(http.MethodPost, start, `{"name": "x"`)
	require.Equal(t, "MalformedJSON", r.ErrorCode(t), "%s", r.Body)
	require.Contains(t, string(r.Body), "ends at line 1")

	r = a.Call(http.MethodPost, start, `{"name": "x"} {"name": "y"}`)
	require.Equal(t, "MalformedJSON", r.ErrorCode(t))
	require.Contains(t, string(r.Body), "after the JSON object at line 1, column 15")

	r = a.Call(http.MethodPost, start, `{"name": "x", "colour": "red"}`)
	require.Equal(t, 400, r.Status)
	require.Equal(t, "UnknownField", r.ErrorCode(t))
	require.Equal(t, "colour", r.ErrorDetails(t)["field"])
	require.Contains(t, string(r.Body), `unknown field \"colour\"`)

	r = a.Call(http.MethodPost, start, `[1, 2]`)
	require.Equal(t, "InvalidRequest", r.ErrorCode(t))
	require.Contains(t, string(r.Body), "must be a JSON object, not an array")

	r = a.Call(http.MethodPost, start, `{"version": 1.5}`)
	require.Equal(t, "InvalidRequest", r.ErrorCode(t))
	require.Equal(t, "version", r.ErrorDetails(t)["field"])

	r = a.Call(http.MethodPost, "/v1/state-machines", ``)
	require.Equal(t, "InvalidRequest", r.ErrorCode(t))
	require.Contains(t, string(r.Body), "empty")

	// Over the limit: declared, and streamed without a length.
	big := `{"input": "` + strings.Repeat("x", 100<<10) + `"}`
	r = a.Call(http.MethodPost, start, big)
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status)
	require.Equal(t, "RequestTooLarge", r.ErrorCode(t))
	require.EqualValues(t, 64<<10, r.ErrorDetails(t)["limit"])
	req, err := http.NewRequest(http.MethodPost, a.URL+start, io.MultiReader(strings.NewReader(big)))
	require.NoError(t, err)
	req.ContentLength = -1
	r = a.Send(req)
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status, "%s", r.Body)
	require.Equal(t, "RequestTooLarge", r.ErrorCode(t))

	r = a.Call(http.MethodGet, "/v1/nothing-here", "")
	require.Equal(t, 404, r.Status)
	require.Equal(t, "NotFound", r.ErrorCode(t))
	r = a.Call(http.MethodPatch, "/v1/state-machines/echo", "")
	require.Equal(t, 405, r.Status)
	require.Equal(t, "MethodNotAllowed", r.ErrorCode(t))
	require.Equal(t, "OPTIONS, DELETE, GET, HEAD, PUT", r.Header.Get("Allow"), "every GET route answers HEAD")
	r = a.Call(http.MethodHead, "/v1/state-machines/echo", "")
	require.Equal(t, 200, r.Status)
	require.Equal(t, "application/json", r.Header.Get("Content-Type"))
	require.Empty(t, r.Body)
}

func TestDefaultBodyLimit(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("echo", webtest.PassMachine)
	// 512 KiB fits the default 1 MiB body but not the 256 KiB input limit.
	r := a.Call(http.MethodPost, "/v1/state-machines/echo/executions", `{"input": "`+strings.Repeat("x", 512<<10)+`"}`)
	require.Equal(t, "InvalidExecutionInput", r.ErrorCode(t))
	r = a.Call(http.MethodPost, "/v1/state-machines/echo/executions", `{"input": "`+strings.Repeat("x", 1<<20)+`"}`)
	require.Equal(t, http.StatusRequestEntityTooLarge, r.Status)
}

func TestHealthAndMetrics(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	require.Equal(t, "ok", a.Expect(http.StatusOK, http.MethodGet, "/healthz", nil)["status"])
	require.Equal(t, "ready", a.Expect(http.StatusOK, http.MethodGet, "/readyz", nil)["status"])

	a.Machine("order-saga", testkit.Example(t, "order-saga"))
	out := a.Expect(http.StatusOK, http.MethodPost, "/v1/state-machines/order-saga/start-sync",
		map[string]any{"input": map[string]any{"orderId": "m-1", "amount": 5}})
	require.Equal(t, "SUCCEEDED", out["status"])

	var text string
	require.Eventually(t, func() bool {
		r := a.Call(http.MethodGet, "/metrics", "")
		text = string(r.Body)
		return r.Status == 200 && strings.Contains(text, `stepwise_engine_task_duration_seconds_count{function="confirm-order",outcome="succeeded"} 1`)
	}, 20*time.Second, 200*time.Millisecond, "task durations never appeared")
	for _, want := range []string{
		`stepwise_api_executions_started_total{state_machine="order-saga"} 1`,
		`stepwise_executions{status="SUCCEEDED"} 1`,
		`stepwise_executions{status="RUNNING"} 0`,
		`stepwise_engine_task_duration_seconds_count{function="reserve-inventory",outcome="succeeded"} 1`,
		`stepwise_engine_executions_started_total{state_machine="order-saga"} 1`,
		`stepwise_engine_executions_finished_total{state_machine="order-saga",status="SUCCEEDED"} 1`,
		`stepwise_database_up 1`,
		`stepwise_http_request_duration_seconds_count{code="201",method="POST",route="/v1/state-machines"} 1`,
		`stepwise_http_request_duration_seconds_count{code="404",method="GET",route="unmatched"}`,
		"go_goroutines",
	} {
		if strings.Contains(want, "404") {
			a.Call(http.MethodGet, "/nope", "")
			text = string(a.Call(http.MethodGet, "/metrics", "").Body)
		}
		requireMetric(t, text, want)
	}
	require.Regexp(t, regexp.MustCompile(`(?m)^stepwise_engine_transitions_total [1-9]\d*`), text)

	// Each task is observed once, however often /metrics is scraped.
	text = string(a.Call(http.MethodGet, "/metrics", "").Body)
	requireMetric(t, text, `stepwise_engine_task_duration_seconds_count{function="confirm-order",outcome="succeeded"} 1`)

	// The River queue depth shows unfinished jobs: an hour-long Wait.
	a.Machine("waits", webtest.WaitMachine)
	a.Start("waits", "w", map[string]any{})
	require.Eventually(t, func() bool {
		return strings.Contains(string(a.Call(http.MethodGet, "/metrics", "").Body), `stepwise_river_jobs{queue="stepwise",state="scheduled"} 1`)
	}, 10*time.Second, 100*time.Millisecond)
}

func TestDatabaseDown(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	e, err := engine.New(pool, nil)
	require.NoError(t, err)
	var log testkit.SyncBuffer
	srv := httptest.NewServer(web.New(e, &web.Config{Logger: slog.New(slog.NewTextHandler(&log, nil))}).Handler())
	t.Cleanup(srv.Close)
	a := webtest.At(t, srv.URL)
	a.Expect(http.StatusOK, http.MethodGet, "/readyz", nil)
	pool.Close()

	require.Equal(t, "ok", a.Expect(http.StatusOK, http.MethodGet, "/healthz", nil)["status"], "the process is up")
	a.ExpectError(http.StatusServiceUnavailable, "NotReady", http.MethodGet, "/readyz", nil)

	r := a.ExpectError(http.StatusInternalServerError, "InternalError", http.MethodGet, "/v1/state-machines", nil)
	message := r.JSON(t)["error"].(map[string]any)["message"].(string)
	id := r.Header.Get("X-Request-Id")
	require.NotEmpty(t, id)
	require.Equal(t, fmt.Sprintf("internal error (request id %s); the server log has the details", id), message, "no detail leaks")
	require.Contains(t, log.String(), "request_id="+id)
	require.Contains(t, log.String(), "closed pool", "the log has the cause")

	metrics := string(a.Call(http.MethodGet, "/metrics", "").Body)
	requireMetric(t, metrics, "stepwise_database_up 0")
}

// requireMetric requires a line of the metrics text to start with want,
// showing only the lines of the same metric when it does not.
func requireMetric(t *testing.T, text, want string) {
	t.Helper()
	name, _, _ := strings.Cut(strings.TrimPrefix(want, "# TYPE "), "{")
	name, _, _ = strings.Cut(name, " ")
	var same []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, want) {
			return
		}
		if strings.Contains(line, name) {
			same = append(same, line)
		}
	}
	t.Fatalf("no metrics line starts with %q; lines of %s:\n%s", want, name, strings.Join(same, "\n"))
}

func TestAuthorizeSeam(t *testing.T) {
	t.Parallel()
	errNoKey := errors.New("missing API key")
	a := webtest.New(t, &web.Config{Authorize: func(r *http.Request) error {
		switch r.Header.Get("X-Api-Key") {
		case "good":
			return nil
		case "reader":
			return fmt.Errorf("%w: this key may not write", web.ErrForbidden)
		case "boom":
			panic("authorizer bug")
		}
		return errNoKey
	}})
	a.ExpectError(http.StatusUnauthorized, "Unauthorized", http.MethodGet, "/v1/state-machines", nil)
	require.Equal(t, http.StatusOK, a.Call(http.MethodGet, "/healthz", "").Status, "health checks need no key")

	req, err := http.NewRequest(http.MethodGet, a.URL+"/v1/state-machines", nil)
	require.NoError(t, err)
	req.Header.Set("X-Api-Key", "good")
	require.Equal(t, http.StatusOK, a.Send(req).Status)
	req.Header.Set("X-Api-Key", "reader")
	r := a.Send(req)
	require.Equal(t, http.StatusForbidden, r.Status)
	require.Equal(t, "Forbidden", r.ErrorCode(t))

	// A panic is a 500 like any other internal error, logged with its stack.
	req.Header.Set("X-Api-Key", "boom")
	r = a.Send(req)
	require.Equal(t, http.StatusInternalServerError, r.Status)
	require.Equal(t, "InternalError", r.ErrorCode(t))
	require.NotContains(t, string(r.Body), "authorizer bug")
	require.Contains(t, a.Log.String(), "panic: authorizer bug")
	require.Contains(t, a.Log.String(), "goroutine")
}

func TestRunShutsDownGracefully(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	e, err := engine.New(pool, nil)
	require.NoError(t, err)
	s := web.New(e, &web.Config{Listen: "127.0.0.1:0"})
	addr, err := s.Listen()
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	resp, err := http.Get("http://" + addr.String() + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	_, err = web.New(e, &web.Config{Listen: addr.String()}).Listen()
	require.Error(t, err, "the address is taken")

	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
	_, err = net.DialTimeout("tcp", addr.String(), time.Second)
	require.Error(t, err, "the listener is closed")
}
