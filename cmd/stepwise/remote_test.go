package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/web"
)

// testKey is the API key the test server accepts.
const testKey = "s3cret"

// remoteAPI is a REST API server on a driving engine with the example
// functions.
type remoteAPI struct {
	endpoint string
	engine   *testengine.Orders
}

// newRemoteAPI starts an engine on a fresh database and serves its REST
// API over HTTP, requiring testKey as the bearer token.
func newRemoteAPI(t *testing.T) *remoteAPI {
	t.Helper()
	e := testengine.NewOrders(t, nil)
	return &remoteAPI{endpoint: serveREST(t, e.Engine), engine: e}
}

// serveREST serves the REST API of e over HTTP, requiring testKey as the
// bearer token, and returns its endpoint.
func serveREST(t *testing.T, e *engine.Engine) string {
	t.Helper()
	// Like web.Keys.Authorize: task callbacks need no key.
	authorize := func(r *http.Request) error {
		if !strings.HasPrefix(r.URL.Path, "/v1/tasks/") && r.Header.Get("Authorization") != "Bearer "+testKey {
			return errors.New("unknown key")
		}
		return nil
	}
	srv := httptest.NewServer(web.New(e, &web.Config{Authorize: authorize}).Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestRemote drives the sm, exec and task commands through the REST API.
func TestRemote(t *testing.T) {
	t.Parallel()
	a := newRemoteAPI(t)
	ep, key := "--endpoint="+a.endpoint, "--api-key="+testKey
	dir := t.TempDir()
	greet := writeFile(t, dir, "greet.json", `{"StartAt":"Hello","States":{"Hello":{"Type":"Pass","Parameters":{"greeting.$":"States.Format('Hello, {}', $.who)"},"End":true}}}`)
	fail := writeFile(t, dir, "fail.json", `{"StartAt":"No","States":{"No":{"Type":"Fail","Error":"Nope","Cause":"it fails"}}}`)
	bad := writeFile(t, dir, "bad.json", `{"StartAt":"Missing","States":{}}`)

	require.Contains(t, requireCLI(t, "sm", "validate", greet, ep, key), "greet.json: valid")
	code, out, _ := cli(t, "sm", "validate", bad, ep, key)
	require.Equal(t, 1, code)
	require.Contains(t, out, "bad.json: ")
	require.Contains(t, requireCLI(t, "sm", "create", "greet", greet, ep, key), "created state machine greet (version 1)")
	require.Contains(t, requireCLI(t, "sm", "create", "fail", fail, ep, key), "created state machine fail (version 1)")
	require.Contains(t, requireCLI(t, "sm", "update", "greet", greet, ep, key), "updated state machine greet to version 2")
	out = requireCLI(t, "sm", "get", "greet", "--version", "1", ep, key)
	require.Contains(t, out, "version: 1 of 2")
	require.Contains(t, requireCLI(t, "sm", "list", ep, key), "greet")
	var list struct{ StateMachines []map[string]any }
	require.NoError(t, json.Unmarshal([]byte(requireCLI(t, "sm", "list", ep, key, "-o", "json")), &list))
	require.Len(t, list.StateMachines, 2)

	out = requireCLI(t, "exec", "start", "greet", "--name", "first", "--input", `{"who":"Ada"}`, "--wait", ep, key)
	require.Contains(t, out, "status: SUCCEEDED")
	require.Contains(t, out, `output: {"greeting":"Hello, Ada"}`)
	arn := field(t, out, "arn")
	require.Equal(t, exampleARN, arn)

	out = requireCLI(t, "exec", "describe", arn, ep, key)
	require.Contains(t, out, "name: first")
	require.Contains(t, out, "stateMachine:greet (version 2)")
	require.Contains(t, out, `input: {"who":"Ada"}`)
	out = requireCLI(t, "exec", "history", arn, ep, key)
	require.Regexp(t, `(?m)^\s+1\s+0s\s+ExecutionStarted$`, out)
	require.Regexp(t, `ExecutionSucceeded\n$`, out)
	var hist struct{ Events []struct{ Type string } }
	require.NoError(t, json.Unmarshal([]byte(requireCLI(t, "exec", "history", arn, "--reverse", "-o", "json", ep, key)), &hist))
	require.Equal(t, history.ExecutionSucceeded, hist.Events[0].Type)
	require.Equal(t, history.ExecutionStarted, hist.Events[len(hist.Events)-1].Type)

	code, out, _ = cli(t, "exec", "start", "fail", "--follow", ep, key)
	require.Equal(t, exitUnsuccessful, code, out)
	require.Regexp(t, `(?m)^\s+1\s+\S+\s+ExecutionStarted$`, out)
	require.Contains(t, out, history.ExecutionFailed)
	require.Contains(t, out, "status: FAILED\nerror: Nope\ncause: it fails")
	failedARN := field(t, out, "arn")
	require.Contains(t, requireCLI(t, "exec", "redrive", failedARN, ep, key), "redriven: 1 times")

	out = requireCLI(t, "exec", "list", "--machine", "greet", "--status", "SUCCEEDED", "--since", "2000-01-01T00:00:00Z", ep, key)
	require.Contains(t, out, arn)
	require.NotContains(t, out, failedARN)
	require.Contains(t, requireCLI(t, "exec", "list", "--status", "RUNNING", ep, key, "-o", "json"), `"executions":`)
}

// TestRemoteTasks answers the approval example's callback task through
// the API, and stops an execution.
func TestRemoteTasks(t *testing.T) {
	t.Parallel()
	a := newRemoteAPI(t)
	ep, key := "--endpoint="+a.endpoint, "--api-key="+testKey
	def := filepath.Join(examplesDir, "approval", "definition.asl.json")
	input := filepath.Join(examplesDir, "approval", "input.json")
	requireCLI(t, "sm", "create", "approval", def, ep, key)

	execARN := field(t, requireCLI(t, "exec", "start", "approval", "--input-file", input, ep, key), "arn")
	token := a.engine.Token(t)
	require.Contains(t, requireCLI(t, "task", "heartbeat", token, ep), "heartbeat recorded")
	require.Contains(t, requireCLI(t, "task", "success", token, "--output", `{"approvedBy":"grace"}`, ep), "task succeeded")
	started, err := arn.ParseExecution(execARN)
	require.NoError(t, err)
	out := requireCLI(t, "exec", "start", "approval", "--name", started.Name, "--input-file", input, "--wait", ep, key)
	require.Contains(t, out, "status: SUCCEEDED")
	require.Contains(t, out, `"approvedBy":"grace"`)

	// --follow prints the events as they commit: those before the
	// callback while it waits, then the rest, each once.
	var followed testkit.SyncBuffer
	followCode := make(chan int, 1)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		followCode <- run(ctx, []string{"exec", "start", "approval", "--input-file", input, "--follow", "--timeout", "1m", ep, key}, &followed, io.Discard)
	}()
	token = a.engine.Token(t)
	require.Eventually(t, func() bool { return strings.Contains(followed.String(), history.TaskStarted) }, 10*time.Second, 10*time.Millisecond,
		"the events before the callback, printed while it waits")
	require.NotContains(t, followed.String(), history.ExecutionSucceeded)
	requireCLI(t, "task", "success", token, "--output", `{"approvedBy":"ada"}`, ep)
	require.Equal(t, exitOK, testkit.Receive(t, followCode, 30*time.Second, "the end of exec start --follow"))
	out = followed.String()
	require.Contains(t, out, "status: SUCCEEDED")
	require.Regexp(t, `(?m)^\s+1\s+\S+\s+ExecutionStarted$`, out)
	require.Equal(t, 1, strings.Count(out, history.ExecutionSucceeded), out)

	pending := field(t, requireCLI(t, "exec", "start", "approval", "--input", `{"orderId":"o-2","amount":5}`, ep, key), "arn")
	a.engine.Token(t)
	out = requireCLI(t, "exec", "stop", pending, "--error", "Cancelled", "--cause", "changed my mind", ep, key)
	require.Contains(t, out, "status: ABORTED\nerror: Cancelled\ncause: changed my mind")
	code, _, stderr := cli(t, "exec", "stop", pending, ep, key)
	require.Equal(t, 1, code)
	require.Equal(t, "stepwise: ExecutionNotRunning: ", stderr[:len("stepwise: ExecutionNotRunning: ")])
}

// TestRemoteErrors checks the exit codes and messages of failures.
func TestRemoteErrors(t *testing.T) {
	t.Parallel()
	a := newRemoteAPI(t)
	ep, key := "--endpoint="+a.endpoint, "--api-key="+testKey
	tests := []errorCase{
		{"unknown machine", []string{"exec", "start", "nope", ep, key}, 1, "stepwise: StateMachineDoesNotExist: "},
		{"no key", []string{"sm", "list", ep}, 1, "stepwise: Unauthorized: "},
		{"bad flag", []string{"exec", "list", "--bogus", ep, key}, 2, "flag provided but not defined: -bogus"},
		{"bad since", []string{"exec", "list", "--since", "yesterday", ep, key}, 2, "RFC 3339"},
		{"bad output", []string{"sm", "list", "-o", "yaml", ep, key}, 2, "want table or json"},
		{"missing argument", []string{"exec", "stop", ep, key}, 2, "usage: stepwise exec stop ARN"},
		{"no endpoint: the database", []string{"exec", "list", unreachable}, 1, "cannot reach PostgreSQL at 127.0.0.1:1"},
		{"bad token", []string{"task", "heartbeat", "abc", ep}, 1, "stepwise: InvalidToken: "},
		{"unreachable", []string{"sm", "list", "--endpoint=http://127.0.0.1:1"}, 1, "cannot reach the API"},
	}
	runErrorCases(t, tests)
}

// TestHelpShowsExample checks that every sm, exec and task command's
// --help shows an example and exits 0.
func TestHelpShowsExample(t *testing.T) {
	t.Parallel()
	for _, cmd := range [][]string{
		{"sm", "create"}, {"sm", "update"}, {"sm", "get"}, {"sm", "list"}, {"sm", "validate"}, {"sm", "check"},
		{"exec", "start"}, {"exec", "describe"}, {"exec", "history"}, {"exec", "list"}, {"exec", "stop"}, {"exec", "redrive"},
		{"task", "success"}, {"task", "failure"}, {"task", "heartbeat"},
	} {
		code, _, stderr := cli(t, append(cmd, "--help")...)
		require.Equal(t, 0, code, stderr)
		require.Contains(t, stderr, "example:\n  stepwise "+strings.Join(cmd, " "), stderr)
	}
}

// TestEndpointFromEnvironment checks that STEPWISE_ENDPOINT and
// STEPWISE_API_KEY select the REST API.
func TestEndpointFromEnvironment(t *testing.T) {
	a := newRemoteAPI(t)
	t.Setenv("STEPWISE_ENDPOINT", a.endpoint)
	t.Setenv("STEPWISE_API_KEY", testKey)
	require.Equal(t, a.endpoint, os.Getenv("STEPWISE_ENDPOINT"))
	require.Contains(t, requireCLI(t, "sm", "list"), "NAME")
}
