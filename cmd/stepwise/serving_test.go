package main

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

// adminKey is the admin secret of writeKeys' file.
const adminKey = "Bearer admin-secret-0123456789"

// TestServeTLS serves the API over TLS on every interface with API keys
// (TLS lifts the plain-HTTP rule), with a self-signed certificate the
// client trusts; SIGHUP swaps in a new pair for new connections, and a
// bad pair on SIGHUP keeps the one in use.
func TestServeTLS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first := testkit.NewCertificate(t, time.Time{}, time.Time{})
	second := testkit.NewCertificate(t, time.Time{}, time.Time{})
	certFile, keyFile := writeFile(t, dir, "cert.pem", string(first.CertPEM)), writeFile(t, dir, "key.pem", string(first.KeyPEM))

	srv := startServe(t, "--database="+freshDatabase(t), "--listen", "0.0.0.0:0", "--api-keys", writeKeys(t), "--tls-cert", certFile, "--tls-key", keyFile)
	require.True(t, strings.HasPrefix(srv.url, "https://localhost:"), srv.url)
	require.True(t, strings.HasPrefix(srv.viewer, "https://"), srv.viewer)

	// served returns the serial number of the certificate a new
	// connection sees, after a request with the admin key.
	served := func() string {
		t.Helper()
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: testkit.CertPool(first, second)}}}
		defer client.CloseIdleConnections()
		req, err := http.NewRequest(http.MethodGet, srv.url+"/v1/state-machines", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", adminKey)
		resp, err := client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.GreaterOrEqual(t, resp.TLS.Version, uint16(tls.VersionTLS12))
		return resp.TLS.PeerCertificates[0].SerialNumber.String()
	}
	require.Equal(t, first.Cert.SerialNumber.String(), served())

	// Not plain HTTP, not TLS 1.1, not an untrusted certificate.
	resp, err := http.Get(strings.Replace(srv.url, "https://", "http://", 1) + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "Go answers plain HTTP on a TLS port with 400")
	old := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: testkit.CertPool(first), MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}}}
	_, err = old.Get(srv.url + "/healthz")
	require.ErrorContains(t, err, "protocol version")
	_, err = http.Get(srv.url + "/healthz")
	require.ErrorContains(t, err, "certificate")

	// SIGHUP: the new pair for new connections.
	require.NoError(t, os.WriteFile(certFile, second.CertPEM, 0o600))
	require.NoError(t, os.WriteFile(keyFile, second.KeyPEM, 0o600))
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGHUP))
	require.Eventually(t, func() bool {
		return strings.Contains(srv.stdout.String(), "TLS certificate reloaded from "+certFile+" and "+keyFile)
	}, 20*time.Second, 10*time.Millisecond)
	require.Equal(t, second.Cert.SerialNumber.String(), served())

	// SIGHUP with a key that is not the certificate's: the pair in use stays.
	require.NoError(t, os.WriteFile(certFile, first.CertPEM, 0o600))
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGHUP))
	require.Eventually(t, func() bool {
		return strings.Contains(srv.stderr.String(), "the TLS certificate was not reloaded, the previous one stays in use: ")
	}, 20*time.Second, 10*time.Millisecond)
	require.Contains(t, srv.stderr.String(), "private key does not match public key")
	require.Contains(t, srv.stderr.String(), certFile)
	require.Equal(t, second.Cert.SerialNumber.String(), served())
	require.Equal(t, exitOK, srv.interrupt(t))
}

// TestServeTLSFlagErrors: a TLS setting that cannot work stops serve at
// start, naming the file and what is wrong.
func TestServeTLSFlagErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := testkit.NewCertificate(t, time.Time{}, time.Time{})
	expired := testkit.NewCertificate(t, time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour))
	cert, key := writeFile(t, dir, "cert.pem", string(c.CertPEM)), writeFile(t, dir, "key.pem", string(c.KeyPEM))
	missing := filepath.Join(dir, "missing.pem")
	serve := []string{"serve", "--insecure-no-auth", "--listen", "127.0.0.1:0"}
	runErrorCases(t, []errorCase{
		{"cert without key", append(serve, "--tls-cert", cert), exitFailed, "--tls-cert and --tls-key go together"},
		{"missing cert", append(serve, "--tls-cert", missing, "--tls-key", key), exitFailed, "TLS certificate: open " + missing + ": no such file or directory"},
		{"swapped", append(serve, "--tls-cert", key, "--tls-key", cert), exitFailed, "TLS certificate " + key + " with key " + cert + ": "},
		{"expired", append(serve, "--tls-cert", writeFile(t, dir, "expired.pem", string(expired.CertPEM)), "--tls-key", writeFile(t, dir, "expired.key", string(expired.KeyPEM))),
			exitFailed, "expired.pem expired at "},
		{"dev", []string{"dev", "--tls-key", key}, exitFailed, "--tls-cert and --tls-key go together"},
		{"bad CORS origin", append(serve, "--cors-origin", "https://app.example.com/"), exitFailed, "--cors-origin: CORS origin \"https://app.example.com/\""},
	})
}

// TestServePlainHTTPKeys: API keys over plain HTTP off loopback are
// refused unless --insecure-plain-http-keys says so.
func TestServePlainHTTPKeys(t *testing.T) {
	t.Parallel()
	keys := writeKeys(t)
	code, _, stderr := cli(t, "serve", "--listen", "0.0.0.0:0", "--api-keys", keys)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, "API keys would cross the network in clear text: --listen 0.0.0.0:0 is not a loopback address")
	require.Contains(t, stderr, "--insecure-plain-http-keys")
	code, _, stderr = cli(t, "dev", "--listen", ":0", "--api-keys", keys)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, "in clear text")

	srv := startBackground(t, "press Ctrl-C", "serve", "--database="+testkit.NewDatabase(t), "--listen", "0.0.0.0:0", "--api-keys", keys, "--insecure-plain-http-keys")
	require.Contains(t, srv.stdout.String(), "HTTP API on http://localhost:")
}

// TestServeHeadAndCORS: HEAD answers every kind of GET route as its GET
// does, without a body; CORS answers preflights and marks the answers of
// allowed origins on the REST API and the AWS protocol endpoint, and of
// no other origin.
func TestServeHeadAndCORS(t *testing.T) {
	t.Parallel()
	const origin, refused = "https://app.example.com", "https://evil.example.net"
	srv := startServe(t, "--database="+freshDatabase(t), "--listen", "127.0.0.1:0", "--api-keys", writeKeys(t),
		"--cors-origin", origin+", http://localhost:3000", "--cors-origin", "https://other.example.com")
	send := func(method, path, origin string, header map[string]string, body string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.url+path, strings.NewReader(body))
		require.NoError(t, err)
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		data, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp, string(data)
	}
	admin := map[string]string{"Authorization": adminKey}
	resp, body := send(http.MethodPost, "/v1/state-machines", "", admin,
		`{"name": "waits", "definition": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}}}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	resp, body = send(http.MethodPost, "/v1/state-machines/waits/executions", "", admin, `{"name": "e1"}`)
	require.Equal(t, http.StatusCreated, resp.StatusCode, body)
	var exec struct{ ARN string }
	require.NoError(t, json.Unmarshal([]byte(body), &exec))
	arn := exec.ARN

	// HEAD: the GET's status and headers, no body.
	for _, path := range []string{"/v1/state-machines", "/v1/state-machines/waits", "/v1/executions/" + arn, "/ui/", "/ui/assets/none.js",
		"/healthz", "/readyz", "/metrics", "/"} {
		get, getBody := send(http.MethodGet, path, "", admin, "")
		head, headBody := send(http.MethodHead, path, "", admin, "")
		require.Equal(t, get.StatusCode, head.StatusCode, path)
		require.Contains(t, []int{200, 302, 404}, head.StatusCode, path)
		require.Empty(t, headBody, path)
		if get.StatusCode != http.StatusFound {
			require.NotEmpty(t, getBody, path)
		}
		for _, h := range []string{"Content-Type", "Location", "Cache-Control"} {
			require.Equal(t, get.Header.Get(h), head.Header.Get(h), "%s %s", path, h)
		}
		if path == "/healthz" || path == "/v1/state-machines/waits" {
			require.Equal(t, get.Header.Get("Content-Length"), head.Header.Get("Content-Length"), path)
		}
	}
	for _, path := range []string{"/v1/state-machines", "/ui/", "/healthz", "/metrics"} {
		head, _ := send(http.MethodHead, path, "", admin, "")
		require.Equal(t, http.StatusOK, head.StatusCode, path)
	}
	head, _ := send(http.MethodHead, "/v1/state-machines", "", nil, "")
	require.Equal(t, http.StatusUnauthorized, head.StatusCode, "HEAD needs the key GET needs")
	began := time.Now()
	head, _ = send(http.MethodHead, "/v1/executions/"+arn+"/events/stream", "", admin, "")
	require.Equal(t, http.StatusOK, head.StatusCode)
	require.Equal(t, "text/event-stream", head.Header.Get("Content-Type"))
	require.Less(t, time.Since(began), 10*time.Second, "HEAD on the stream ends at its headers")
	resp, _ = send(http.MethodDelete, "/v1/executions", "", admin, "")
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.Equal(t, "OPTIONS, GET, HEAD", resp.Header.Get("Allow"))
	_, metrics := send(http.MethodGet, "/metrics", "", admin, "")
	require.Contains(t, metrics, `method="HEAD",route="/healthz"`)

	// CORS on the REST API: preflight, then the request, also refused.
	preflight := map[string]string{"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"}
	resp, _ = send(http.MethodOptions, "/v1/state-machines", origin, preflight, "")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "POST")
	require.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "HEAD")
	for _, h := range []string{"Authorization", "Content-Type", "X-Amz-Target", "X-Amz-Date", "X-Amz-Content-Sha256", "X-Amz-Security-Token", "amz-sdk-invocation-id", "amz-sdk-request"} {
		require.Contains(t, resp.Header.Get("Access-Control-Allow-Headers"), h)
	}
	require.Equal(t, "3600", resp.Header.Get("Access-Control-Max-Age"))
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Credentials"))
	resp, _ = send(http.MethodOptions, "/v1/state-machines", refused, preflight, "")
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), "a refused origin gets no CORS headers")
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Methods"))

	resp, _ = send(http.MethodGet, "/v1/state-machines", "http://localhost:3000", admin, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "http://localhost:3000", resp.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "X-Amzn-RequestId")
	require.Contains(t, resp.Header.Values("Vary"), "Origin")
	resp, _ = send(http.MethodGet, "/v1/state-machines", origin, nil, "")
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"), "the page can read the error")
	resp, _ = send(http.MethodGet, "/v1/state-machines", refused, admin, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
	resp, _ = send(http.MethodGet, "/healthz", origin, nil, "")
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"), "CORS covers the APIs only")

	// CORS on the AWS protocol endpoint, as the JS SDK in a browser sends it.
	resp, _ = send(http.MethodOptions, "/", origin, map[string]string{"Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-target,x-amz-user-agent"}, "")
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	require.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, resp.Header.Get("Access-Control-Allow-Methods"), "POST")
	aws := map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions.ListStateMachines",
		"Authorization": "AWS4-HMAC-SHA256 Credential=AKIAADMIN/20261203/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0"}
	resp, body = send(http.MethodPost, "/", origin, aws, `{}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, body)
	require.Contains(t, body, `"name":"waits"`)
	require.Equal(t, origin, resp.Header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, resp.Header.Get("Access-Control-Expose-Headers"), "X-Amzn-RequestId")
	require.NotEmpty(t, resp.Header.Get("X-Amzn-RequestId"))
	resp, _ = send(http.MethodPost, "/", refused, aws, `{}`)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
}

// TestServeWithoutCORS: without --cors-origin no answer carries CORS
// headers.
func TestServeWithoutCORS(t *testing.T) {
	t.Parallel()
	srv := startBackground(t, "press Ctrl-C", "serve", "--database="+testkit.NewDatabase(t), "--listen", "127.0.0.1:0", "--insecure-no-auth")
	url := field(t, strings.ReplaceAll(srv.stdout.String(), "HTTP API on ", "api: "), "api")
	url = strings.Fields(url)[0]
	req, err := http.NewRequest(http.MethodOptions, strings.TrimSuffix(url, "/v1")+"/v1/state-machines", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "https://app.example.com")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Empty(t, resp.Header.Get("Access-Control-Allow-Origin"))
}
