package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
)

// seen is what the test server received.
type seen struct {
	Method, Path, RawQuery, Body string
	Header                       http.Header
}

// newHTTPServer starts a server that records each request on got and
// answers by path.
func newHTTPServer(t *testing.T) (*httptest.Server, chan seen) {
	t.Helper()
	got := make(chan seen, 8)
	mux := http.NewServeMux()
	record := func(r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- seen{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Body: string(body), Header: r.Header.Clone()}
	}
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Add("X-Multi", "one")
		w.Header().Add("X-Multi", "two")
		_, _ = io.WriteString(w, `{"ok":true,"items":[1,2.5,"three"]}`)
	})
	mux.HandleFunc("/text", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, `{"not":"parsed"}`)
	})
	mux.HandleFunc("/status/", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		var code int
		_, _ = fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/status/"), "%d", &code)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = fmt.Fprintf(w, `{"message":"status %d"}`, code)
	})
	mux.HandleFunc("/status-big", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, strings.Repeat("z", 40000))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		w.Header().Set("Content-Length", "2048")
		_, _ = io.WriteString(w, strings.Repeat("x", 2048))
	})
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		for range 4 {
			_, _ = io.WriteString(w, strings.Repeat("y", 512))
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		record(r)
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, got
}

// loopbackOK is the test policy: the test servers listen on 127.0.0.1.
var loopbackOK = EgressPolicy{Allow: []string{"127.0.0.1"}}

// httpRegistry returns a registry with http:invoke registered with cfg.
func httpRegistry(t *testing.T, cfg *HTTPConfig) *Registry {
	t.Helper()
	reg := NewRegistry()
	RegisterHTTP(reg, cfg)
	require.True(t, reg.Has(HTTPInvoke))
	return reg
}

// callHTTP runs the registered http:invoke function on the parameters
// (JSON text) the way Registry.Invoke runs a function, mapping its error
// to the task's ASL error.
func callHTTP(t *testing.T, reg *Registry, params string) (any, *asl.Error) {
	t.Helper()
	payload, err := asl.DecodeJSON([]byte(params))
	require.NoError(t, err)
	fn, ok := reg.lookup(HTTPInvoke)
	require.True(t, ok)
	ctx := context.Background()
	out, err := fn(ctx, payload)
	if err != nil {
		return nil, taskError(ctx, err)
	}
	return out, nil
}

func params(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func TestHTTPRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		params string // %s is the server's URL
		check  func(t *testing.T, s seen)
	}{
		{"GET with query parameters", `{"ApiEndpoint":"%s/json?fixed=1","Method":"GET",
			"QueryParameters":{"q":"a b&c","n":3,"ok":true,"tags":["x","y"]}}`, func(t *testing.T, s seen) {
			require.Equal(t, "GET", s.Method)
			require.Equal(t, "fixed=1&n=3&ok=true&q=a+b%26c&tags%5B0%5D=x&tags%5B1%5D=y", s.RawQuery)
			require.Empty(t, s.Body)
		}},
		{"query arrays follow ArrayFormat", `{"ApiEndpoint":"%s/json","Method":"GET","QueryParameters":{"id":[1,2]},
			"Transform":{"RequestEncodingOptions":{"ArrayFormat":"REPEAT"}}}`, func(t *testing.T, s seen) {
			require.Equal(t, "id=1&id=2", s.RawQuery)
		}},
		{"POST JSON body", `{"ApiEndpoint":"%s/json","Method":"POST","RequestBody":{"b":[true,null],"a":1.5}}`, func(t *testing.T, s seen) {
			require.Equal(t, "POST", s.Method)
			require.JSONEq(t, `{"a":1.5,"b":[true,null]}`, s.Body)
			require.Equal(t, "application/json", s.Header.Get("Content-Type"))
		}},
		{"string body sent as is", `{"ApiEndpoint":"%s/json","Method":"PUT","RequestBody":"<a/>","Headers":{"Content-Type":"application/xml"}}`, func(t *testing.T, s seen) {
			require.Equal(t, "PUT", s.Method)
			require.Equal(t, "<a/>", s.Body)
			require.Equal(t, "application/xml", s.Header.Get("Content-Type"))
		}},
		{"headers passed", `{"ApiEndpoint":"%s/json","Method":"DELETE","Headers":{"X-Api-Key":"secret","Accept":"application/json","X-Count":2}}`, func(t *testing.T, s seen) {
			require.Equal(t, "DELETE", s.Method)
			require.Equal(t, "secret", s.Header.Get("X-Api-Key"))
			require.Equal(t, "application/json", s.Header.Get("Accept"))
			require.Equal(t, "2", s.Header.Get("X-Count"))
		}},
	}
	form := map[string]string{
		"":         "array%5B0%5D=a&array%5B1%5D=b+c&array%5B2%5D=d%2Ce&name=x+y&obj%5Bk%5D=v",
		"INDICES":  "array%5B0%5D=a&array%5B1%5D=b+c&array%5B2%5D=d%2Ce&name=x+y&obj%5Bk%5D=v",
		"REPEAT":   "array=a&array=b+c&array=d%2Ce&name=x+y&obj%5Bk%5D=v",
		"COMMAS":   "array=a,b+c,d%2Ce&name=x+y&obj%5Bk%5D=v",
		"BRACKETS": "array%5B%5D=a&array%5B%5D=b+c&array%5B%5D=d%2Ce&name=x+y&obj%5Bk%5D=v",
	}
	for format, want := range form {
		opts := ""
		if format != "" {
			opts = `,"RequestEncodingOptions":{"ArrayFormat":"` + format + `"}`
		}
		tests = append(tests, struct {
			name   string
			params string
			check  func(t *testing.T, s seen)
		}{"URL_ENCODED " + format, `{"ApiEndpoint":"%s/json","Method":"PATCH",
			"RequestBody":{"name":"x y","array":["a","b c","d,e"],"obj":{"k":"v"}},
			"Transform":{"RequestBodyEncoding":"URL_ENCODED"` + opts + `}}`, func(t *testing.T, s seen) {
			require.Equal(t, "PATCH", s.Method)
			require.Equal(t, want, s.Body)
			require.Equal(t, "application/x-www-form-urlencoded", s.Header.Get("Content-Type"))
		}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, got := newHTTPServer(t)
			reg := httpRegistry(t, &HTTPConfig{Egress: loopbackOK})
			out, err := callHTTP(t, reg, params(tt.params, srv.URL))
			require.Nil(t, err)
			require.Equal(t, int64(200), out.(map[string]any)["StatusCode"])
			tt.check(t, <-got)
		})
	}
}

func TestHTTPResult(t *testing.T) {
	t.Parallel()
	srv, _ := newHTTPServer(t)
	reg := httpRegistry(t, &HTTPConfig{Egress: loopbackOK})

	out, err := callHTTP(t, reg, params(`{"ApiEndpoint":"%s/json","Method":"GET"}`, srv.URL))
	require.Nil(t, err)
	res := out.(map[string]any)
	require.ElementsMatch(t, []string{"Headers", "ResponseBody", "StatusCode", "StatusText"}, keys(res))
	require.Equal(t, int64(200), res["StatusCode"])
	require.Equal(t, "OK", res["StatusText"])
	body := res["ResponseBody"].(map[string]any)
	require.Equal(t, true, body["ok"])
	require.Len(t, body["items"], 3)
	headers := res["Headers"].(map[string]any)
	require.Equal(t, []any{"application/json; charset=utf-8"}, headers["Content-Type"])
	require.Equal(t, []any{"one", "two"}, headers["X-Multi"])
	// The result is a value of the asl JSON model.
	_, decodeErr := asl.DecodeJSON([]byte(asl.EncodeJSON(out)))
	require.NoError(t, decodeErr)

	out, err = callHTTP(t, reg, params(`{"ApiEndpoint":"%s/text","Method":"GET"}`, srv.URL))
	require.Nil(t, err)
	require.Equal(t, `{"not":"parsed"}`, out.(map[string]any)["ResponseBody"])

	out, err = callHTTP(t, reg, params(`{"ApiEndpoint":"%s/json","Method":"HEAD"}`, srv.URL))
	require.Nil(t, err)
	require.Equal(t, "", out.(map[string]any)["ResponseBody"])
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestHTTPStatusErrors(t *testing.T) {
	t.Parallel()
	for _, code := range []int{400, 404, 429, 500, 503} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			srv, _ := newHTTPServer(t)
			reg := httpRegistry(t, &HTTPConfig{Egress: loopbackOK})
			out, err := callHTTP(t, reg, params(`{"ApiEndpoint":"%s/status/%d","Method":"POST","RequestBody":{}}`, srv.URL, code))
			require.Nil(t, out)
			require.NotNil(t, err)
			require.Equal(t, fmt.Sprintf("States.Http.StatusCode.%d", code), err.Name)
			var cause map[string]any
			require.NoError(t, json.Unmarshal([]byte(err.Cause), &cause))
			require.EqualValues(t, code, cause["StatusCode"])
			require.Equal(t, http.StatusText(code), cause["StatusText"])
			require.Equal(t, map[string]any{"message": fmt.Sprintf("status %d", code)}, cause["ResponseBody"])
		})
	}
}

func TestHTTPStatusErrorLongBody(t *testing.T) {
	t.Parallel()
	srv, _ := newHTTPServer(t)
	reg := httpRegistry(t, &HTTPConfig{Egress: loopbackOK})
	_, err := callHTTP(t, reg, params(`{"ApiEndpoint":"%s/status-big","Method":"GET"}`, srv.URL))
	require.NotNil(t, err)
	require.Equal(t, "States.Http.StatusCode.502", err.Name)
	require.LessOrEqual(t, len(err.Cause), maxCauseBytes)
	var cause map[string]any
	require.NoError(t, json.Unmarshal([]byte(err.Cause), &cause))
	require.EqualValues(t, 502, cause["StatusCode"])
	require.True(t, strings.HasSuffix(cause["ResponseBody"].(string), "zzz...(truncated)"))
}

func TestHTTPFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		cfg       *HTTPConfig
		params    string // %s is the server's URL
		wantName  string
		wantCause []string
		reached   bool // whether the server sees the request
	}{
		{"timeout", &HTTPConfig{Egress: loopbackOK, Client: &http.Client{Timeout: 200 * time.Millisecond}},
			`{"ApiEndpoint":"{URL}/slow","Method":"GET"}`, "States.Http.Socket", []string{"GET", "/slow", "timed out after 200ms"}, true},
		{"connection refused", &HTTPConfig{Egress: loopbackOK},
			`{"ApiEndpoint":"http://127.0.0.1:1/x","Method":"GET"}`, "States.Http.Socket", []string{"GET http://127.0.0.1:1/x failed"}, false},
		{"metadata address denied by default", nil,
			`{"ApiEndpoint":"http://169.254.169.254/latest/meta-data/","Method":"GET"}`, "States.Permissions",
			[]string{"egress policy refuses 169.254.169.254", "cloud metadata"}, false},
		{"metadata address denied despite loopback allowed", &HTTPConfig{Egress: loopbackOK},
			`{"ApiEndpoint":"http://169.254.169.254/latest/meta-data/","Method":"GET"}`, "States.Permissions",
			[]string{"169.254.169.254"}, false},
		{"ECS metadata denied", nil,
			`{"ApiEndpoint":"http://169.254.170.2/v2/credentials","Method":"GET"}`, "States.Permissions",
			[]string{"169.254.170.2"}, false},
		{"IPv6 metadata denied", nil,
			`{"ApiEndpoint":"http://[fd00:ec2::254]/latest/","Method":"GET"}`, "States.Permissions",
			[]string{"fd00:ec2::254"}, false},
		{"metadata name denied before DNS", nil,
			`{"ApiEndpoint":"http://metadata.google.internal/computeMetadata/v1/","Method":"GET"}`, "States.Permissions",
			[]string{"metadata.google.internal", "cloud metadata"}, false},
		{"loopback denied by default", nil,
			`{"ApiEndpoint":"{URL}/json","Method":"GET"}`, "States.Permissions", []string{"127.0.0.1", "loopback"}, false},
		{"name resolving to loopback denied at dial", nil,
			`{"ApiEndpoint":"{LOCALHOST}/json","Method":"GET"}`, "States.Permissions", []string{"loopback"}, false},
		{"denied network", &HTTPConfig{Egress: EgressPolicy{Deny: []string{"127.0.0.0/8"}}},
			`{"ApiEndpoint":"{URL}/json","Method":"GET"}`, "States.Permissions", []string{"EgressPolicy.Deny"}, false},
		{"denied host", &HTTPConfig{Egress: EgressPolicy{Allow: []string{"127.0.0.1"}, Deny: []string{"*.internal.example"}}},
			`{"ApiEndpoint":"http://api.internal.example/x","Method":"GET"}`, "States.Permissions",
			[]string{"api.internal.example", "EgressPolicy.Deny"}, false},
		{"redirect to metadata denied", &HTTPConfig{Egress: loopbackOK},
			`{"ApiEndpoint":"{URL}/redirect","Method":"GET","QueryParameters":{"to":"http://169.254.169.254/latest/"}}`,
			"States.Permissions", []string{"169.254.169.254"}, true},
		{"response over the limit", &HTTPConfig{Egress: loopbackOK, MaxResponseBytes: 1024},
			`{"ApiEndpoint":"{URL}/big","Method":"GET"}`, "States.DataLimitExceeded",
			[]string{"2048-byte body", "limit of 1024 bytes", "MaxResponseBytes"}, true},
		{"chunked response over the limit", &HTTPConfig{Egress: loopbackOK, MaxResponseBytes: 1024},
			`{"ApiEndpoint":"{URL}/big-chunked","Method":"GET"}`, "States.DataLimitExceeded",
			[]string{"longer than the limit of 1024 bytes"}, true},
		{"ConnectionArn without HTTPConfig.Connections", &HTTPConfig{Egress: loopbackOK},
			`{"ApiEndpoint":"{URL}/json","Method":"GET","Authentication":{"ConnectionArn":"arn:aws:events:us-east-1:123456789012:connection/x/1"}}`,
			"States.Runtime", []string{"Authentication.ConnectionArn", "HTTPConfig.Connections is nil"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, got := newHTTPServer(t)
			p := strings.ReplaceAll(tt.params, "{URL}", srv.URL)
			p = strings.ReplaceAll(p, "{LOCALHOST}", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1))
			out, err := callHTTP(t, httpRegistry(t, tt.cfg), p)
			require.Nil(t, out)
			require.NotNil(t, err)
			require.Equal(t, tt.wantName, err.Name, err.Cause)
			for _, want := range tt.wantCause {
				require.Contains(t, err.Cause, want)
			}
			if tt.reached {
				<-got
			} else {
				require.Empty(t, got)
			}
		})
	}
}

func TestHTTPInvalidParameters(t *testing.T) {
	t.Parallel()
	reg := httpRegistry(t, nil)
	tests := []struct {
		params string
		want   string
	}{
		{`[]`, "the parameters must be an object"},
		{`{"Method":"GET"}`, "ApiEndpoint is required"},
		{`{"ApiEndpoint":5,"Method":"GET"}`, "ApiEndpoint must be a string, got number"},
		{`{"ApiEndpoint":"/relative","Method":"GET"}`, `ApiEndpoint "/relative" is not an absolute https://`},
		{`{"ApiEndpoint":"ftp://example.com/","Method":"GET"}`, `ApiEndpoint "ftp://example.com/"`},
		{`{"ApiEndpoint":"https://example.com"}`, "Method is required"},
		{`{"ApiEndpoint":"https://example.com","Method":"get"}`, `Method "get" is not one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD`},
		{`{"ApiEndpoint":"https://example.com","Method":"TRACE"}`, `Method "TRACE"`},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","Body":{}}`, "unknown parameter Body"},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","Headers":[]}`, "Headers must be an object, got array"},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","Headers":{"X-A":{"b":1}}}`, "Headers.X-A must be a string, number or boolean, got object"},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","Headers":{"Host":"evil"}}`, "Headers.Host may not be set"},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","Headers":{"x-amz-date":"1"}}`, "Headers.x-amz-date may not be set"},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","QueryParameters":"a=b"}`, "QueryParameters must be an object, got string"},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","Transform":"x"}`, "Transform must be an object"},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","Transform":{"RequestBodyEncoding":"GZIP"}}`, `Transform.RequestBodyEncoding "GZIP" is not NONE or URL_ENCODED`},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","Transform":{"Encoding":"NONE"}}`, "unknown parameter Transform.Encoding"},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","Transform":{"RequestEncodingOptions":{"ArrayFormat":"SEMICOLONS"}}}`, `ArrayFormat "SEMICOLONS" is not INDICES, REPEAT, COMMAS or BRACKETS`},
		{`{"ApiEndpoint":"https://example.com","Method":"POST","RequestBody":[1],"Transform":{"RequestBodyEncoding":"URL_ENCODED"}}`, "RequestBody must be an object when Transform.RequestBodyEncoding is URL_ENCODED, got array"},
		{`{"ApiEndpoint":"https://example.com","Method":"POST","RequestBody":{"a":[{"b":1}]},"Transform":{"RequestBodyEncoding":"URL_ENCODED","RequestEncodingOptions":{"ArrayFormat":"COMMAS"}}}`, "RequestBody.a[0] is an object"},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","Authentication":{}}`, "Authentication.ConnectionArn must be a connection ARN or name"},
		{`{"ApiEndpoint":"https://example.com","Method":"GET","Authentication":"arn"}`, "Authentication must be an object"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			out, err := callHTTP(t, reg, tt.params)
			require.Nil(t, out)
			require.NotNil(t, err)
			require.Equal(t, asl.ErrorRuntime, err.Name)
			require.Contains(t, err.Cause, tt.want)
		})
	}
}

func TestRegisterHTTPPanics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  *HTTPConfig
		want string
	}{
		{"bad network", &HTTPConfig{Egress: EgressPolicy{Deny: []string{"10.0.0.0/40"}}}, `EgressPolicy.Deny entry "10.0.0.0/40"`},
		{"bad host", &HTTPConfig{Egress: EgressPolicy{Allow: []string{"not a host"}}}, `EgressPolicy.Allow entry "not a host" is neither`},
		{"negative limit", &HTTPConfig{MaxResponseBytes: -1}, "MaxResponseBytes -1 is negative"},
		{"foreign transport", &HTTPConfig{Client: &http.Client{Transport: roundTripFunc(nil)}}, "it must be nil or an *http.Transport"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.PanicsWithValue(t, "activities: RegisterHTTP: "+errorText(t, tt.cfg), func() { RegisterHTTP(NewRegistry(), tt.cfg) })
			require.Contains(t, errorText(t, tt.cfg), tt.want)
		})
	}
	reg := NewRegistry()
	RegisterHTTP(reg, nil)
	require.PanicsWithValue(t, `activities: Register: function "http:invoke" is already registered`, func() { RegisterHTTP(reg, nil) })
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func errorText(t *testing.T, cfg *HTTPConfig) string {
	t.Helper()
	_, err := newHTTPInvoker(cfg)
	require.Error(t, err)
	return err.Error()
}

func TestEgressRules(t *testing.T) {
	t.Parallel()
	rules, err := EgressPolicy{
		Allow: []string{"10.1.2.3", "api.example.com", "::ffff:192.0.2.0/120"},
		Deny:  []string{"10.0.0.0/8", "*.example.com", "192.0.2.0/24"},
	}.compile()
	require.NoError(t, err)
	for addr, allowed := range map[string]bool{
		"10.1.2.3": true, "10.1.2.4": false, "8.8.8.8": true, "127.0.0.1": false, "::1": false,
		"169.254.169.254": false, "fd00:ec2::254": false, "::ffff:169.254.169.254": false,
		"192.0.2.7": true, "172.16.0.1": true, "0.0.0.0": false, "fe80::1": false,
	} {
		require.Equal(t, allowed, rules.checkAddr(netip.MustParseAddr(addr)) == nil, addr)
	}
	for host, allowed := range map[string]bool{
		"api.example.com": true, "www.example.com": false, "example.com": true,
		"metadata.google.internal": false, "METADATA.GOOGLE.INTERNAL.": false, "example.org": true,
	} {
		require.Equal(t, allowed, rules.checkHost(host) == nil, host)
	}
}
