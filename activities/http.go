package activities

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/asl"
)

// Error names of the HTTP Task, as AWS names them.
const (
	// ErrorHTTPSocket names a request that got no response: a timeout
	// (AWS: "an HTTP task times out after 60 seconds"), a refused
	// connection or a failed DNS lookup.
	ErrorHTTPSocket = "States.Http.Socket"
	// ErrorHTTPStatusCodePrefix starts the name of the error raised for a
	// response whose status is not 2xx: States.Http.StatusCode.404.
	ErrorHTTPStatusCodePrefix = "States.Http.StatusCode."
	// ErrorPermissions names a destination the EgressPolicy refuses.
	ErrorPermissions = "States.Permissions"
)

// Defaults of HTTPConfig.
const (
	// DefaultHTTPTimeout is the timeout of the default client: AWS's HTTP
	// Task gives up after 60 seconds.
	DefaultHTTPTimeout = 60 * time.Second
	// DefaultMaxResponseBytes is 256 KiB, AWS's payload size quota.
	DefaultMaxResponseBytes = 256 * 1024
)

// HTTPConfig configures the http:invoke function. A nil *HTTPConfig is the
// zero HTTPConfig, that is all defaults.
type HTTPConfig struct {
	// Client sends the requests. Default: a client with a
	// DefaultHTTPTimeout (60 s) timeout; a given Client's Timeout is used
	// as is (0: none but the task's own). Its Transport must be nil (the
	// default transport's settings are used) or an *http.Transport; either
	// way it is cloned with its dialling replaced so the Egress policy
	// checks every address, its DialTLSContext cleared and its Proxy
	// removed (a proxy would hide the destination from the check). Its
	// CheckRedirect, when set, still runs after the policy's host check.
	Client *http.Client
	// Egress says which destinations may be called. Default: the zero
	// EgressPolicy, which refuses cloud metadata services, loopback,
	// link-local and unspecified addresses and permits the rest.
	Egress EgressPolicy
	// Connections finds the connections tasks name in
	// Authentication.ConnectionArn. Default (nil): none, and a task that
	// names one fails with States.Runtime.
	Connections ConnectionSource
	// Now is the clock that OAuth tokens expire by. Default: time.Now.
	Now func() time.Time
	// MaxResponseBytes bounds the response body. Default (0):
	// DefaultMaxResponseBytes, 256 KiB. A longer body fails the task with
	// States.DataLimitExceeded.
	MaxResponseBytes int64
}

// RegisterHTTP registers the function HTTPInvoke ("http:invoke"), which
// runs HTTP Tasks: it takes the task's parameters as AWS documents them
// for arn:aws:states:::http:invoke and returns AWS's result (see the
// package documentation). A configuration that cannot work (an invalid
// EgressPolicy entry, a Client whose Transport is not an *http.Transport,
// a negative MaxResponseBytes) or registering twice panics, like Register.
func RegisterHTTP(reg *Registry, cfg *HTTPConfig) {
	h, err := newHTTPInvoker(cfg)
	if err != nil {
		panic("activities: RegisterHTTP: " + err.Error())
	}
	reg.add(HTTPInvoke, h.invoke)
}

// httpInvoker runs http:invoke tasks.
type httpInvoker struct {
	client   *http.Client
	rules    *egressRules
	maxBytes int64
	conns    ConnectionSource
	tokens   *oauthTokens
}

func newHTTPInvoker(cfg *HTTPConfig) (*httpInvoker, error) {
	if cfg == nil {
		cfg = &HTTPConfig{}
	}
	rules, err := cfg.Egress.compile()
	if err != nil {
		return nil, err
	}
	maxBytes := cfg.MaxResponseBytes
	switch {
	case maxBytes < 0:
		return nil, fmt.Errorf("MaxResponseBytes %d is negative", maxBytes)
	case maxBytes == 0:
		maxBytes = DefaultMaxResponseBytes
	}
	var client http.Client
	if cfg.Client != nil {
		client = *cfg.Client
	} else {
		client.Timeout = DefaultHTTPTimeout
	}
	var transport *http.Transport
	switch t := client.Transport.(type) {
	case nil:
		transport = http.DefaultTransport.(*http.Transport).Clone()
	case *http.Transport:
		transport = t.Clone()
	default:
		return nil, fmt.Errorf("Client.Transport is a %T; it must be nil or an *http.Transport so the egress policy can check the addresses dialled", t)
	}
	transport.Proxy = nil
	transport.DialTLSContext = nil
	transport.DialTLS = nil //nolint:staticcheck // cleared so no dial escapes the policy
	transport.Dial = nil    //nolint:staticcheck // likewise
	transport.DialContext = rules.dialer(&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second})
	client.Transport = transport
	userRedirect := client.CheckRedirect
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := rules.checkHost(req.URL.Hostname()); err != nil {
			return err
		}
		if userRedirect != nil {
			return userRedirect(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &httpInvoker{client: &client, rules: rules, maxBytes: maxBytes, conns: cfg.Connections,
		tokens: newOAuthTokens(&client, now)}, nil
}

// httpRequest is the parsed parameters of an HTTP Task.
type httpRequest struct {
	// endpoint is the task's URL, the one errors name; the request goes
	// to endpoint with the connection's query parameters (sendURL).
	endpoint *url.URL
	method   string
	headers  http.Header
	// body is RequestBody, hasBody whether the task gave one; encoded is
	// what encodeBody made of it.
	body        any
	hasBody     bool
	encoded     []byte
	urlEncoded  bool
	arrayFormat string
	// connection is Authentication.ConnectionArn ("" for none); conn is
	// the connection it names, once found.
	connection string
	conn       *Connection
	// query is the connection's query string parameters (see sendURL).
	query []HTTPParameter
	// secrets are the values no error cause may show: the connection's
	// secrets and the credentials sent.
	secrets []string
}

// httpParamError reports parameters that cannot be run as written.
func httpParamError(format string, args ...any) *asl.Error {
	return asl.NewError(asl.ErrorRuntime, "invalid http:invoke parameters: "+format, args...)
}

var httpMethods = map[string]bool{
	http.MethodGet: true, http.MethodPost: true, http.MethodPut: true, http.MethodDelete: true,
	http.MethodPatch: true, http.MethodOptions: true, http.MethodHead: true,
}

var httpParams = map[string]bool{
	"ApiEndpoint": true, "Method": true, "Authentication": true, "Headers": true,
	"QueryParameters": true, "RequestBody": true, "Transform": true,
}

// Array formats of RequestEncodingOptions.ArrayFormat.
const (
	arrayIndices  = "INDICES"
	arrayRepeat   = "REPEAT"
	arrayCommas   = "COMMAS"
	arrayBrackets = "BRACKETS"
)

// headersRefused are request headers Stepwise does not let a task set:
// the transport owns them.
var headersRefused = map[string]bool{
	"Host": true, "Content-Length": true, "Transfer-Encoding": true, "Connection": true,
	"Upgrade": true, "Te": true, "Trailer": true, "Expect": true,
}

// parseHTTPParams turns the task's parameters into a request.
func parseHTTPParams(payload any) (*httpRequest, error) {
	params, ok := payload.(map[string]any)
	if !ok {
		return nil, httpParamError("the parameters must be an object holding ApiEndpoint and Method, got %s", asl.JSONType(payload))
	}
	var unknown []string
	for k := range params {
		if !httpParams[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, httpParamError("unknown parameter %s (the HTTP Task takes ApiEndpoint, Method, Authentication, Headers, QueryParameters, RequestBody and Transform)", strings.Join(unknown, ", "))
	}
	req := &httpRequest{headers: http.Header{}}
	if auth, ok := params["Authentication"]; ok {
		ref, err := parseAuthentication(auth)
		if err != nil {
			return nil, err
		}
		req.connection = ref
	}

	raw, ok := params["ApiEndpoint"]
	if !ok {
		return nil, httpParamError("ApiEndpoint is required")
	}
	endpoint, isStr := raw.(string)
	if !isStr {
		return nil, httpParamError("ApiEndpoint must be a string, got %s", asl.JSONType(raw))
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, httpParamError("ApiEndpoint %q is not an absolute https:// (or http://) URL", endpoint)
	}
	req.endpoint = u

	raw, ok = params["Method"]
	if !ok {
		return nil, httpParamError("Method is required")
	}
	method, isStr := raw.(string)
	if !isStr || !httpMethods[method] {
		return nil, httpParamError("Method %s is not one of GET, POST, PUT, DELETE, PATCH, OPTIONS, HEAD", asl.EncodeJSON(raw))
	}
	req.method = method

	arrayFormat, urlEncoded, err := parseTransform(params["Transform"])
	if err != nil {
		return nil, err
	}

	if raw, ok := params["Headers"]; ok {
		h, isObj := raw.(map[string]any)
		if !isObj {
			return nil, httpParamError("Headers must be an object, got %s", asl.JSONType(raw))
		}
		for name, v := range h {
			canonical := http.CanonicalHeaderKey(name)
			if headersRefused[canonical] || strings.HasPrefix(canonical, "X-Amz-") || strings.HasPrefix(canonical, "X-Amzn-") {
				return nil, httpParamError("Headers.%s may not be set by a task", name)
			}
			s, ok := scalarString(v)
			if !ok {
				return nil, httpParamError("Headers.%s must be a string, number or boolean, got %s", name, asl.JSONType(v))
			}
			req.headers.Set(name, s)
		}
	}

	if raw, ok := params["QueryParameters"]; ok {
		encoded, err := formObject("QueryParameters", "", raw, arrayFormat)
		if err != nil {
			return nil, err
		}
		if encoded != "" {
			if u.RawQuery != "" {
				u.RawQuery += "&"
			}
			u.RawQuery += encoded
		}
	}

	req.body, req.hasBody = params["RequestBody"]
	req.arrayFormat, req.urlEncoded = arrayFormat, urlEncoded
	return req, nil
}

// parseAuthentication reads Authentication: {"ConnectionArn": ARN or name}.
func parseAuthentication(auth any) (string, error) {
	a, isObj := auth.(map[string]any)
	if !isObj {
		return "", httpParamError("Authentication must be an object holding ConnectionArn, got %s", asl.JSONType(auth))
	}
	for k := range a {
		if k != "ConnectionArn" {
			return "", httpParamError("unknown parameter Authentication.%s (Authentication takes ConnectionArn)", k)
		}
	}
	ref, isStr := a["ConnectionArn"].(string)
	if !isStr || ref == "" {
		return "", httpParamError("Authentication.ConnectionArn must be a connection ARN or name, got %s", asl.EncodeJSON(a["ConnectionArn"]))
	}
	return ref, nil
}

// encodeBody renders RequestBody, as merged with the connection's body
// parameters, into the bytes sent, and sets the Content-Type unless the
// task set one.
func (req *httpRequest) encodeBody() error {
	if !req.hasBody {
		return nil
	}
	contentType := "application/json"
	if req.urlEncoded {
		encoded, err := formObject("RequestBody", " when Transform.RequestBodyEncoding is URL_ENCODED", req.body, req.arrayFormat)
		if err != nil {
			return err
		}
		req.encoded = []byte(encoded)
		contentType = "application/x-www-form-urlencoded"
	} else if s, isStr := req.body.(string); isStr {
		req.encoded = []byte(s)
	} else {
		req.encoded = []byte(asl.EncodeJSON(req.body))
	}
	if req.headers.Get("Content-Type") == "" {
		req.headers.Set("Content-Type", contentType)
	}
	return nil
}

// parseTransform reads Transform: RequestBodyEncoding NONE (default) or
// URL_ENCODED, and RequestEncodingOptions.ArrayFormat (default INDICES).
func parseTransform(raw any) (arrayFormat string, urlEncoded bool, err error) {
	arrayFormat = arrayIndices
	if raw == nil {
		return arrayFormat, false, nil
	}
	t, ok := raw.(map[string]any)
	if !ok {
		return "", false, httpParamError("Transform must be an object, got %s", asl.JSONType(raw))
	}
	for k := range t {
		if k != "RequestBodyEncoding" && k != "RequestEncodingOptions" {
			return "", false, httpParamError("unknown parameter Transform.%s (Transform takes RequestBodyEncoding and RequestEncodingOptions)", k)
		}
	}
	switch enc := t["RequestBodyEncoding"]; enc {
	case nil, "NONE":
	case "URL_ENCODED":
		urlEncoded = true
	default:
		return "", false, httpParamError("Transform.RequestBodyEncoding %s is not NONE or URL_ENCODED", asl.EncodeJSON(enc))
	}
	if rawOpts, ok := t["RequestEncodingOptions"]; ok {
		opts, isObj := rawOpts.(map[string]any)
		if !isObj {
			return "", false, httpParamError("Transform.RequestEncodingOptions must be an object, got %s", asl.JSONType(rawOpts))
		}
		for k := range opts {
			if k != "ArrayFormat" {
				return "", false, httpParamError("unknown parameter Transform.RequestEncodingOptions.%s (it takes ArrayFormat)", k)
			}
		}
		if f, ok := opts["ArrayFormat"]; ok {
			switch f {
			case arrayIndices, arrayRepeat, arrayCommas, arrayBrackets:
				arrayFormat = f.(string)
			default:
				return "", false, httpParamError("Transform.RequestEncodingOptions.ArrayFormat %s is not INDICES, REPEAT, COMMAS or BRACKETS", asl.EncodeJSON(f))
			}
		}
	}
	return arrayFormat, urlEncoded, nil
}

// scalarString renders a JSON scalar as text: a string as itself, a
// number or boolean as its JSON text, null as "".
func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case nil:
		return "", true
	case map[string]any, []any:
		return "", false
	}
	return asl.EncodeJSON(v), true
}

// formObject form-encodes the parameter where, which must be an object
// (when says in which case, for the error).
func formObject(where, when string, raw any, arrayFormat string) (string, error) {
	obj, isObj := raw.(map[string]any)
	if !isObj {
		return "", httpParamError("%s must be an object%s, got %s", where, when, asl.JSONType(raw))
	}
	return formEncode(where, obj, arrayFormat)
}

// formEncode renders an object as application/x-www-form-urlencoded text,
// keys sorted. Arrays follow arrayFormat, for {"a": ["x","y"]}:
//
//	INDICES   a[0]=x&a[1]=y
//	REPEAT    a=x&a=y
//	COMMAS    a=x,y
//	BRACKETS  a[]=x&a[]=y
//
// Nested objects become a[key]=value. where names the parameter in errors.
func formEncode(where string, obj map[string]any, arrayFormat string) (string, error) {
	var pairs []string
	add := func(k, v string) { pairs = append(pairs, url.QueryEscape(k)+"="+url.QueryEscape(v)) }
	var walk func(path, key string, v any) error
	walk = func(path, key string, v any) error {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if err := walk(path+"."+k, key+"["+k+"]", x[k]); err != nil {
					return err
				}
			}
		case []any:
			if arrayFormat == arrayCommas {
				parts := make([]string, len(x))
				for i, item := range x {
					s, ok := scalarString(item)
					if !ok {
						return httpParamError("%s[%d] is an %s; with ArrayFormat COMMAS array items must be strings, numbers or booleans", path, i, asl.JSONType(item))
					}
					parts[i] = url.QueryEscape(s)
				}
				// The commas separate the items, so they stay literal.
				pairs = append(pairs, url.QueryEscape(key)+"="+strings.Join(parts, ","))
				return nil
			}
			for i, item := range x {
				itemKey := key
				switch arrayFormat {
				case arrayIndices:
					itemKey = key + "[" + strconv.Itoa(i) + "]"
				case arrayBrackets:
					itemKey = key + "[]"
				}
				if err := walk(fmt.Sprintf("%s[%d]", path, i), itemKey, item); err != nil {
					return err
				}
			}
		default:
			s, _ := scalarString(v)
			add(key, s)
		}
		return nil
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := walk(where+"."+k, k, obj[k]); err != nil {
			return "", err
		}
	}
	return strings.Join(pairs, "&"), nil
}

// invoke is the registered function: it runs one HTTP Task. The causes
// of its errors never hold the connection's secret values.
func (h *httpInvoker) invoke(ctx context.Context, payload any) (any, error) {
	req, err := parseHTTPParams(payload)
	if err != nil {
		return nil, err
	}
	out, err := h.send(ctx, req)
	if err != nil {
		err = scrubCause(err, req.secrets)
	}
	return out, err
}

// send checks the destination, applies the connection, sends the request
// and reads the response.
func (h *httpInvoker) send(ctx context.Context, req *httpRequest) (any, error) {
	if err := h.rules.checkHost(req.endpoint.Hostname()); err != nil {
		return nil, egressFailure(err)
	}
	if err := h.connect(ctx, req); err != nil {
		return nil, err
	}
	if err := req.encodeBody(); err != nil {
		return nil, err
	}
	httpReq, err := req.build(ctx)
	if err != nil {
		return nil, err
	}
	traceRequest(ctx, req, httpReq)
	resp, err := h.client.Do(httpReq)
	if err != nil {
		return nil, h.transportFailure(ctx, req, err)
	}
	defer func() { _ = resp.Body.Close() }()
	h.rejected(req, resp.StatusCode)
	return h.result(ctx, req, resp)
}

// build makes the http.Request of req.
func (req *httpRequest) build(ctx context.Context) (*http.Request, error) {
	var body io.Reader
	if req.encoded != nil {
		body = bytes.NewReader(req.encoded)
	}
	httpReq, err := http.NewRequestWithContext(ctx, req.method, req.sendURL(), body)
	if err != nil {
		return nil, httpParamError("cannot build the request: %v", err)
	}
	for k, v := range req.headers {
		httpReq.Header[k] = v
	}
	return httpReq, nil
}

// result reads the response into AWS's result, or the error of a non-2xx
// status.
func (h *httpInvoker) result(ctx context.Context, req *httpRequest, resp *http.Response) (any, error) {
	if resp.ContentLength > h.maxBytes {
		return nil, h.tooLarge(req, resp.ContentLength)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, h.maxBytes+1))
	if err != nil {
		return nil, h.transportFailure(ctx, req, err)
	}
	if int64(len(data)) > h.maxBytes {
		return nil, h.tooLarge(req, -1)
	}
	traceResponse(ctx, req, resp, data)
	out := httpResult(resp, data)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &asl.Error{
			Name:  ErrorHTTPStatusCodePrefix + strconv.Itoa(resp.StatusCode),
			Cause: statusCause(out),
		}
	}
	return out, nil
}

// tooLarge is the error of a response body over MaxResponseBytes; size is
// -1 when the server did not say how long the body is.
func (h *httpInvoker) tooLarge(req *httpRequest, size int64) *asl.Error {
	if size >= 0 {
		return asl.NewError(asl.ErrorDataLimitExceeded,
			"the response of %s %s has a %d-byte body, over the limit of %d bytes (HTTPConfig.MaxResponseBytes)",
			req.method, redactedURL(req.endpoint), size, h.maxBytes)
	}
	return asl.NewError(asl.ErrorDataLimitExceeded,
		"the response body of %s %s is longer than the limit of %d bytes (HTTPConfig.MaxResponseBytes)",
		req.method, redactedURL(req.endpoint), h.maxBytes)
}

// transportFailure names an error that left the task without a response.
func (h *httpInvoker) transportFailure(ctx context.Context, req *httpRequest, err error) error {
	var denied *egressError
	if errors.As(err, &denied) {
		return egressFailure(denied)
	}
	if ctx.Err() != nil {
		// The task's own deadline or cancellation: the registry maps it
		// (States.Timeout, or the context's cause such as
		// States.HeartbeatTimeout).
		return fmt.Errorf("%s %s: %w", req.method, redactedURL(req.endpoint), ctx.Err())
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		after := ""
		if h.client.Timeout > 0 {
			after = " after " + h.client.Timeout.String()
		}
		return &asl.Error{Name: ErrorHTTPSocket, Err: err,
			Cause: fmt.Sprintf("%s %s timed out%s: %v", req.method, redactedURL(req.endpoint), after, unwrapURLError(err))}
	}
	return &asl.Error{Name: ErrorHTTPSocket, Err: err,
		Cause: fmt.Sprintf("%s %s failed: %v", req.method, redactedURL(req.endpoint), unwrapURLError(err))}
}

func unwrapURLError(err error) error {
	var u *url.Error
	if errors.As(err, &u) {
		return u.Err
	}
	return err
}

func egressFailure(err error) *asl.Error {
	return &asl.Error{Name: ErrorPermissions, Cause: "http:invoke: " + err.Error(), Err: err}
}

// redactedURL renders the endpoint without user information.
func redactedURL(u *url.URL) string {
	return u.Redacted()
}

// httpResult is AWS's result of an HTTP Task: Headers (each name to an
// array of its values), ResponseBody (parsed JSON for a JSON content type,
// else text), StatusCode (a number) and StatusText.
func httpResult(resp *http.Response, data []byte) map[string]any {
	headers := make(map[string]any, len(resp.Header))
	for k, vs := range resp.Header {
		values := make([]any, len(vs))
		for i, v := range vs {
			values[i] = v
		}
		headers[k] = values
	}
	var body any = strings.ToValidUTF8(string(data), "\uFFFD")
	if isJSONMedia(resp.Header.Get("Content-Type")) && len(bytes.TrimSpace(data)) > 0 {
		if v, err := asl.DecodeJSON(data); err == nil {
			body = v
		}
	}
	return map[string]any{
		"Headers":      headers,
		"ResponseBody": body,
		"StatusCode":   int64(resp.StatusCode),
		"StatusText":   reasonPhrase(resp),
	}
}

func isJSONMedia(contentType string) bool {
	media, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return media == "application/json" || strings.HasSuffix(media, "+json")
}

// maxCauseBytes is AWS's limit on an error cause.
const maxCauseBytes = 32768

// statusCause is the cause of a non-2xx error: the result object as JSON,
// so a Catch can read it back with States.StringToJson; a response body
// that would push the cause past 32768 bytes is cut short, as a string.
func statusCause(out map[string]any) string {
	cause := asl.EncodeJSON(out)
	if len(cause) <= maxCauseBytes {
		return cause
	}
	body := asl.EncodeJSON(out["ResponseBody"])
	if s, ok := out["ResponseBody"].(string); ok {
		body = s
	}
	over := len(cause) - maxCauseBytes + 64
	if over < len(body) {
		body = strings.ToValidUTF8(body[:len(body)-over], "") + "...(truncated)"
	} else {
		body = "...(truncated)"
	}
	trimmed := make(map[string]any, len(out))
	for k, v := range out {
		trimmed[k] = v
	}
	trimmed["ResponseBody"] = body
	cause = asl.EncodeJSON(trimmed)
	if len(cause) > maxCauseBytes {
		raw, _ := json.Marshal(map[string]any{"StatusCode": out["StatusCode"], "StatusText": out["StatusText"]})
		cause = string(raw)
	}
	return cause
}

// reasonPhrase is the reason phrase of the response's status line, or
// the standard one when the server sent none.
func reasonPhrase(resp *http.Response) string {
	text := strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
	if text == "" {
		text = http.StatusText(resp.StatusCode)
	}
	return text
}
