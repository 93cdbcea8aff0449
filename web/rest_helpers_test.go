package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/examples/orders"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web"
)

// api is the REST API served over HTTP by a running engine on a fresh
// database, with the example functions registered.
type api struct {
	t         *testing.T
	url       string
	e         *engine.Engine
	orders    *orders.Config
	approvals chan orders.ApprovalRequest
	log       *syncBuffer
}

// newAPI starts an engine and an httptest server of web.New(engine, cfg).
func newAPI(t *testing.T, cfg *web.Config) *api {
	t.Helper()
	pool := testkit.NewPool(t)
	reg := activities.NewRegistry()
	approvals := make(chan orders.ApprovalRequest, 16)
	oc := &orders.Config{OnApprovalRequest: func(r orders.ApprovalRequest) { approvals <- r }}
	orders.Register(reg, oc)
	e, err := engine.New(pool, &engine.Config{Functions: reg, Drive: true, FetchPollInterval: 50 * time.Millisecond, Observer: web.NewObserver()})
	require.NoError(t, err)
	require.NoError(t, e.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.Stop(ctx)
	})
	log := &syncBuffer{}
	c := web.Config{}
	if cfg != nil {
		c = *cfg
	}
	c.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := httptest.NewServer(web.New(e, &c).Handler())
	t.Cleanup(srv.Close)
	return &api{t: t, url: srv.URL, e: e, orders: oc, approvals: approvals, log: log}
}

// response is an HTTP response with its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value.
func (r *response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.body, &v), "body: %s", r.body)
	return v
}

// errorCode returns error.code of an error response.
func (r *response) errorCode(t *testing.T) string {
	t.Helper()
	e, ok := r.json(t)["error"].(map[string]any)
	require.True(t, ok, "not an error response: %s", r.body)
	return e["code"].(string)
}

// errorDetails returns error.details of an error response.
func (r *response) errorDetails(t *testing.T) map[string]any {
	t.Helper()
	e := r.json(t)["error"].(map[string]any)
	d, _ := e["details"].(map[string]any)
	return d
}

// call sends a request with a raw body ("" for none).
func (a *api) call(method, path, body string) *response {
	a.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.url+path, r)
	require.NoError(a.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return a.send(req)
}

func (a *api) send(req *http.Request) *response {
	a.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(a.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(a.t, err)
	return &response{status: resp.StatusCode, header: resp.Header, body: body}
}

// do sends v encoded as JSON (nil for no body).
func (a *api) do(method, path string, v any) *response {
	a.t.Helper()
	if v == nil {
		return a.call(method, path, "")
	}
	b, err := json.Marshal(v)
	require.NoError(a.t, err)
	return a.call(method, path, string(b))
}

// expect sends v and requires the status, returning the decoded body.
func (a *api) expect(status int, method, path string, v any) map[string]any {
	a.t.Helper()
	r := a.do(method, path, v)
	require.Equal(a.t, status, r.status, "%s %s: %s", method, path, r.body)
	if len(r.body) == 0 {
		return nil
	}
	return r.json(a.t)
}

// expectError sends v and requires an error response with status and code.
func (a *api) expectError(status int, code, method, path string, v any) *response {
	a.t.Helper()
	r := a.do(method, path, v)
	require.Equal(a.t, status, r.status, "%s %s: %s", method, path, r.body)
	require.Equal(a.t, code, r.errorCode(a.t), "%s %s: %s", method, path, r.body)
	return r
}

// machine creates a state machine from a definition (JSON text).
func (a *api) machine(name, definition string) {
	a.t.Helper()
	a.expect(http.StatusCreated, http.MethodPost, "/v1/state-machines",
		map[string]any{"name": name, "definition": json.RawMessage(definition)})
}

// start starts an execution and returns its ARN.
func (a *api) start(machine, name string, input any) string {
	a.t.Helper()
	body := map[string]any{"input": input}
	if name != "" {
		body["name"] = name
	}
	out := a.expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/"+machine+"/executions", body)
	return out["arn"].(string)
}

// wait polls the execution until it is no longer RUNNING.
func (a *api) wait(arn string) map[string]any {
	a.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out := a.expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(arn), nil)
		if out["status"] != "RUNNING" {
			return out
		}
		require.True(a.t, time.Now().Before(deadline), "execution %s did not finish", arn)
		time.Sleep(20 * time.Millisecond)
	}
}

// token waits for the next approval request and returns its task token.
func (a *api) token() string {
	a.t.Helper()
	select {
	case r := <-a.approvals:
		return r.TaskToken
	case <-time.After(10 * time.Second):
		a.t.Fatal("no approval request arrived")
		return ""
	}
}

// example reads examples/NAME/FILE.
func example(t *testing.T, name, file string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "examples", name, file))
	require.NoError(t, err)
	return string(data)
}

// passChain is a machine of n Pass states in a row.
func passChain(n int) string {
	var b strings.Builder
	b.WriteString(`{"StartAt":"S0","States":{`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		next := `"End":true`
		if i < n-1 {
			next = `"Next":"S` + strconv.Itoa(i+1) + `"`
		}
		b.WriteString(`"S` + strconv.Itoa(i) + `":{"Type":"Pass",` + next + `}`)
	}
	b.WriteString(`}}`)
	return b.String()
}

// waitMachine is a machine that waits an hour, so its executions stay
// RUNNING.
const waitMachine = `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`

// passMachine is a machine that returns its input.
const passMachine = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`

// syncBuffer is a bytes.Buffer safe for concurrent use, for logs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
