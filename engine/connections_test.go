package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// Secret values of the test connections: none may show outside the
// requests that carry them.
const (
	apiKeySecret   = "sk-live-apikey-7f3a9c"
	passwordSecret = "pw-basic-91c2e4"
	clientSecret   = "cs-oauth-5d8e17"
	headerSecret   = "hdr-secret-12bb70"
	accessToken    = "at-oauth-token-"
)

// connHarness is a harness whose HTTP Tasks use the connections of its
// database, under testengine.SecretKey(), on the clock now.
type connHarness struct {
	*harness
	pool *pgxpool.Pool
	now  atomic.Pointer[time.Time]
}

func newConnHarness(t *testing.T) *connHarness {
	t.Helper()
	h := &connHarness{pool: testkit.NewPool(t)}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h.now.Store(&start)
	conns, err := engine.NewConnections(h.pool, testengine.SecretKey())
	require.NoError(t, err)
	reg := activities.NewRegistry()
	activities.RegisterHTTP(reg, &activities.HTTPConfig{Egress: activities.EgressPolicy{Allow: []string{"127.0.0.1"}},
		Connections: conns, Now: func() time.Time { return *h.now.Load() }})
	e := testengine.Start(t, h.pool, &engine.Config{Functions: reg, Drive: true, FetchPollInterval: testengine.FetchPollInterval, SecretKey: testengine.SecretKey()})
	h.harness = &harness{t: t, e: e, reg: reg}
	return h
}

func (h *connHarness) advance(d time.Duration) {
	later := h.now.Load().Add(d)
	h.now.Store(&later)
}

// authServer answers 200 to requests that carry the credentials of the
// test connections, and /echo with a 403 whose body repeats the request's
// Authorization header. tokens counts the OAuth token requests.
func authServer(t *testing.T, tokens *atomic.Int32) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		if id, secret, _ := r.BasicAuth(); id != "client-1" || secret != clientSecret || r.FormValue("grant_type") != "client_credentials" {
			http.Error(w, "bad client", http.StatusUnauthorized)
			return
		}
		n := tokens.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": accessToken + string(rune('0'+n)), "expires_in": 300})
	})
	check := func(path string, ok func(r *http.Request) bool) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			if !ok(r) {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"ok":true}`))
		})
	}
	check("/apikey", func(r *http.Request) bool {
		return r.Header.Get("X-Api-Key") == apiKeySecret && r.Header.Get("X-Tenant") == headerSecret
	})
	check("/basic", func(r *http.Request) bool { u, p, _ := r.BasicAuth(); return u == "ann" && p == passwordSecret })
	check("/oauth", func(r *http.Request) bool {
		return strings.HasPrefix(r.Header.Get("Authorization"), "Bearer "+accessToken)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "refused "+r.Header.Get("Authorization")+" "+r.Header.Get("X-Api-Key"), http.StatusForbidden)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// createTestConnections creates one connection of each authorization
// type, with tokenURL as the OAuth endpoint.
func createTestConnections(t *testing.T, e *engine.Engine, tokenURL string) map[string]string {
	t.Helper()
	specs := []engine.ConnectionSpec{
		{Name: "keyed", AuthorizationType: activities.AuthAPIKey, AuthParameters: activities.ConnectionAuth{
			APIKey: &activities.APIKeyAuth{Name: "X-Api-Key", Value: apiKeySecret},
			Invocation: &activities.HTTPParameters{Headers: []activities.HTTPParameter{
				{Key: "X-Tenant", Value: headerSecret, IsValueSecret: true}}},
		}},
		{Name: "basic", AuthorizationType: activities.AuthBasic, AuthParameters: activities.ConnectionAuth{
			Basic: &activities.BasicAuth{Username: "ann", Password: passwordSecret}}},
		{Name: "oauth", AuthorizationType: activities.AuthOAuthClientCredentials, AuthParameters: activities.ConnectionAuth{
			OAuth: &activities.OAuthAuth{AuthorizationEndpoint: tokenURL, HTTPMethod: "POST",
				Client: activities.OAuthClient{ClientID: "client-1", ClientSecret: clientSecret}}}},
	}
	arns := map[string]string{}
	for _, spec := range specs {
		conn, err := e.CreateConnection(context.Background(), spec)
		require.NoError(t, err)
		require.Regexp(t, `^arn:aws:events:us-east-1:000000000000:connection/`+spec.Name+`/[0-9a-f-]{36}$`, conn.ARN)
		arns[spec.Name] = conn.ARN
	}
	return arns
}

// TestConnections runs HTTP Tasks with each authorization type through
// the engine against a server that checks the credentials, keeps the
// OAuth token across tasks until it expires, and finds no secret in the
// history, the output, the error causes or the stored row.
func TestConnections(t *testing.T) {
	t.Parallel()
	h := newConnHarness(t)
	var tokens atomic.Int32
	srv := authServer(t, &tokens)
	arns := createTestConnections(t, h.e, srv.URL+"/token")

	call := func(path, conn string) string {
		return `{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
			"Parameters":{"ApiEndpoint":"` + srv.URL + path + `","Method":"GET","Authentication":{"ConnectionArn":"` + conn + `"}},
			"ResultSelector":{"status.$":"$.StatusCode"}`
	}
	h.machine("calls", `{"StartAt":"Key","States":{
		"Key":`+call("/apikey", arns["keyed"])+`,"ResultPath":"$.key","Next":"Basic"},
		"Basic":`+call("/basic", "basic")+`,"ResultPath":"$.basic","Next":"OAuth1"},
		"OAuth1":`+call("/oauth", arns["oauth"])+`,"ResultPath":"$.oauth1","Next":"OAuth2"},
		"OAuth2":`+call("/oauth", "oauth")+`,"ResultPath":"$.oauth2","Next":"Echo"},
		"Echo":`+call("/echo", "basic")+`,"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.echo","Next":"EchoKey"}],"End":true},
		"EchoKey":`+call("/echo", "keyed")+`,"Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.echoKey","Next":"Done"}],"End":true},
		"Done":{"Type":"Pass","End":true}}}`)
	exec := h.run("calls", "first", `{}`)
	requireSucceeded(t, exec, "")
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(*exec.Output), &out))
	for _, k := range []string{"key", "basic", "oauth1", "oauth2"} {
		require.Equal(t, map[string]any{"status": float64(200)}, out[k], k)
	}
	require.Equal(t, "States.Http.StatusCode.403", out["echo"].(map[string]any)["Error"])
	require.Equal(t, int32(1), tokens.Load(), "the second OAuth task used the cached token")

	h.machine("oauth", `{"StartAt":"OAuth","States":{"OAuth":`+call("/oauth", "oauth")+`,"End":true}}}`)
	requireSucceeded(t, h.run("oauth", "cached", `{}`), `{"status":200}`)
	require.Equal(t, int32(1), tokens.Load(), "still cached in a later execution")
	h.advance(301 * time.Second)
	requireSucceeded(t, h.run("oauth", "expired", `{}`), `{"status":200}`)
	require.Equal(t, int32(2), tokens.Load(), "an expired token is fetched again")

	secrets := []string{apiKeySecret, passwordSecret, clientSecret, headerSecret, accessToken,
		"YW5uOnB3LWJhc2ljLTkxYzJlNA"} // base64 of ann:pw-basic-91c2e4
	history := historyJSON(t, h.harness, exec.ID)
	require.True(t, strings.Contains(history, "refused Basic ****"), "the echoed credentials were scrubbed from the cause")
	for _, s := range secrets {
		require.False(t, strings.Contains(history, s), "the history holds %s", s)
		require.False(t, strings.Contains(*exec.Output, s), "the output holds %s", s)
	}
	requireSealed(t, h.pool, secrets)
	for name := range arns {
		conn, err := h.e.DescribeConnection(context.Background(), name)
		require.NoError(t, err)
		for _, s := range secrets {
			require.NotContains(t, string(conn.AuthParameters), s)
		}
	}
}

// historyJSON is the whole history of an execution as JSON.
func historyJSON(t *testing.T, h *harness, executionID int64) string {
	t.Helper()
	evs, err := h.e.History(context.Background(), executionID, 0, 100000, false)
	require.NoError(t, err)
	data, err := json.Marshal(evs)
	require.NoError(t, err)
	return string(data)
}

// requireSealed checks that no column of stepwise_connections holds a
// secret, as text or as bytes.
func requireSealed(t *testing.T, pool *pgxpool.Pool, secrets []string) {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT c::text, sealed FROM stepwise_connections AS c`)
	require.NoError(t, err)
	defer rows.Close()
	n := 0
	for rows.Next() {
		var text string
		var sealed []byte
		require.NoError(t, rows.Scan(&text, &sealed))
		for _, s := range secrets {
			require.NotContains(t, text, s)
			require.False(t, bytes.Contains(sealed, []byte(s)), "sealed holds %s", s)
		}
		n++
	}
	require.NoError(t, rows.Err())
	require.Equal(t, 3, n)
}

// TestConnectionKeys checks the errors of a missing or wrong key, of an
// unknown connection or id, and of creating one twice.
func TestConnectionKeys(t *testing.T) {
	t.Parallel()
	h := newConnHarness(t)
	ctx := context.Background()
	arns := createTestConnections(t, h.e, "https://auth.example/token")

	_, err := h.e.CreateConnection(ctx, engine.ConnectionSpec{Name: "basic", AuthorizationType: activities.AuthBasic,
		AuthParameters: activities.ConnectionAuth{Basic: &activities.BasicAuth{Username: "u", Password: "p"}}})
	require.ErrorIs(t, err, engine.ErrConnectionExists)
	_, err = h.e.CreateConnection(ctx, engine.ConnectionSpec{Name: "half", AuthorizationType: activities.AuthBasic,
		AuthParameters: activities.ConnectionAuth{Basic: &activities.BasicAuth{Username: "u"}}})
	require.ErrorIs(t, err, engine.ErrInvalidConnection)

	runtimeError := func(conns *engine.Connections, ref, want string) {
		t.Helper()
		_, err := conns.Connection(ctx, ref)
		var aslErr *asl.Error
		require.ErrorAs(t, err, &aslErr)
		require.Equal(t, asl.ErrorRuntime, aslErr.Name)
		require.Contains(t, aslErr.Cause, want)
	}
	none, err := engine.NewConnections(h.pool, nil)
	require.NoError(t, err)
	runtimeError(none, "basic", "no secret key")
	wrong, err := engine.NewConnections(h.pool, bytes.Repeat([]byte{8}, 32))
	require.NoError(t, err)
	runtimeError(wrong, arns["basic"], "sealed under another key")
	right, err := engine.NewConnections(h.pool, testengine.SecretKey())
	require.NoError(t, err)
	runtimeError(right, "missing", "connection does not exist: missing")
	runtimeError(right, strings.TrimSuffix(arns["basic"], arns["basic"][len(arns["basic"])-4:])+"0000", "connection does not exist")
	conn, err := right.Connection(ctx, arns["basic"])
	require.NoError(t, err)
	require.Equal(t, passwordSecret, conn.AuthParameters.Basic.Password)

	keyless := testengine.Start(t, h.pool, &engine.Config{})
	_, err = keyless.CreateConnection(ctx, engine.ConnectionSpec{Name: "other", AuthorizationType: activities.AuthBasic,
		AuthParameters: activities.ConnectionAuth{Basic: &activities.BasicAuth{Username: "u", Password: "p"}}})
	require.ErrorIs(t, err, engine.ErrNoSecretKey)

	h.machine("unknown", `{"StartAt":"Call","States":{"Call":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		"Parameters":{"ApiEndpoint":"https://api.example/","Method":"GET","Authentication":{"ConnectionArn":"nope"}},"End":true}}}`)
	exec := h.run("unknown", "unknown", `{}`)
	requireFailed(t, exec, asl.ErrorRuntime)
	require.Contains(t, *exec.Cause, "connection does not exist: nope")

	require.NoError(t, h.e.DeleteConnection(ctx, arns["basic"]))
	require.ErrorIs(t, h.e.DeleteConnection(ctx, "basic"), engine.ErrConnectionDoesNotExist)
	list, err := h.e.ListConnections(ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, list, 2)
}
