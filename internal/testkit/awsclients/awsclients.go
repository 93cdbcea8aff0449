// Package awsclients drives a served Stepwise with three real AWS clients,
// for the tests that prove the AWS protocol: the AWS SDK for Go v2
// (GoClient), the AWS CLI v2 (CLI) and the AWS SDK for JavaScript v3 run
// with Node.js (JS). docs/aws-clients.md says how each is pointed at
// Stepwise; this package does exactly that.
//
// The CLI is Debian's awscli (2.9), found as /usr/bin/aws or as the first
// `aws` on PATH that is version 2; it loads the newer Step Functions model
// of the JS SDK v2 package (WriteCLIModel). The JS SDK and that package
// are the pinned npm packages of testdata/package.json, installed with
// `npm ci` in that folder (.ci/run does). RequireCLI and RequireJS skip a
// test when a client is missing, or fail it when STEPWISE_REQUIRE_AWSCLI=1
// or STEPWISE_REQUIRE_JS_SDK=1 says it must run.
//
// No client reads the user's AWS configuration (each runs with its own
// HOME and config files) or reaches anything but the endpoint.
package awsclients

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/require"
)

// Region is the region every client is configured with.
const Region = "us-east-1"

// callTimeout bounds one client call, process start included.
const callTimeout = 2 * time.Minute

// Endpoint is a served Stepwise the clients call.
type Endpoint struct {
	// URL is the base URL of the AWS protocol, http://127.0.0.1:PORT.
	URL string
	// AccessKeyID is the access key id the clients sign with: the id of
	// an API key of the server, or anything when it checks none. Empty
	// means "dev".
	AccessKeyID string
}

func (e Endpoint) accessKeyID() string {
	if e.AccessKeyID == "" {
		return "dev"
	}
	return e.AccessKeyID
}

// secretAccessKey is the secret every client signs with: Stepwise reads
// the access key id of a signature and does not verify it.
const secretAccessKey = "stepwise-test-secret"

// Answer is a client's JSON answer to one call.
type Answer map[string]any

// Decode decodes the answer into v, a struct of the fields a test reads.
func (a Answer) Decode(t testing.TB, v any) {
	t.Helper()
	data, err := json.Marshal(a)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, v), "%s", data)
}

// String returns the string field name, or "" when it is absent.
func (a Answer) String(name string) string {
	s, _ := a[name].(string)
	return s
}

// GoClient returns an AWS SDK for Go v2 client of e that sends no
// request twice and prefixes no host (NoHostPrefix).
func GoClient(e Endpoint) *sfn.Client {
	return sfn.New(sfn.Options{
		BaseEndpoint: aws.String(e.URL),
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider(e.accessKeyID(), secretAccessKey, ""),
		Retryer:      aws.NopRetryer{},
		APIOptions:   []func(*middleware.Stack) error{NoHostPrefix},
	})
}

// NoHostPrefix is an API option of the Go SDK: StartSyncExecution and
// TestState go to the host sync-HOST on AWS, which a local endpoint does
// not have.
func NoHostPrefix(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("NoHostPrefix",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			return next.HandleInitialize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), middleware.Before)
}

// nodeFolder is the folder of testdata/package.json.
func nodeFolder() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		panic("awsclients: no caller information")
	}
	return filepath.Join(filepath.Dir(file), "testdata")
}

// require skips the test for a missing client, or fails it when the
// variable env is 1.
func requireClient(t testing.TB, env, missing string) {
	t.Helper()
	if os.Getenv(env) == "1" {
		t.Fatalf("%s (%s=1 requires it)", missing, env)
	}
	t.Skip(missing)
}

// cliFound is the AWS CLI v2 and the model folder, found once.
var cliFound = sync.OnceValues(func() (string, error) {
	for _, path := range append([]string{"/usr/bin/aws"}, pathAWS()...) {
		out, err := exec.Command(path, "--version").Output()
		if err == nil && strings.HasPrefix(string(out), "aws-cli/2.") {
			return path, nil
		}
	}
	return "", errors.New("no AWS CLI v2 (/usr/bin/aws or an `aws` on PATH whose --version is aws-cli/2.*; apt-get install awscli)")
})

// pathAWS lists every `aws` on PATH.
func pathAWS() []string {
	var found []string
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		path := filepath.Join(dir, "aws")
		if info, err := os.Stat(path); err == nil && !info.IsDir() {
			found = append(found, path)
		}
	}
	return found
}

// modelFolder writes the CLI's Step Functions model once, under the
// installed node_modules, and returns the folder for AWS_DATA_PATH.
var modelFolder = sync.OnceValues(func() (string, error) {
	min, err := os.ReadFile(filepath.Join(nodeFolder(), "node_modules", "aws-sdk", "apis", "states-2016-11-23.min.json"))
	if err != nil {
		return "", errors.New("the npm packages are not installed: run `npm ci` in internal/testkit/awsclients/testdata")
	}
	dir := filepath.Join(nodeFolder(), "node_modules", ".stepwise-cli-models")
	return dir, WriteCLIModel(min, dir)
})

// RequireCLI skips the test unless the AWS CLI v2 and the model it loads
// are installed (fails it with STEPWISE_REQUIRE_AWSCLI=1).
func RequireCLI(t testing.TB) {
	t.Helper()
	if _, err := cliFound(); err != nil {
		requireClient(t, "STEPWISE_REQUIRE_AWSCLI", err.Error())
	}
	if _, err := modelFolder(); err != nil {
		requireClient(t, "STEPWISE_REQUIRE_AWSCLI", err.Error())
	}
}

// RequireJS skips the test unless Node.js and the JS SDK are installed
// (fails it with STEPWISE_REQUIRE_JS_SDK=1).
func RequireJS(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		requireClient(t, "STEPWISE_REQUIRE_JS_SDK", "no node on PATH")
	}
	if _, err := os.Stat(filepath.Join(nodeFolder(), "node_modules", "@aws-sdk", "client-sfn", "package.json")); err != nil {
		requireClient(t, "STEPWISE_REQUIRE_JS_SDK", "@aws-sdk/client-sfn is not installed: run `npm ci` in internal/testkit/awsclients/testdata")
	}
}

// isolatedEnv is the environment of a client process: PATH and a HOME of
// its own, no proxy but the one given, no AWS_ variable of the user's.
func isolatedEnv(t testing.TB, extra ...string) []string {
	home := t.TempDir()
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"LANG=C.UTF-8",
	}, extra...)
}

// CLI runs `aws stepfunctions ARGS --endpoint-url URL --output json` and
// returns its answer (empty for an operation that answers nothing). The
// CLI goes to the endpoint through HTTP_PROXY set to the endpoint itself,
// which is how it reaches StartSyncExecution and TestState (their sync-
// host does not resolve): docs/aws-clients.md.
func CLI(t testing.TB, e Endpoint, args ...string) Answer {
	t.Helper()
	stdout, stderr, err := runCLI(t, e, args)
	require.NoError(t, err, "aws stepfunctions %s: %s", strings.Join(args, " "), stderr)
	return decode(t, stdout)
}

// CLIFailure runs the CLI as CLI does, requires it to fail and returns
// its exit code and standard error.
func CLIFailure(t testing.TB, e Endpoint, args ...string) (int, string) {
	t.Helper()
	stdout, stderr, err := runCLI(t, e, args)
	var exitErr *exec.ExitError
	require.ErrorAs(t, err, &exitErr, "aws stepfunctions %s answered %s", strings.Join(args, " "), stdout)
	return exitErr.ExitCode(), stderr
}

func runCLI(t testing.TB, e Endpoint, args []string) ([]byte, string, error) {
	t.Helper()
	RequireCLI(t)
	path, _ := cliFound()
	models, _ := modelFolder()
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append(append([]string{"stepfunctions"}, args...), "--endpoint-url", e.URL, "--output", "json")...)
	config := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(config, nil, 0o600))
	cmd.Env = isolatedEnv(t,
		"AWS_CONFIG_FILE="+config, "AWS_SHARED_CREDENTIALS_FILE="+config,
		"AWS_ACCESS_KEY_ID="+e.accessKeyID(), "AWS_SECRET_ACCESS_KEY="+secretAccessKey,
		"AWS_REGION="+Region, "AWS_DEFAULT_REGION="+Region,
		"AWS_PAGER=", "AWS_EC2_METADATA_DISABLED=true", "AWS_MAX_ATTEMPTS=1", "AWS_RETRY_MODE=standard",
		"AWS_DATA_PATH="+models,
		"HTTP_PROXY="+e.URL, "http_proxy="+e.URL)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.Bytes(), stderr.String(), err
}

// jsPrelude makes `sfn` (the package) and `client` (an SFNClient of the
// endpoint) for a script, runs it as the body of an async function and
// prints what it returns as JSON, without the SDK's $metadata.
const jsPrelude = `const sfn = require("@aws-sdk/client-sfn");
const client = new sfn.SFNClient({
  endpoint: process.env.STEPWISE_ENDPOINT,
  region: process.env.STEPWISE_REGION,
  credentials: {accessKeyId: process.env.STEPWISE_ACCESS_KEY_ID, secretAccessKey: process.env.STEPWISE_SECRET_ACCESS_KEY},
  disableHostPrefix: true, // StartSyncExecution and TestState: no sync- host
  maxAttempts: 1,
});
(async () => {
`

const jsPostlude = `
})().then((v) => {
  if (v && typeof v === "object") delete v.$metadata;
  process.stdout.write(JSON.stringify(v ?? {}));
}, (e) => { console.error(e); process.exit(1); });
`

// JS runs script, the body of an async function that has `sfn` (the
// @aws-sdk/client-sfn package) and `client` (an SFNClient of e, without
// host prefix) in scope, with Node.js, and returns what it returns.
func JS(t testing.TB, e Endpoint, script string) Answer {
	t.Helper()
	RequireJS(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "script.js")
	require.NoError(t, os.WriteFile(file, []byte(jsPrelude+script+jsPostlude), 0o600))
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", file)
	cmd.Env = isolatedEnv(t, "NODE_PATH="+filepath.Join(nodeFolder(), "node_modules"),
		"STEPWISE_ENDPOINT="+e.URL, "STEPWISE_REGION="+Region,
		"STEPWISE_ACCESS_KEY_ID="+e.accessKeyID(), "STEPWISE_SECRET_ACCESS_KEY="+secretAccessKey)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "node:\n%s\n%s", script, stderr.String())
	return decode(t, stdout.Bytes())
}

// JSCall calls one operation with the JS SDK: client.send(new
// sfn.<operation>Command(input)), input a JSON object.
func JSCall(t testing.TB, e Endpoint, operation, input string) Answer {
	t.Helper()
	return JS(t, e, "return await client.send(new sfn."+operation+"Command("+input+"));")
}

func decode(t testing.TB, data []byte) Answer {
	t.Helper()
	a := Answer{}
	if len(bytes.TrimSpace(data)) > 0 {
		require.NoError(t, json.Unmarshal(data, &a), "%s", data)
	}
	return a
}

// ModelOperations lists the operations of the Step Functions API, as the
// model of the JS SDK v2 package names them.
func ModelOperations(t testing.TB) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(nodeFolder(), "node_modules", "aws-sdk", "apis", "states-2016-11-23.min.json"))
	require.NoError(t, err, "run `npm ci` in internal/testkit/awsclients/testdata")
	var model struct{ Operations map[string]json.RawMessage }
	require.NoError(t, json.Unmarshal(data, &model))
	return slices.Sorted(maps.Keys(model.Operations))
}
