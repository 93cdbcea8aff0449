package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"

	"github.com/stepwise-run/stepwise/web"
)

// keysEnv names the environment variable that --api-keys defaults to.
const keysEnv = "STEPWISE_API_KEYS_FILE"

// keysUsage describes --api-keys.
const keysUsage = "JSON file of API keys [{\"id\", \"secret\", \"scope\": \"admin\"|\"read\"}] (default $" + keysEnv + "; create keys with `stepwise keys create`)"

func keysCmd() command {
	return subcommands("keys", map[string]command{"create": keysCreateCmd})
}

// keysCreateCmd prints a new random API key entry for the keys file.
func keysCreateCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keys create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scope := fs.String("scope", "", "admin (every request) or read (GET requests, AWS Describe*/List*/GetExecutionHistory, /metrics)")
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 0 || *scope == "" {
		fmt.Fprintln(stderr, "usage: stepwise keys create --scope admin|read")
		return 2
	}
	key, err := web.GenerateKey(web.Scope(*scope))
	if err != nil {
		return failed(stderr, err)
	}
	data, err := json.Marshal(key)
	if err != nil {
		return failed(stderr, err)
	}
	fmt.Fprintf(stdout, "%s\n", data)
	fmt.Fprintf(stderr, "add this entry to the JSON array of the file given to `stepwise serve --api-keys FILE`;\n"+
		"send the secret as \"Authorization: Bearer SECRET\", or use the id and secret as AWS access key id and secret access key\n")
	return 0
}

// authSettings are the authentication flags of serve and dev.
type authSettings struct {
	keysFile string
	insecure bool // --insecure-no-auth (serve only)
	// plainHTTPKeys is --insecure-plain-http-keys: API keys may cross
	// plain HTTP off loopback.
	plainHTTPKeys bool
	// tls says the API is served over TLS (--tls-cert).
	tls bool
}

// checkPlainHTTPKeys is the one rule of API keys over plain HTTP: a key is
// a bearer credential, so off a loopback address it must cross the
// network encrypted, by the API's own TLS or, with
// --insecure-plain-http-keys, by a TLS proxy in front.
func checkPlainHTTPKeys(s authSettings, listen string) error {
	if s.tls || s.plainHTTPKeys || listen == "" || loopback(listen) {
		return nil
	}
	return fmt.Errorf("API keys would cross the network in clear text: --listen %s is not a loopback address and the API has no TLS; "+
		"pass --tls-cert FILE --tls-key FILE, or --insecure-plain-http-keys when a TLS proxy on a trusted network is in front, or listen on 127.0.0.1", listen)
}

// serveAuthorize decides how serve authenticates the API at listen: with
// the keys of keysFile, or not at all when insecure (then warning is set).
// Without either it refuses, unless listen is empty (no API).
func serveAuthorize(s authSettings, listen string) (authorize func(*http.Request) error, warning string, err error) {
	switch {
	case s.keysFile != "" && s.insecure:
		return nil, "", fmt.Errorf("--api-keys and --insecure-no-auth exclude each other")
	case s.keysFile != "":
		if err := checkPlainHTTPKeys(s, listen); err != nil {
			return nil, "", err
		}
		keys, err := web.LoadKeys(s.keysFile)
		if err != nil {
			return nil, "", err
		}
		return keys.Authorize, "", nil
	case s.insecure:
		return nil, fmt.Sprintf("WARNING: --insecure-no-auth: the HTTP API on %s has NO AUTHENTICATION; anyone who can reach it can create, start, stop and delete state machines and executions", listen), nil
	case listen == "":
		return nil, "", nil
	}
	return nil, "", fmt.Errorf("serve needs API keys: pass --api-keys FILE (or set %s); create keys with `stepwise keys create --scope admin`; "+
		"or pass --insecure-no-auth to serve the API without authentication", keysEnv)
}

// devAuthorize decides how dev authenticates the API at listen: with the
// keys of s.keysFile when given, else not at all, which it allows only on
// a loopback address.
func devAuthorize(s authSettings, listen string) (func(*http.Request) error, error) {
	if s.keysFile != "" {
		if err := checkPlainHTTPKeys(s, listen); err != nil {
			return nil, err
		}
		keys, err := web.LoadKeys(s.keysFile)
		if err != nil {
			return nil, err
		}
		return keys.Authorize, nil
	}
	if listen != "" && !loopback(listen) {
		return nil, fmt.Errorf("dev serves the API without authentication, so only on a loopback address (127.0.0.1, ::1, localhost), not %q; pass --api-keys FILE to listen there", listen)
	}
	return nil, nil
}

// loopback reports whether a listen address is on a loopback interface
// only; an empty host (every interface) and names other than localhost
// are not.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// keysFileDefault is the default of --api-keys.
func keysFileDefault() string { return os.Getenv(keysEnv) }
