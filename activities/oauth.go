package activities

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/asl"
)

// oauthExpiryMargin is how long before its expiry a token is replaced, so
// that it does not expire on its way.
const oauthExpiryMargin = 10 * time.Second

// maxTokenResponseBytes bounds the token endpoint's answer.
const maxTokenResponseBytes = 64 * 1024

// oauthTokens gets OAuth client-credentials tokens and keeps each until
// it expires or an endpoint rejects it. Tasks of one connection that need
// a token at once wait for a single request.
//
// It is written here rather than with golang.org/x/oauth2/clientcredentials,
// which always POSTs and cannot send header parameters: AWS's connections
// take an HttpMethod (GET, POST or PUT) and OAuthHttpParameters headers.
type oauthTokens struct {
	client *http.Client
	now    func() time.Time
	mu     sync.Mutex
	tokens map[string]*tokenSlot
}

// tokenSlot holds the token of one connection; mu is held while it is
// fetched.
type tokenSlot struct {
	mu  sync.Mutex
	tok oauthToken
}

// oauthToken is an access token; a zero expires means it does not say.
type oauthToken struct {
	access  string
	expires time.Time
}

func newOAuthTokens(client *http.Client, now func() time.Time) *oauthTokens {
	return &oauthTokens{client: client, now: now, tokens: map[string]*tokenSlot{}}
}

// tokenKey names the cached token of a connection: its ARN and a digest
// of its OAuth parameters, so that a connection created again with other
// credentials gets its own token.
func tokenKey(conn *Connection) string {
	params, _ := json.Marshal(conn.AuthParameters.OAuth)
	sum := sha256.Sum256(params)
	return conn.ARN + "#" + hex.EncodeToString(sum[:])
}

// slot returns the token slot of a connection.
func (t *oauthTokens) slot(conn *Connection) *tokenSlot {
	key := tokenKey(conn)
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.tokens[key]
	if !ok {
		s = &tokenSlot{}
		t.tokens[key] = s
	}
	return s
}

// get returns a token of the connection, the cached one while it lasts.
func (t *oauthTokens) get(ctx context.Context, conn *Connection) (string, error) {
	s := t.slot(conn)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tok.access != "" && (s.tok.expires.IsZero() || t.now().Before(s.tok.expires.Add(-oauthExpiryMargin))) {
		return s.tok.access, nil
	}
	tok, err := t.fetch(ctx, conn)
	if err != nil {
		return "", err
	}
	s.tok = tok
	return tok.access, nil
}

// forget drops the connection's token.
func (t *oauthTokens) forget(conn *Connection) {
	s := t.slot(conn)
	s.mu.Lock()
	s.tok = oauthToken{}
	s.mu.Unlock()
}

// fetch asks the connection's AuthorizationEndpoint for a token with the
// client credentials grant (RFC 6749 4.4): the client's ID and secret in
// an Authorization: Basic header, grant_type and the BodyParameters in a
// form body (in the query for GET), with the HeaderParameters and
// QueryStringParameters.
func (t *oauthTokens) fetch(ctx context.Context, conn *Connection) (oauthToken, error) {
	o := conn.AuthParameters.OAuth
	req, err := tokenRequest(ctx, o)
	if err != nil {
		return oauthToken{}, err
	}
	resp, err := t.client.Do(req)
	if err != nil {
		return oauthToken{}, &asl.Error{Name: ErrorHTTPSocket,
			Cause: fmt.Sprintf("http:invoke: OAuth token request of connection %s to %s failed: %v", conn.ARN, redactedEndpoint(o), unwrapURLError(err))}
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponseBytes))
	if err != nil {
		return oauthToken{}, &asl.Error{Name: ErrorHTTPSocket,
			Cause: fmt.Sprintf("http:invoke: reading the OAuth token of connection %s from %s: %v", conn.ARN, redactedEndpoint(o), err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return oauthToken{}, asl.NewError(asl.ErrorTaskFailed,
			"http:invoke: the OAuth authorization endpoint %s of connection %s answered %s", redactedEndpoint(o), conn.ARN, resp.Status)
	}
	return t.parseToken(conn, data)
}

// tokenRequest builds the token request of o.
func tokenRequest(ctx context.Context, o *OAuthAuth) (*http.Request, error) {
	u, err := url.Parse(o.AuthorizationEndpoint)
	if err != nil {
		return nil, asl.NewError(asl.ErrorRuntime, "http:invoke: OAuth AuthorizationEndpoint is not a URL")
	}
	p := o.HTTPParameters
	if p == nil {
		p = &HTTPParameters{}
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	for _, b := range p.Body {
		form.Set(b.Key, b.Value)
	}
	u.RawQuery = withParams(u.RawQuery, p.Query)
	var body io.Reader
	if o.HTTPMethod == http.MethodGet {
		u.RawQuery = withParams(u.RawQuery, formParams(form))
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, o.HTTPMethod, u.String(), body)
	if err != nil {
		return nil, asl.NewError(asl.ErrorRuntime, "http:invoke: cannot build the OAuth token request: %v", unwrapURLError(err))
	}
	for _, h := range p.Headers {
		req.Header.Set(h.Key, h.Value)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(o.Client.ClientID), url.QueryEscape(o.Client.ClientSecret))
	return req, nil
}

// formParams turns form values into parameters, in key order.
func formParams(form url.Values) []HTTPParameter {
	var out []HTTPParameter
	for _, pair := range strings.Split(form.Encode(), "&") {
		k, v, _ := strings.Cut(pair, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		out = append(out, HTTPParameter{Key: k, Value: v})
	}
	return out
}

// parseToken reads a token response: access_token, and expires_in in
// seconds (a number or a string of one); without expires_in the token
// lasts until an endpoint rejects it.
func (t *oauthTokens) parseToken(conn *Connection, data []byte) (oauthToken, error) {
	var r struct {
		AccessToken string          `json:"access_token"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
	}
	if err := json.Unmarshal(data, &r); err != nil || r.AccessToken == "" {
		return oauthToken{}, asl.NewError(asl.ErrorTaskFailed,
			"http:invoke: the OAuth authorization endpoint %s of connection %s answered without a JSON access_token", redactedEndpoint(conn.AuthParameters.OAuth), conn.ARN)
	}
	tok := oauthToken{access: r.AccessToken}
	var seconds json.Number
	if len(r.ExpiresIn) > 0 && json.Unmarshal([]byte(strings.Trim(string(r.ExpiresIn), `"`)), &seconds) == nil {
		if n, err := seconds.Float64(); err == nil && n > 0 {
			tok.expires = t.now().Add(time.Duration(n * float64(time.Second)))
		}
	}
	return tok, nil
}

// redactedEndpoint is the AuthorizationEndpoint without its query (which
// may hold secrets) and user information.
func redactedEndpoint(o *OAuthAuth) string {
	u, err := url.Parse(o.AuthorizationEndpoint)
	if err != nil {
		return "(invalid URL)"
	}
	u.RawQuery, u.User = "", nil
	return u.String()
}

// basicCredentials is the Authorization header value of user and password.
func basicCredentials(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}
