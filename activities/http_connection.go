package activities

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
)

// connect finds the connection the task names, if any, and applies it to
// req: its authorization and its InvocationHttpParameters.
func (h *httpInvoker) connect(ctx context.Context, req *httpRequest) error {
	if req.connection == "" {
		return nil
	}
	if h.conns == nil {
		return asl.NewError(asl.ErrorRuntime,
			"http:invoke: Authentication.ConnectionArn %q: this process serves HTTP Tasks without connections (HTTPConfig.Connections is nil)", req.connection)
	}
	conn, err := h.conns.Connection(ctx, req.connection)
	if err != nil {
		var aslErr *asl.Error
		if errors.As(err, &aslErr) {
			return aslErr
		}
		return asl.NewError(asl.ErrorTaskFailed, "http:invoke: reading connection %q: %v", req.connection, err)
	}
	req.conn = conn
	req.secrets = conn.AuthParameters.secrets()
	if err := h.authorize(ctx, req, conn); err != nil {
		return err
	}
	return req.merge(conn.AuthParameters.Invocation)
}

// authorize sets the header of the connection's authorization type.
func (h *httpInvoker) authorize(ctx context.Context, req *httpRequest, conn *Connection) error {
	auth := conn.AuthParameters
	switch {
	case conn.AuthorizationType == AuthAPIKey && auth.APIKey != nil:
		req.headers.Set(auth.APIKey.Name, auth.APIKey.Value)
	case conn.AuthorizationType == AuthBasic && auth.Basic != nil:
		credentials := basicCredentials(auth.Basic.Username, auth.Basic.Password)
		req.headers.Set("Authorization", credentials)
		req.secrets = append(req.secrets, strings.TrimPrefix(credentials, "Basic "))
	case conn.AuthorizationType == AuthOAuthClientCredentials && auth.OAuth != nil:
		token, err := h.tokens.get(ctx, conn)
		if err != nil {
			return err
		}
		req.headers.Set("Authorization", "Bearer "+token)
		req.secrets = append(req.secrets, token)
	default:
		return asl.NewError(asl.ErrorRuntime, "http:invoke: connection %s has AuthorizationType %q without its parameters", conn.ARN, conn.AuthorizationType)
	}
	return nil
}

// merge adds the connection's InvocationHttpParameters to the request as
// AWS does: on a key both set, the connection's value wins. Body
// parameters are merged into an object RequestBody (or make one when the
// task has none); a string RequestBody cannot take them (States.Runtime).
func (req *httpRequest) merge(p *HTTPParameters) error {
	if p == nil {
		return nil
	}
	for _, h := range p.Headers {
		req.headers.Set(h.Key, h.Value)
	}
	req.query = p.Query
	if len(p.Body) == 0 {
		return nil
	}
	var body map[string]any
	switch b := req.body.(type) {
	case map[string]any:
		body = make(map[string]any, len(b)+len(p.Body))
		for k, v := range b {
			body[k] = v
		}
	case nil:
		body = make(map[string]any, len(p.Body))
	default:
		return asl.NewError(asl.ErrorRuntime,
			"http:invoke: the connection's InvocationHttpParameters.BodyParameters cannot be merged into a RequestBody that is a %s; make RequestBody an object", asl.JSONType(b))
	}
	for _, param := range p.Body {
		body[param.Key] = param.Value
	}
	req.body, req.hasBody = body, true
	return nil
}

// sendURL is the endpoint with the connection's query string parameters:
// they replace the task's parameters of the same name.
func (req *httpRequest) sendURL() string {
	if len(req.query) == 0 {
		return req.endpoint.String()
	}
	u := *req.endpoint
	u.RawQuery = withParams(u.RawQuery, req.query)
	return u.String()
}

// withParams adds params to the encoded query rawQuery, dropping the
// pairs of rawQuery whose name a parameter of params has.
func withParams(rawQuery string, params []HTTPParameter) string {
	replaced := make(map[string]bool, len(params))
	var pairs []string
	for _, p := range params {
		replaced[p.Key] = true
		pairs = append(pairs, url.QueryEscape(p.Key)+"="+url.QueryEscape(p.Value))
	}
	var kept []string
	for _, pair := range strings.Split(rawQuery, "&") {
		name, _, _ := strings.Cut(pair, "=")
		if n, err := url.QueryUnescape(name); pair == "" || err == nil && replaced[n] {
			continue
		}
		kept = append(kept, pair)
	}
	return strings.Join(append(kept, pairs...), "&")
}

// rejected forgets the OAuth token of a request the endpoint answered
// 401 or 407, as AWS does, so that a retry gets a new one.
func (h *httpInvoker) rejected(req *httpRequest, status int) {
	if req.conn != nil && req.conn.AuthParameters.OAuth != nil &&
		(status == http.StatusUnauthorized || status == http.StatusProxyAuthRequired) {
		h.tokens.forget(req.conn)
	}
}

// scrubCause replaces the secret values in the cause of err with ****;
// it returns a copy, never changing err.
func scrubCause(err error, secrets []string) error {
	var e *asl.Error
	if !errors.As(err, &e) {
		return err
	}
	cause := e.Cause
	for _, s := range secrets {
		cause = strings.ReplaceAll(cause, s, "****")
	}
	if cause == e.Cause {
		return err
	}
	return &asl.Error{Name: e.Name, Cause: cause}
}
