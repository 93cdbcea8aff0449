package activities

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

// connections is a ConnectionSource of fixed connections, by name.
type connections map[string]*Connection

func (c connections) Connection(_ context.Context, ref string) (*Connection, error) {
	if conn, ok := c[ref]; ok {
		return conn, nil
	}
	return nil, asl.NewError(asl.ErrorRuntime, "connection %s does not exist", ref)
}

// TestHTTPConnectionMerge checks that a connection's authorization and
// InvocationHttpParameters reach the server, its values winning over the
// task's, and that a string RequestBody cannot take body parameters.
func TestHTTPConnectionMerge(t *testing.T) {
	t.Parallel()
	conn := &Connection{Name: "c", ARN: "arn:aws:events:us-east-1:1:connection/c/u", AuthorizationType: AuthAPIKey,
		AuthParameters: ConnectionAuth{
			APIKey: &APIKeyAuth{Name: "X-Api-Key", Value: "k-secret"},
			Invocation: &HTTPParameters{
				Headers: []HTTPParameter{{Key: "X-Tenant", Value: "acme"}},
				Query:   []HTTPParameter{{Key: "sig", Value: "q-secret", IsValueSecret: true}},
				Body:    []HTTPParameter{{Key: "source", Value: "conn"}},
			},
		}}
	reg := httpRegistry(t, &HTTPConfig{Egress: loopbackOK, Connections: connections{"c": conn}})
	srv, got := newHTTPServer(t)
	_, err := callHTTP(t, reg, `{"ApiEndpoint":"`+srv.URL+`/json","Method":"POST","Authentication":{"ConnectionArn":"c"},
		"Headers":{"X-Tenant":"task","X-Other":"1"},"QueryParameters":{"sig":"task","page":"2"},
		"RequestBody":{"source":"task","n":1}}`)
	require.Nil(t, err)
	s := <-got
	require.Equal(t, "k-secret", s.Header.Get("X-Api-Key"))
	require.Equal(t, "acme", s.Header.Get("X-Tenant"), "the connection's header wins")
	require.Equal(t, "1", s.Header.Get("X-Other"))
	require.Equal(t, "page=2&sig=q-secret", s.RawQuery, "the connection's query parameter wins")
	require.JSONEq(t, `{"source":"conn","n":1}`, s.Body)

	_, err = callHTTP(t, reg, `{"ApiEndpoint":"`+srv.URL+`/json","Method":"POST","Authentication":{"ConnectionArn":"c"},"RequestBody":"text"}`)
	require.NotNil(t, err)
	require.Equal(t, asl.ErrorRuntime, err.Name)
	require.Contains(t, err.Cause, "BodyParameters")

	_, err = callHTTP(t, reg, `{"ApiEndpoint":"`+srv.URL+`/status/404","Method":"GET","Authentication":{"ConnectionArn":"missing"}}`)
	require.NotNil(t, err)
	require.Equal(t, asl.ErrorRuntime, err.Name)
	require.Contains(t, err.Cause, "missing does not exist")
}

// TestHTTPConnectionScrubs checks that the cause of a failed request
// never holds a secret, even when the server echoes it.
func TestHTTPConnectionScrubs(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad key "+r.Header.Get("Authorization"), http.StatusForbidden)
	}))
	t.Cleanup(srv.Close)
	conn := &Connection{Name: "b", ARN: "arn:b", AuthorizationType: AuthBasic,
		AuthParameters: ConnectionAuth{Basic: &BasicAuth{Username: "u", Password: "p-secret"}}}
	reg := httpRegistry(t, &HTTPConfig{Egress: loopbackOK, Connections: connections{"b": conn}})
	_, err := callHTTP(t, reg, `{"ApiEndpoint":"`+srv.URL+`","Method":"GET","Authentication":{"ConnectionArn":"b"}}`)
	require.NotNil(t, err)
	require.Equal(t, "States.Http.StatusCode.403", err.Name)
	require.NotContains(t, err.Cause, basicCredentials("u", "p-secret")[len("Basic "):])
}

// TestHTTPConnectionOAuth checks the token request (method, credentials,
// parameters), that the token is kept until it expires, and that a 401
// drops it.
func TestHTTPConnectionOAuth(t *testing.T) {
	t.Parallel()
	var fetched atomic.Int32
	tokens := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		if r.Method != http.MethodGet || id != "client" || secret != "c-secret" || r.Header.Get("X-Realm") != "r1" ||
			r.URL.Query().Get("grant_type") != "client_credentials" || r.URL.Query().Get("audience") != "api" {
			http.Error(w, "bad token request", http.StatusBadRequest)
			return
		}
		n := fetched.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "tok" + string(rune('0'+n)), "expires_in": 60})
	}))
	t.Cleanup(tokens.Close)
	var lastAuth atomic.Value
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lastAuth.Store(r.Header.Get("Authorization"))
		if strings.HasSuffix(r.URL.Path, "/reject") {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	t.Cleanup(api.Close)
	conn := &Connection{Name: "o", ARN: "arn:o", AuthorizationType: AuthOAuthClientCredentials,
		AuthParameters: ConnectionAuth{OAuth: &OAuthAuth{AuthorizationEndpoint: tokens.URL + "/token", HTTPMethod: "GET",
			Client: OAuthClient{ClientID: "client", ClientSecret: "c-secret"},
			HTTPParameters: &HTTPParameters{
				Headers: []HTTPParameter{{Key: "X-Realm", Value: "r1"}},
				Body:    []HTTPParameter{{Key: "audience", Value: "api"}},
			}}}}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var clock atomic.Pointer[time.Time]
	clock.Store(&now)
	reg := httpRegistry(t, &HTTPConfig{Egress: loopbackOK, Connections: connections{"o": conn}, Now: func() time.Time { return *clock.Load() }})
	call := func(path string) {
		t.Helper()
		_, _ = callHTTP(t, reg, `{"ApiEndpoint":"`+api.URL+path+`","Method":"GET","Authentication":{"ConnectionArn":"o"}}`)
	}
	call("/a")
	call("/b")
	require.Equal(t, int32(1), fetched.Load(), "the token is kept")
	require.Equal(t, "Bearer tok1", lastAuth.Load())
	later := now.Add(61 * time.Second)
	clock.Store(&later)
	call("/c")
	require.Equal(t, int32(2), fetched.Load(), "an expired token is replaced")
	require.Equal(t, "Bearer tok2", lastAuth.Load())
	call("/reject")
	call("/d")
	require.Equal(t, int32(3), fetched.Load(), "a rejected token is replaced")

	later = now.Add(time.Hour)
	clock.Store(&later)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() { call("/e") })
	}
	wg.Wait()
	require.Equal(t, int32(4), fetched.Load(), "tasks needing a token at once wait for one request")
}

// TestConnectionAuthValidate checks the shapes each authorization type
// takes, and that Redacted keeps no secret.
func TestConnectionAuthValidate(t *testing.T) {
	t.Parallel()
	oauth := &OAuthAuth{AuthorizationEndpoint: "https://auth.example/token", HTTPMethod: "POST", Client: OAuthClient{ClientID: "i", ClientSecret: "s"}}
	tests := []struct {
		authType string
		auth     ConnectionAuth
		wantErr  string
	}{
		{AuthAPIKey, ConnectionAuth{APIKey: &APIKeyAuth{Name: "k", Value: "v"}}, ""},
		{AuthAPIKey, ConnectionAuth{APIKey: &APIKeyAuth{Name: "k"}}, "ApiKeyValue"},
		{AuthBasic, ConnectionAuth{APIKey: &APIKeyAuth{Name: "k", Value: "v"}}, "BasicAuthParameters"},
		{AuthBasic, ConnectionAuth{Basic: &BasicAuth{Username: "u", Password: "p"}}, ""},
		{AuthOAuthClientCredentials, ConnectionAuth{OAuth: oauth}, ""},
		{AuthOAuthClientCredentials, ConnectionAuth{OAuth: &OAuthAuth{AuthorizationEndpoint: "https://a/t", HTTPMethod: "PATCH"}}, "HttpMethod"},
		{"DIGEST", ConnectionAuth{}, "AuthorizationType"},
		{AuthAPIKey, ConnectionAuth{APIKey: &APIKeyAuth{Name: "k", Value: "v"}, Invocation: &HTTPParameters{Headers: []HTTPParameter{{Value: "x"}}}}, "without Key"},
	}
	for _, tt := range tests {
		err := tt.auth.Validate(tt.authType)
		if tt.wantErr == "" {
			require.NoError(t, err)
			continue
		}
		require.ErrorIs(t, err, ErrInvalidConnection)
		require.ErrorContains(t, err, tt.wantErr)
	}
	full := ConnectionAuth{OAuth: oauth, Invocation: &HTTPParameters{Query: []HTTPParameter{{Key: "k", Value: "hidden", IsValueSecret: true}, {Key: "p", Value: "shown"}}}}
	red, err := json.Marshal(full.Redacted())
	require.NoError(t, err)
	require.NotContains(t, string(red), `"s"`)
	require.NotContains(t, string(red), "hidden")
	require.Contains(t, string(red), "shown")
	require.NotNil(t, full.OAuth.Client.ClientSecret, "Redacted leaves the original alone")
	require.Equal(t, "s", full.OAuth.Client.ClientSecret)
}
