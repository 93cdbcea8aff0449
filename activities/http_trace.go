package activities

import (
	"context"
	"net/http"
	"strings"
)

// HTTPTrace records the request an HTTP Task sends and the response it
// receives, for AWS TestState's TRACE inspection level. Give one to
// Registry.Invoke through WithHTTPTrace; the http:invoke function fills
// it. The secret values a connection adds (and the credentials sent) are
// masked as **** unless Reveal is set.
type HTTPTrace struct {
	// Reveal shows secret values as they were sent; default false.
	Reveal bool
	// Request is nil until a request was sent; Response until one came.
	Request  *TracedRequest
	Response *TracedResponse
}

// TracedRequest is an HTTP Task's request as sent.
type TracedRequest struct {
	Protocol string
	Method   string
	URL      string
	Header   http.Header
	Body     string
}

// TracedResponse is an HTTP Task's response as received.
type TracedResponse struct {
	Protocol   string
	StatusCode int
	// Status is the status line's reason phrase, such as "Not Found".
	Status string
	Header http.Header
	Body   string
}

type traceKey struct{}

// WithHTTPTrace returns ctx carrying tr: an HTTP Task run with it records
// its request and response in tr.
func WithHTTPTrace(ctx context.Context, tr *HTTPTrace) context.Context {
	return context.WithValue(ctx, traceKey{}, tr)
}

// httpTrace returns the trace ctx carries, or nil.
func httpTrace(ctx context.Context) *HTTPTrace {
	tr, _ := ctx.Value(traceKey{}).(*HTTPTrace)
	return tr
}

// traceRequest records the request about to be sent.
func traceRequest(ctx context.Context, req *httpRequest, r *http.Request) {
	tr := httpTrace(ctx)
	if tr == nil {
		return
	}
	m := tr.masker(req.secrets)
	tr.Request = &TracedRequest{Protocol: r.Proto, Method: r.Method, URL: m.Replace(r.URL.String()),
		Header: maskHeader(r.Header, m), Body: m.Replace(string(req.encoded))}
}

// traceResponse records the response received, with its body data.
func traceResponse(ctx context.Context, req *httpRequest, resp *http.Response, data []byte) {
	tr := httpTrace(ctx)
	if tr == nil {
		return
	}
	m := tr.masker(req.secrets)
	tr.Response = &TracedResponse{Protocol: resp.Proto, StatusCode: resp.StatusCode, Status: reasonPhrase(resp),
		Header: maskHeader(resp.Header, m), Body: m.Replace(string(data))}
}

// masker replaces the secrets with ****, or nothing when the trace
// reveals them.
func (tr *HTTPTrace) masker(secrets []string) *strings.Replacer {
	if tr.Reveal {
		return strings.NewReplacer()
	}
	pairs := make([]string, 0, 2*len(secrets))
	for _, s := range secrets {
		if s != "" {
			pairs = append(pairs, s, "****")
		}
	}
	return strings.NewReplacer(pairs...)
}

// maskHeader copies h with the secrets masked.
func maskHeader(h http.Header, m *strings.Replacer) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		masked := make([]string, len(vs))
		for i, v := range vs {
			masked[i] = m.Replace(v)
		}
		out[k] = masked
	}
	return out
}
