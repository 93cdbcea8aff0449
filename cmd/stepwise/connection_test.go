package main

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

// TestConnectionCommands creates, lists, describes and deletes
// connections in process; the secrets come from a file or a flag and are
// never printed, and without a key creating one is refused.
func TestConnectionCommands(t *testing.T) {
	t.Parallel()
	db := "--database=" + testkit.NewDatabase(t)
	dir := t.TempDir()
	keyFile := "--secret-key-file=" + writeFile(t, dir, "key", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{3}, 32))+"\n")
	const apiKey, password = "cli-api-key-secret-1", "cli-password-secret-2"
	secretFile := writeFile(t, dir, "secret", apiKey+"\n")

	out := requireCLI(t, "connection", "create", "keyed", "--auth", "api-key", "--api-key-name", "X-Api-Key",
		"--secret-file", secretFile, "--header", "X-Tenant=acme", "--description", "the keyed API", keyFile, db)
	require.Regexp(t, `arn: arn:aws:events:us-east-1:000000000000:connection/keyed/[0-9a-f-]{36}\n`, out)
	require.Contains(t, out, `"ApiKeyName":"X-Api-Key"`)
	requireCLI(t, "connection", "create", "basic", "--auth", "basic", "--username", "ann", "--secret", password, keyFile, db)

	list := requireCLI(t, "connection", "list", db)
	require.Regexp(t, `basic\s+BASIC`, list)
	require.Regexp(t, `keyed\s+API_KEY`, list)
	described := requireCLI(t, "connection", "describe", "keyed", "-o", "json", db)
	require.Contains(t, described, `"description":"the keyed API"`)
	require.Contains(t, described, `"Key":"X-Tenant","Value":"acme"`)
	for _, text := range []string{out, list, described, requireCLI(t, "connection", "describe", "basic", db)} {
		require.NotContains(t, text, apiKey)
		require.NotContains(t, text, password)
	}

	code, _, stderr := cli(t, "connection", "create", "nokey", "--auth", "basic", "--username", "u", "--secret", "p", db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "SecretKeyNotConfigured")
	code, _, stderr = cli(t, "connection", "create", "bad", "--auth", "digest", keyFile, db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "--auth")
	code, _, stderr = cli(t, "connection", "create", "bad", "--auth", "basic", "--username", "u", "--secret", "p",
		"--secret-key-file="+writeFile(t, dir, "short", "c2hvcnQ="), db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "base64 of 32 bytes")

	require.Contains(t, requireCLI(t, "connection", "delete", "keyed", db), "connection keyed deleted")
	code, _, stderr = cli(t, "connection", "describe", "keyed", db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "ConnectionDoesNotExist")
}

// TestConnectionServe runs an HTTP Task naming a connection on stepwise
// serve: the connection created in process with the same key reaches the
// server's HTTP Task, whose request carries the API key.
func TestConnectionServe(t *testing.T) {
	t.Parallel()
	const apiKey = "serve-api-key-secret-3"
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != apiKey {
			http.Error(w, "no key", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"paid":true}`))
	}))
	t.Cleanup(api.Close)
	db := "--database=" + testkit.NewDatabase(t)
	dir := t.TempDir()
	keyFile := "--secret-key-file=" + writeFile(t, dir, "key", base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{5}, 32)))
	startBackground(t, "press Ctrl-C", "serve", "--insecure-no-auth", "--http-allow", "127.0.0.1", keyFile, db)

	requireCLI(t, "connection", "create", "payments", "--auth", "api-key", "--api-key-name", "X-Api-Key", "--secret", apiKey, keyFile, db)
	machine := writeFile(t, dir, "pay.json", `{"StartAt":"Pay","States":{"Pay":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
		"Parameters":{"ApiEndpoint":"`+api.URL+`/pay","Method":"POST","Authentication":{"ConnectionArn":"payments"}},
		"ResultSelector":{"body.$":"$.ResponseBody"},"End":true}}}`)
	requireCLI(t, "sm", "create", "pay", machine, db)
	out := requireCLI(t, "exec", "start", "pay", "--wait", db)
	require.Contains(t, out, `output: {"body":{"paid":true}}`)
	require.NotContains(t, requireCLI(t, "exec", "history", field(t, out, "arn"), "--details", db), apiKey)
}
