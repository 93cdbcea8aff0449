package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stepwise-run/stepwise/activities"
)

func connectionCmd() command {
	return subcommands("connection", map[string]command{
		"create":   connectionCreateCmd,
		"list":     connectionListCmd,
		"describe": connectionDescribeCmd,
		"delete":   connectionDeleteCmd,
	})
}

// connection is a connection as the REST API shows it, without secrets.
type connection struct {
	Name              string          `json:"name"`
	ARN               string          `json:"arn"`
	Description       string          `json:"description"`
	AuthorizationType string          `json:"authorizationType"`
	AuthParameters    json.RawMessage `json:"authParameters"`
	CreatedAt         time.Time       `json:"createdAt"`
}

// authTypes maps --auth to AWS's AuthorizationType.
var authTypes = map[string]string{
	"api-key": activities.AuthAPIKey, "basic": activities.AuthBasic, "oauth": activities.AuthOAuthClientCredentials,
}

// connectionFlags are the flags of connection create.
type connectionFlags struct {
	auth, description, paramsFile          string
	apiKeyName, username, clientID         string
	endpoint, method, secret, secretFile   string
	headers, query, body, secretParameters pairs
}

// pairs is a repeated KEY=VALUE flag.
type pairs []activities.HTTPParameter

func (p *pairs) String() string { return fmt.Sprint(len(*p)) }

func (p *pairs) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q is not KEY=VALUE", s)
	}
	*p = append(*p, activities.HTTPParameter{Key: k, Value: v})
	return nil
}

func connectionCreateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("connection create", "NAME --auth api-key|basic|oauth [flags] "+endpointHint,
		"stepwise connection create stripe --auth api-key --api-key-name Authorization --secret-file key.txt", stderr)
	t := targetFlags(fs)
	t.keyFile = fs.String("secret-key-file", "", secretKeyUsage+"; used without --endpoint")
	var f connectionFlags
	fs.StringVar(&f.auth, "auth", "", "authorization type: api-key, basic or oauth (OAuth client credentials) (required)")
	fs.StringVar(&f.description, "description", "", "a description")
	fs.StringVar(&f.paramsFile, "auth-parameters", "", "file (- for stdin) holding EventBridge's AuthParameters JSON; the other flags add to it")
	fs.StringVar(&f.apiKeyName, "api-key-name", "", "api-key: the header that carries the key")
	fs.StringVar(&f.username, "username", "", "basic: the user name")
	fs.StringVar(&f.clientID, "client-id", "", "oauth: the client ID")
	fs.StringVar(&f.endpoint, "authorization-endpoint", "", "oauth: the token endpoint URL")
	fs.StringVar(&f.method, "http-method", "POST", "oauth: the token request's method: GET, POST or PUT")
	fs.StringVar(&f.secret, "secret", "", "the API key, password or client secret (visible to other users of this machine: prefer --secret-file)")
	fs.StringVar(&f.secretFile, "secret-file", "", "file (- for stdin) holding the API key, password or client secret")
	fs.Var(&f.headers, "header", "KEY=VALUE: a header sent with every request (repeatable)")
	fs.Var(&f.query, "query", "KEY=VALUE: a query string parameter sent with every request (repeatable)")
	fs.Var(&f.body, "body", "KEY=VALUE: a body parameter sent with every request (repeatable)")
	fs.Var(&f.secretParameters, "secret-header", "KEY=VALUE: a header sent with every request, its value secret (repeatable)")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	body, err := f.request(fs.Arg(0), os.Stdin)
	if err != nil {
		return failed(stderr, err)
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.createConnection(ctx, body) })
}

// request builds the body of POST /v1/connections from the flags.
func (f *connectionFlags) request(name string, stdin io.Reader) (map[string]any, error) {
	authType, ok := authTypes[f.auth]
	if !ok {
		return nil, fmt.Errorf("--auth %q: want api-key, basic or oauth", f.auth)
	}
	var auth activities.ConnectionAuth
	if f.paramsFile != "" {
		data, err := readFileOrStdin(f.paramsFile, stdin)
		if err != nil {
			return nil, fmt.Errorf("--auth-parameters: %w", err)
		}
		if err := json.Unmarshal(data, &auth); err != nil {
			return nil, fmt.Errorf("--auth-parameters: %w", err)
		}
	}
	secret, err := f.readSecret(stdin)
	if err != nil {
		return nil, err
	}
	f.apply(&auth, authType, secret)
	return map[string]any{"name": name, "description": f.description, "authorizationType": authType, "authParameters": auth}, nil
}

// readSecret reads --secret or --secret-file (trailing newlines dropped).
func (f *connectionFlags) readSecret(stdin io.Reader) (string, error) {
	if f.secretFile == "" {
		return f.secret, nil
	}
	if f.secret != "" {
		return "", fmt.Errorf("give --secret or --secret-file, not both")
	}
	data, err := readFileOrStdin(f.secretFile, stdin)
	if err != nil {
		return "", fmt.Errorf("--secret-file: %w", err)
	}
	return strings.TrimRight(string(data), "\r\n"), nil
}

// apply sets the parameters the flags give on auth.
func (f *connectionFlags) apply(auth *activities.ConnectionAuth, authType, secret string) {
	switch authType {
	case activities.AuthAPIKey:
		auth.APIKey = orNew(auth.APIKey)
		auth.APIKey.Name = or(f.apiKeyName, auth.APIKey.Name)
		auth.APIKey.Value = or(secret, auth.APIKey.Value)
	case activities.AuthBasic:
		auth.Basic = orNew(auth.Basic)
		auth.Basic.Username = or(f.username, auth.Basic.Username)
		auth.Basic.Password = or(secret, auth.Basic.Password)
	case activities.AuthOAuthClientCredentials:
		auth.OAuth = orNew(auth.OAuth)
		auth.OAuth.Client.ClientID = or(f.clientID, auth.OAuth.Client.ClientID)
		auth.OAuth.Client.ClientSecret = or(secret, auth.OAuth.Client.ClientSecret)
		auth.OAuth.AuthorizationEndpoint = or(f.endpoint, auth.OAuth.AuthorizationEndpoint)
		auth.OAuth.HTTPMethod = or(auth.OAuth.HTTPMethod, f.method)
	}
	for i := range f.secretParameters {
		f.secretParameters[i].IsValueSecret = true
	}
	if len(f.headers)+len(f.secretParameters)+len(f.query)+len(f.body) > 0 {
		inv := orNew(auth.Invocation)
		inv.Headers = append(append(inv.Headers, f.headers...), f.secretParameters...)
		inv.Query = append(inv.Query, f.query...)
		inv.Body = append(inv.Body, f.body...)
		auth.Invocation = inv
	}
}

func orNew[T any](p *T) *T {
	if p == nil {
		return new(T)
	}
	return p
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// readFileOrStdin reads a file, or stdin for "-".
func readFileOrStdin(file string, stdin io.Reader) ([]byte, error) {
	if file == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(file)
}

// createConnection sends POST /v1/connections and prints the connection.
func (c *client) createConnection(ctx context.Context, body map[string]any) error {
	var conn connection
	if err := c.get(ctx, "POST", "/v1/connections", nil, body, &conn); err != nil || c.json {
		return err
	}
	return printConnection(c.out, &conn)
}

func connectionDescribeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("connection describe", "NAME "+endpointHint, "stepwise connection describe stripe", stderr)
	t := targetFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		var conn connection
		if err := c.get(ctx, "GET", connectionPath(fs.Arg(0)), nil, nil, &conn); err != nil || c.json {
			return err
		}
		return printConnection(c.out, &conn)
	})
}

func connectionListCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("connection list", "[--limit N] [--cursor C] "+endpointHint, "stepwise connection list -o json", stderr)
	t := targetFlags(fs)
	paged := pageFlags(fs)
	if code, ok := parseArgs(fs, args, 0, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		var page struct {
			Connections []connection `json:"connections"`
			NextCursor  string       `json:"nextCursor"`
		}
		if err := c.get(ctx, "GET", "/v1/connections", paged.query(), nil, &page); err != nil || c.json {
			return err
		}
		w := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "NAME\tAUTHORIZATION\tCREATED\tARN")
		for _, conn := range page.Connections {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", conn.Name, conn.AuthorizationType, timestamp(conn.CreatedAt), conn.ARN)
		}
		return flushPage(w, c.out, page.NextCursor)
	})
}

func connectionDeleteCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("connection delete", "NAME "+endpointHint, "stepwise connection delete stripe", stderr)
	t := targetFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		if _, _, err := c.call(ctx, "DELETE", connectionPath(fs.Arg(0)), nil, nil); err != nil {
			return err
		}
		if !c.json {
			fmt.Fprintf(c.out, "connection %s deleted\n", fs.Arg(0))
		}
		return nil
	})
}

// connectionPath is the path of a connection.
func connectionPath(name string) string { return "/v1/connections/" + url.PathEscape(name) }

// printConnection prints a connection; its parameters hold no secrets.
func printConnection(out io.Writer, conn *connection) error {
	_, err := fmt.Fprintf(out, "name: %s\narn: %s\nauthorization: %s\ncreated: %s\ndescription: %s\nparameters: %s\n",
		conn.Name, conn.ARN, conn.AuthorizationType, timestamp(conn.CreatedAt), orDash(conn.Description), conn.AuthParameters)
	return err
}
