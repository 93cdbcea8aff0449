package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web"
)

func TestKeysCreate(t *testing.T) {
	t.Parallel()
	out := requireCLI(t, "keys", "create", "--scope", "read")
	var key web.Key
	require.NoError(t, json.Unmarshal([]byte(out), &key))
	require.Regexp(t, `^AKIA[A-Z2-7]{16}$`, key.ID)
	require.Len(t, key.Secret, 40)
	require.Equal(t, web.ScopeRead, key.Scope)
	_, err := web.ParseKeys([]byte("[" + out + "]"))
	require.NoError(t, err, "the entry fits the keys file")

	code, _, stderr := cli(t, "keys", "create")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "usage: stepwise keys create --scope admin|read")
	code, _, stderr = cli(t, "keys", "create", "--scope", "root")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, `scope "root"`)
}

// writeKeys writes a keys file with an admin key and returns its path.
func writeKeys(t *testing.T) string {
	t.Helper()
	return writeFile(t, t.TempDir(), "keys.json", `[{"id":"AKIAADMIN","secret":"admin-secret-0123456789","scope":"admin"}]`)
}

func TestServeAuthorize(t *testing.T) {
	t.Parallel()
	keys := writeKeys(t)
	bad := writeFile(t, t.TempDir(), "bad.json", `[]`)
	tests := []struct {
		name     string
		settings authSettings
		listen   string
		keys     bool
		warning  string
		err      string
	}{
		{"no keys", authSettings{}, "127.0.0.1:8080", false, "", "serve needs API keys: pass --api-keys FILE"},
		{"no keys, no API", authSettings{}, "", false, "", ""},
		{"keys on loopback", authSettings{keysFile: keys}, "127.0.0.1:8080", true, "", ""},
		{"keys on localhost", authSettings{keysFile: keys}, "localhost:8080", true, "", ""},
		{"keys over plain HTTP", authSettings{keysFile: keys}, "0.0.0.0:8080", false, "", "API keys would cross the network in clear text: --listen 0.0.0.0:8080"},
		{"keys over plain HTTP, every interface", authSettings{keysFile: keys}, ":8080", false, "", "--insecure-plain-http-keys"},
		{"keys over plain HTTP, allowed", authSettings{keysFile: keys, plainHTTPKeys: true}, "0.0.0.0:8080", true, "", ""},
		{"keys over TLS", authSettings{keysFile: keys, tls: true}, "0.0.0.0:8080", true, "", ""},
		{"insecure", authSettings{insecure: true}, "0.0.0.0:8080", false, "NO AUTHENTICATION", ""},
		{"both", authSettings{keysFile: keys, insecure: true}, "127.0.0.1:8080", false, "", "exclude each other"},
		{"empty keys file", authSettings{keysFile: bad}, "127.0.0.1:8080", false, "", "the list is empty"},
		{"missing keys file", authSettings{keysFile: filepath.Join(t.TempDir(), "none.json")}, "127.0.0.1:8080", false, "", "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			authorize, warning, err := serveAuthorize(tt.settings, tt.listen)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.keys, authorize != nil)
			if tt.warning == "" {
				require.Empty(t, warning)
			} else {
				require.Contains(t, warning, tt.warning)
			}
		})
	}
}

func TestDevAuthorize(t *testing.T) {
	t.Parallel()
	keys := writeKeys(t)
	tests := []struct {
		keysFile, listen string
		plain            bool
		ok, keys         bool
	}{
		{"", "127.0.0.1:8080", false, true, false},
		{"", "[::1]:8080", false, true, false},
		{"", "localhost:0", false, true, false},
		{"", "", false, true, false}, // --once: no API
		{"", ":8080", false, false, false},
		{"", "0.0.0.0:8080", false, false, false},
		{"", "192.0.2.1:8080", false, false, false},
		{"", "example.com:8080", false, false, false},
		{keys, "0.0.0.0:8080", true, true, true},
		{keys, "127.0.0.1:8080", false, true, true},
	}
	for _, tt := range tests {
		authorize, err := devAuthorize(authSettings{keysFile: tt.keysFile, plainHTTPKeys: tt.plain}, tt.listen)
		if !tt.ok {
			require.ErrorContains(t, err, "only on a loopback address", tt.listen)
			continue
		}
		require.NoError(t, err, tt.listen)
		require.Equal(t, tt.keys, authorize != nil, tt.listen)
	}
}

func TestServeRefusesWithoutKeys(t *testing.T) {
	t.Parallel()
	code, stdout, stderr := cli(t, "serve", "--database="+testkit.NewDatabase(t), "--listen", "127.0.0.1:0")
	require.Equal(t, 1, code, "stdout:\n%s", stdout)
	require.Contains(t, stderr, "serve needs API keys")
	require.Contains(t, stderr, "--insecure-no-auth")

	code, _, stderr = cli(t, "dev", "--listen", "0.0.0.0:0", "--database="+testkit.NewDatabase(t), "--examples-dir", examplesDir)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "only on a loopback address")
}

func TestServeWithKeys(t *testing.T) {
	t.Parallel()
	db := "--database=" + testkit.NewDatabase(t)
	serve := startBackground(t, "press Ctrl-C", "serve", db, "--listen", "127.0.0.1:0", "--api-keys", writeKeys(t))
	m := regexp.MustCompile(`HTTP API on (\S+)/v1 .*API keys required`).FindStringSubmatch(serve.stdout.String())
	require.NotNil(t, m, serve.stdout.String())
	get := func(auth string) int {
		req, err := http.NewRequest(http.MethodGet, m[1]+"/v1/state-machines", nil)
		require.NoError(t, err)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusUnauthorized, get(""))
	require.Equal(t, http.StatusOK, get("Bearer admin-secret-0123456789"))

	insecure := startBackground(t, "press Ctrl-C", "serve", "--database="+testkit.NewDatabase(t), "--listen", "127.0.0.1:0", "--insecure-no-auth")
	require.Contains(t, insecure.stderr.String(), "NO AUTHENTICATION")
	require.Contains(t, insecure.stdout.String(), "no authentication")
}
