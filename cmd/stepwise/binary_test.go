package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/web"
)

// runBinary runs the built stepwise binary to the end and returns its
// exit code, stdout and stderr.
func runBinary(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runBinaryIn(t, "", args...)
}

// runBinaryIn is runBinary in the working directory dir ("": this one).
func runBinaryIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, stepwiseBinary, args...)
	cmd.Env = binaryEnv()
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return exitErr.ExitCode(), stdout.String(), stderr.String()
	}
	require.NoError(t, err, "stepwise %s", strings.Join(args, " "))
	return 0, stdout.String(), stderr.String()
}

// requireBinary runs the binary, requires exit code want and returns
// stdout.
func requireBinary(t *testing.T, want int, args ...string) string {
	t.Helper()
	code, stdout, stderr := runBinary(t, args...)
	require.Equal(t, want, code, "stepwise %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), stdout, stderr)
	return stdout
}

// binaryEnv is this process's environment without the variables that
// would point the binary elsewhere than the tests say, nor GOGC (the
// binary sets its own).
func binaryEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "STEPWISE_") && !strings.HasPrefix(kv, "GOGC=") {
			env = append(env, kv)
		}
	}
	return env
}

// serveProcess is `stepwise serve` running as a process of the built
// binary.
type serveProcess struct {
	cmd    *exec.Cmd
	stdout testkit.SyncBuffer
	stderr testkit.SyncBuffer
	done   chan error
	url    string // the API's base URL
	viewer string // the viewer URL it printed
}

// startServe starts `stepwise serve ARGS` and waits until it serves; it
// is interrupted when the test ends if it still runs.
func startServe(t *testing.T, args ...string) *serveProcess {
	t.Helper()
	p := &serveProcess{cmd: exec.Command(stepwiseBinary, append([]string{"serve"}, args...)...), done: make(chan error, 1)}
	p.cmd.Env = binaryEnv()
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	require.NoError(t, p.cmd.Start())
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
		}
	})
	require.Eventually(t, func() bool { return strings.Contains(p.stdout.String(), "press Ctrl-C") }, 60*time.Second, 20*time.Millisecond,
		"serve did not start\nstdout:\n%s\nstderr:\n%s", &p.stdout, &p.stderr)
	out := p.stdout.String()
	m := regexp.MustCompile(`HTTP API on (\S+)/v1 `).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	p.url = m[1]
	p.viewer = field(t, out, "viewer")
	return p
}

// interrupt sends SIGINT, as Ctrl-C does, and returns the exit code.
func (p *serveProcess) interrupt(t *testing.T) int {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(os.Interrupt))
	select {
	case err := <-p.done:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return exitErr.ExitCode()
		}
		require.NoError(t, err)
		return 0
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop within 60s")
		return -1
	}
}

// TestBinary runs the built binary as scripts do: validate, migrate, sm,
// exec and task on the database and against a serve process started from
// the same binary, with their exit codes and -o json output.
func TestBinary(t *testing.T) {
	t.Parallel()
	db := "--database=" + freshDatabase(t)
	dir := t.TempDir()
	greet := writeFile(t, dir, "greet.json", `{"StartAt":"Hello","States":{"Hello":{"Type":"Pass","Parameters":{"greeting.$":"States.Format('Hello, {}', $.who)"},"End":true}}}`)
	fail := writeFile(t, dir, "fail.json", `{"StartAt":"No","States":{"No":{"Type":"Fail","Error":"Nope","Cause":"it always fails"}}}`)
	waits := writeFile(t, dir, "waits.json", `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":3600,"End":true}}}`)
	bad := writeFile(t, dir, "bad.json", `{"StartAt":"Missing","States":{"W":{"Type":"Succeed"}}}`)
	badResource := writeFile(t, dir, "resource.json", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"foo:bar","End":true}}}`)

	// Usage errors exit 2; validate exits 1 on an invalid definition.
	code, _, stderr := runBinary(t)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "usage: stepwise <command>")
	code, _, stderr = runBinary(t, "exec", "list", "--bogus")
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "flag provided but not defined: -bogus")
	require.Contains(t, requireBinary(t, exitOK, "validate", greet), "greet.json: valid")
	require.Contains(t, requireBinary(t, exitFailed, "validate", bad), "Missing")
	require.Contains(t, requireBinary(t, exitFailed, "validate", badResource),
		"resource.json: SCHEMA_VALIDATION_FAILED /States/T/Resource: The resource provided foo:bar is not recognized")

	// migrate on a database that does not exist yet.
	code, _, stderr = runBinary(t, "migrate", "status", db)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, "does not exist (run `stepwise migrate up` to create it)")
	require.Contains(t, requireBinary(t, exitOK, "migrate", "up", db), "applied migration 0001_init")
	require.Regexp(t, `0001_init\s+applied`, requireBinary(t, exitOK, "migrate", "status", db))

	// sm on the database.
	require.Contains(t, requireBinary(t, exitOK, "sm", "create", "greet", greet, db), "created state machine greet (version 1)")
	requireBinary(t, exitOK, "sm", "create", "fails", fail, db)
	requireBinary(t, exitOK, "sm", "create", "waits", waits, "--retention", "30d", db)
	require.Contains(t, requireBinary(t, exitOK, "sm", "get", "waits", "-o", "json", db), `"retentionSeconds":2592000`)
	out := requireBinary(t, exitOK, "sm", "get", "greet", db)
	require.Contains(t, out, "name: greet\narn: arn:aws:states:us-east-1:000000000000:stateMachine:greet\n")
	require.Contains(t, out, "version: 1 of 1")
	require.Regexp(t, `(?m)^NAME\s+LATEST.*\n(fails|greet|waits)\s+1\s`, requireBinary(t, exitOK, "sm", "list", db))
	code, _, stderr = runBinary(t, "exec", "start", "nope", db)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, "state machine does not exist: nope")
	// Started before any engine runs: serve drives it.
	early := field(t, requireBinary(t, exitOK, "exec", "start", "greet", "--name", "early", "--input", `{"who":"Bo"}`, db), "arn")

	srv := startServe(t, "--insecure-no-auth", "--listen", "127.0.0.1:0", "--examples", db)
	require.Equal(t, srv.url+web.ViewerPath, srv.viewer)
	resp, err := http.Get(srv.viewer)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "the viewer URL serves the viewer")
	ep := "--endpoint=" + srv.url

	// exec over the REST API: --wait exits 0 when the execution
	// succeeds, 3 when it does not.
	out = requireBinary(t, exitOK, "exec", "start", "greet", "--name", "first", "--input", `{"who":"Ada"}`, "--wait", ep)
	require.Contains(t, out, `output: {"greeting":"Hello, Ada"}`)
	first := field(t, out, "arn")
	out = requireBinary(t, exitUnsuccessful, "exec", "start", "fails", "--wait", ep)
	require.Contains(t, out, "status: FAILED\nerror: Nope\ncause: it always fails")
	require.Contains(t, requireBinary(t, exitOK, "exec", "start", "greet", "--name", "early", "--input", `{"who":"Bo"}`, "--wait", db),
		`output: {"greeting":"Hello, Bo"}`, "serve drove the execution started before it")

	var described web.Execution
	require.NoError(t, json.Unmarshal([]byte(requireBinary(t, exitOK, "exec", "describe", first, "-o", "json", ep)), &described))
	require.Equal(t, "SUCCEEDED", described.Status)
	require.Equal(t, "greet", described.StateMachine)
	require.JSONEq(t, `{"greeting":"Hello, Ada"}`, string(described.Output))

	var list struct {
		Executions []web.Execution `json:"executions"`
	}
	require.NoError(t, json.Unmarshal([]byte(requireBinary(t, exitOK, "exec", "list", "--machine", "greet", "-o", "json", ep)), &list))
	require.Len(t, list.Executions, 2)
	require.Equal(t, first, list.Executions[0].ARN, "newest first")
	require.Equal(t, early, list.Executions[1].ARN)

	var page web.History
	require.NoError(t, json.Unmarshal([]byte(requireBinary(t, exitOK, "exec", "history", first, "-o", "json", ep)), &page))
	require.Equal(t, history.ExecutionStarted, page.Events[0].Type)
	require.Equal(t, history.ExecutionSucceeded, page.Events[len(page.Events)-1].Type)

	var sm web.StateMachine
	require.NoError(t, json.Unmarshal([]byte(requireBinary(t, exitOK, "sm", "get", "greet", "-o", "json", ep)), &sm))
	require.Equal(t, 1, sm.LatestVersion)

	// The same reads on the database.
	out = requireBinary(t, exitOK, "exec", "list", "--status", "FAILED", db)
	require.Regexp(t, `(?m)^FAILED\s+.*\sfails\s`, out)
	require.NotContains(t, out, "greet")
	require.Contains(t, requireBinary(t, exitOK, "exec", "describe", first, db), "status: SUCCEEDED")
	require.Regexp(t, `ExecutionSucceeded\n$`, requireBinary(t, exitOK, "exec", "history", first, db))

	// stop: a second stop fails with exit 1.
	parked := field(t, requireBinary(t, exitOK, "exec", "start", "waits", "--name", "parked", ep), "arn")
	require.Contains(t, requireBinary(t, exitOK, "exec", "stop", parked, "--error", "Cancelled", "--cause", "by the test", ep),
		"status: ABORTED\nerror: Cancelled\ncause: by the test")
	code, _, stderr = runBinary(t, "exec", "stop", parked, ep)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, "stepwise: ExecutionNotRunning: ")

	// task success answers the approval example's callback.
	requireBinary(t, exitOK, "sm", "create", "approval", filepath.Join(examplesDir, "approval", "definition.asl.json"), ep)
	approval := []string{"exec", "start", "approval", "--name", "yes", "--input", `{"orderId":"o-bin","amount":10}`, ep}
	requireBinary(t, exitOK, approval...)
	require.Eventually(t, func() bool { return strings.Contains(srv.stdout.String(), "approval requested for order o-bin") },
		20*time.Second, 20*time.Millisecond, "no approval request in:\n%s", &srv.stdout)
	m := regexp.MustCompile(`approval requested for order o-bin .*\n\s+stepwise task success (\S+)`).FindStringSubmatch(srv.stdout.String())
	require.NotNil(t, m, srv.stdout.String())
	require.Contains(t, requireBinary(t, exitOK, "task", "success", m[1], "--output", `{"approvedBy":"binary"}`, ep), "task succeeded")
	out = requireBinary(t, exitOK, append(approval, "--wait")...)
	require.Contains(t, out, `"approval":{"approvedBy":"binary"}`)
	code, _, stderr = runBinary(t, "task", "success", m[1], "--output", `{}`, ep)
	require.Equal(t, exitFailed, code, "the task is answered already")
	require.NotEmpty(t, stderr)

	// The server's metrics count what its engine did.
	resp, err = http.Get(srv.url + "/metrics")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Contains(t, string(body), `stepwise_engine_executions_finished_total{state_machine="fails",status="FAILED"} 1`)
	require.Contains(t, string(body), `stepwise_engine_executions_finished_total{state_machine="waits",status="ABORTED"} 1`)
	require.Contains(t, string(body), "\ngo_gc_gogc_percent 400\n", "the collector's target without GOGC (tuneGC)")

	require.Equal(t, exitOK, srv.interrupt(t), "stderr:\n%s", &srv.stderr)
	require.Contains(t, srv.stdout.String(), "stepwise serve: stopped")
}

// TestDevFromAnyDirectory runs stepwise dev --once outside the
// repository: it runs the examples built into the binary.
func TestDevFromAnyDirectory(t *testing.T) {
	t.Parallel()
	code, out, stderr := runBinaryIn(t, t.TempDir(), "dev", "--once", "--database="+freshDatabase(t), "--approve-after", "100ms")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	require.Contains(t, out, "created state machine order-saga (version 1)")
	require.Contains(t, out, "approval: SUCCEEDED")
}
