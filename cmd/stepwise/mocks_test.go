package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

// TestMockConfigServe runs serve with a mock configuration: a malformed
// file or scale is refused at start with what is wrong and where, a test
// case chosen with MACHINE#CASE answers from it, and SIGHUP reloads it.
func TestMockConfigServe(t *testing.T) {
	t.Parallel()
	db := "--database=" + freshDatabase(t)
	dir := t.TempDir()
	machine := writeFile(t, dir, "orders.json", testkit.Testdata(t, "mocks", "MockedOrders.asl.json"))
	config := writeFile(t, dir, "MockConfigFile.json", testkit.Testdata(t, "mocks", "MockConfigFile.json"))
	bad := writeFile(t, dir, "bad.json", `{"MockedResponses": {"R": {"first": {"Return": 1}}}}`)

	code, _, stderr := runBinary(t, "serve", "--insecure-no-auth", "--listen", "", "--mock-config", bad, db)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, `mock config /MockedResponses/R/first: invocation key "first" must be a number`)
	code, _, stderr = runBinary(t, "serve", "--insecure-no-auth", "--listen", "", "--wait-time-scale", "-1", db)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, "--wait-time-scale (or $WAIT_TIME_SCALE) \"-1\": want a factor of 0 or more")

	srv := startServe(t, "--insecure-no-auth", "--listen", "127.0.0.1:0", "--mock-config", config, "--wait-time-scale", "0", db)
	ep := "--endpoint=" + srv.url
	requireBinary(t, exitOK, "sm", "create", "MockedOrders", machine, ep)
	input := `{"order": "o-1", "items": ["a"]}`
	out := requireBinary(t, exitOK, "exec", "start", "MockedOrders#RetryPath", "--input", input, "--wait", ep)
	require.Contains(t, out, `"shipped":[{"shipped":true}]`)
	out = requireBinary(t, exitUnsuccessful, "exec", "start", "MockedOrders#CatchPath", "--input", input, "--wait", ep)
	require.Contains(t, out, "error: OrderRejected")
	code, _, stderr = runBinary(t, "exec", "start", "MockedOrders#Later", ep)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, `no test case "Later"`)

	later := `{"StateMachines": {"MockedOrders": {"TestCases": {"Later": {"Validate": "Invalid"}}}},
	  "MockedResponses": {"Invalid": {"0": {"Throw": {"Error": "Later.Error"}}}}}`
	require.NoError(t, os.WriteFile(config, []byte(later), 0o600))
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGHUP))
	require.Eventually(t, func() bool { return strings.Contains(srv.stdout.String(), "mock configuration reloaded from "+config) }, 20*time.Second, 10*time.Millisecond)
	out = requireBinary(t, exitUnsuccessful, "exec", "start", "MockedOrders#Later", "--input", input, "--wait", ep)
	require.Contains(t, out, "error: OrderRejected")

	require.NoError(t, os.WriteFile(config, []byte(`{"StateMachines": []}`), 0o600))
	require.NoError(t, srv.cmd.Process.Signal(syscall.SIGHUP))
	require.Eventually(t, func() bool { return strings.Contains(srv.stderr.String(), "the previous one stays in use: ") }, 20*time.Second, 10*time.Millisecond)
	require.Contains(t, srv.stderr.String(), filepath.Base(config))
	requireBinary(t, exitUnsuccessful, "exec", "start", "MockedOrders#Later", "--input", input, "--wait", ep)
	require.Equal(t, exitOK, srv.interrupt(t))
}
