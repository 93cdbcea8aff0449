// Package webtest is the one HTTP test helper of the web packages' tests
// (web, web/rest, web/viewer): a whole server (web.New) on a running
// engine with the example functions, and requests to it.
package webtest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/web"
)

// API is the server served over HTTP by a running engine on a fresh
// database, with the example functions registered.
type API struct {
	t      *testing.T
	URL    string
	E      *engine.Engine
	orders *testengine.Orders
	// Log holds the server's log, at debug level.
	Log *testkit.SyncBuffer
}

// New starts an engine and an httptest server of web.New(engine, cfg).
func New(t *testing.T, cfg *web.Config) *API {
	t.Helper()
	o := testengine.NewOrders(t, web.NewObserver())
	log := &testkit.SyncBuffer{}
	c := web.Config{}
	if cfg != nil {
		c = *cfg
	}
	c.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return &API{t: t, URL: serve(t, o.Engine, &c), E: o.Engine, orders: o, Log: log}
}

// Beside starts another engine with cfg on a's database and returns its
// server, without authentication, logging to a's Log: an API process
// configured apart from a's (its engine.Config.ActivityBindings, say).
func (a *API) Beside(cfg *engine.Config) *API {
	a.t.Helper()
	e := testengine.Start(a.t, a.E.Pool(), cfg)
	c := &web.Config{Logger: slog.New(slog.NewTextHandler(a.Log, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	return &API{t: a.t, URL: serve(a.t, e, c), E: e, orders: a.orders, Log: a.Log}
}

// serve serves web.New(e, cfg) until the test ends and returns its URL.
func serve(t *testing.T, e *engine.Engine, cfg *web.Config) string {
	srv := httptest.NewServer(web.New(e, cfg).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// API keys of NewKeyed: Keys is the keys file, with an admin and a read
// key.
const (
	AdminSecret = "admin-secret-0123456789abcdef"
	ReadSecret  = "read-secret-0123456789abcdefgh"
	Keys        = `[{"id": "AKIAADMIN", "secret": "` + AdminSecret + `", "scope": "admin"},
	                {"id": "AKIAREAD", "secret": "` + ReadSecret + `", "scope": "read"}]`
)

// NewKeyed is New behind the API keys of Keys.
func NewKeyed(t *testing.T) *API {
	t.Helper()
	keys, err := web.ParseKeys([]byte(Keys))
	require.NoError(t, err)
	return New(t, &web.Config{Authorize: keys.Authorize})
}

// Response is an HTTP response with its body read.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic value.
func (r *Response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &v), "body: %s", r.Body)
	return v
}

// ErrorCode returns error.code of an error response.
func (r *Response) ErrorCode(t *testing.T) string {
	t.Helper()
	e, ok := r.JSON(t)["error"].(map[string]any)
	require.True(t, ok, "not an error response: %s", r.Body)
	return e["code"].(string)
}

// ErrorDetails returns error.details of an error response.
func (r *Response) ErrorDetails(t *testing.T) map[string]any {
	t.Helper()
	e := r.JSON(t)["error"].(map[string]any)
	d, _ := e["details"].(map[string]any)
	return d
}

// Call sends a request with a raw body ("" for none).
func (a *API) Call(method, path, body string) *Response {
	a.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.URL+path, r)
	require.NoError(a.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return a.Send(req)
}

// Send sends a request.
func (a *API) Send(req *http.Request) *Response {
	a.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(a.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(a.t, err)
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// Do sends v encoded as JSON (nil for no body).
func (a *API) Do(method, path string, v any) *Response {
	a.t.Helper()
	if v == nil {
		return a.Call(method, path, "")
	}
	b, err := json.Marshal(v)
	require.NoError(a.t, err)
	return a.Call(method, path, string(b))
}

// Expect sends v and requires the status, returning the decoded body.
func (a *API) Expect(status int, method, path string, v any) map[string]any {
	a.t.Helper()
	r := a.Do(method, path, v)
	require.Equal(a.t, status, r.Status, "%s %s: %s", method, path, r.Body)
	if len(r.Body) == 0 {
		return nil
	}
	return r.JSON(a.t)
}

// ExpectError sends v and requires an error response with status and code.
func (a *API) ExpectError(status int, code, method, path string, v any) *Response {
	a.t.Helper()
	r := a.Do(method, path, v)
	require.Equal(a.t, status, r.Status, "%s %s: %s", method, path, r.Body)
	require.Equal(a.t, code, r.ErrorCode(a.t), "%s %s: %s", method, path, r.Body)
	return r
}

// Machine creates a state machine from a definition (JSON text).
func (a *API) Machine(name, definition string) {
	a.t.Helper()
	a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines",
		map[string]any{"name": name, "definition": json.RawMessage(definition)})
}

// Start starts an execution and returns its ARN.
func (a *API) Start(machine, name string, input any) string {
	a.t.Helper()
	body := map[string]any{"input": input}
	if name != "" {
		body["name"] = name
	}
	out := a.Expect(http.StatusCreated, http.MethodPost, "/v1/state-machines/"+machine+"/executions", body)
	return out["arn"].(string)
}

// Wait waits up to 30 s for the execution to end (GET ?wait) and
// returns it.
func (a *API) Wait(arn string) map[string]any {
	a.t.Helper()
	out := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(arn)+"?wait=30s", nil)
	require.NotEqual(a.t, "RUNNING", out["status"], "execution %s did not finish", arn)
	return out
}

// MapRun waits up to 10 s for the execution to start a Map run (see
// testkit.DistributedMap) and returns the first one's ARN.
func (a *API) MapRun(arn string) string {
	a.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out := a.Expect(http.StatusOK, http.MethodGet, "/v1/executions/"+url.PathEscape(arn)+"/map-runs", nil)
		if runs := out["mapRuns"].([]any); len(runs) > 0 {
			return runs[0].(map[string]any)["arn"].(string)
		}
		require.True(a.t, time.Now().Before(deadline), "execution %s started no Map run", arn)
		time.Sleep(20 * time.Millisecond)
	}
}

// Token waits for the next approval request and returns its task token.
func (a *API) Token() string { return a.orders.Token(a.t) }

// StartApproval creates the approval example as machine "approval",
// starts an execution of it with the example's input, and returns the
// execution's ARN and the task token its approval request carries.
func (a *API) StartApproval(name string) (arn, token string) {
	a.t.Helper()
	a.Machine("approval", testkit.Example(a.t, "approval"))
	arn = a.Start("approval", name, json.RawMessage(testkit.ExampleInput(a.t, "approval")))
	return arn, a.Token()
}

// PassChain is a machine of n Pass states in a row.
func PassChain(n int) string {
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

// WaitMachine is a machine that waits an hour, so its executions stay
// RUNNING.
const WaitMachine = `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`

// PassMachine is a machine that returns its input.
const PassMachine = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`

// NestedMachine starts, one after the other, a nested execution of the
// state machine "echo" for each name in its input's "names" and waits for
// it (states:startExecution.sync:2); the Task is "StartChild".
const NestedMachine = `{"StartAt":"Children","States":{"Children":{"Type":"Map","ItemsPath":"$.names","MaxConcurrency":1,"End":true,
	"Iterator":{"StartAt":"StartChild","States":{"StartChild":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
	"Parameters":{"StateMachineArn":"echo","Name.$":"$"},"End":true}}}}}}`

// BenchServer is a driving engine and its HTTP API on a fresh database
// with a pool of 32 connections, with a one-Pass machine named "pass"; it
// returns the server's URL.
func BenchServer(b *testing.B) string {
	b.Helper()
	cfg, err := pgxpool.ParseConfig(testkit.NewDatabase(b))
	require.NoError(b, err)
	cfg.MaxConns = 32
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	e := testengine.Start(b, pool, &engine.Config{Drive: true})
	_, _, err = e.CreateStateMachine(context.Background(), "pass", engine.MachineSpec{Definition: PassMachine})
	require.NoError(b, err)
	srv := httptest.NewServer(web.New(e, nil).Handler())
	b.Cleanup(srv.Close)
	return srv.URL
}

// Post sends a JSON body over a keep-alive client and requires status.
func Post(b *testing.B, client *http.Client, url, body string, status int) {
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		b.Error(err)
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status {
		b.Errorf("%s: status %d", url, resp.StatusCode)
	}
}

// At sends requests to the server at url, such as one that New cannot
// build.
func At(t *testing.T, url string) *API { return &API{t: t, URL: url} }

// Pages follows nextCursor from path (which has a query) to the last page
// and returns the items of the list field of every page, and each page's
// size.
func (a *API) Pages(path, field string) (items []map[string]any, sizes []int) {
	a.t.Helper()
	p := path
	for {
		out := a.Expect(http.StatusOK, http.MethodGet, p, nil)
		page := out[field].([]any)
		sizes = append(sizes, len(page))
		for _, it := range page {
			items = append(items, it.(map[string]any))
		}
		next, _ := out["nextCursor"].(string)
		if next == "" {
			return items, sizes
		}
		p = path + "&cursor=" + url.QueryEscape(next)
	}
}
