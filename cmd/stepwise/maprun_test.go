package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

// TestMapRunCommands runs a Distributed Map on a serve process and lists,
// describes and updates its Map run and lists its child executions.
func TestMapRunCommands(t *testing.T) {
	t.Parallel()
	db := "--database=" + testkit.NewDatabase(t)
	startBackground(t, "press Ctrl-C", "serve", "--insecure-no-auth", db)
	requireCLI(t, "sm", "create", "dist", writeFile(t, t.TempDir(), "dist.json", testkit.DistributedMap), db)
	start := []string{"exec", "start", "dist", "--name", "d1", "--input", `{"items":[1,2,3,4]}`, db}
	arn := field(t, requireCLI(t, start...), "arn")

	var list string
	require.Eventually(t, func() bool {
		list = requireCLI(t, "maprun", "list", arn, db)
		return strings.Contains(list, ":mapRun:dist/M:")
	}, 10*time.Second, 50*time.Millisecond, "no Map run listed")
	m := regexp.MustCompile(`(?m)^RUNNING\s+.*\s+M\s+(arn:aws:states:\S+:mapRun:dist/M:\S+)$`).FindStringSubmatch(list)
	require.NotNil(t, m, list)
	mapRunARN := m[1]

	described := requireCLI(t, "maprun", "describe", mapRunARN, db)
	require.Contains(t, described, "execution: "+arn+"\nstate: M (label M)\nstatus: RUNNING\n")
	require.Contains(t, described, "max concurrency: 1\ntolerated failures: 0, 0%\n")
	require.Regexp(t, `items: \d+ total, \d+ pending, [01] running,`, described)

	updated := requireCLI(t, "maprun", "update", mapRunARN, "--max-concurrency", "4", "--tolerated-failure-percentage", "12.5", db)
	require.Contains(t, updated, "max concurrency: 4\ntolerated failures: 0, 12.5%\n")
	code, _, stderr := cli(t, "maprun", "update", mapRunARN, db)
	require.Equal(t, exitUsage, code)
	require.Contains(t, stderr, "set at least one of --max-concurrency")

	require.Contains(t, requireCLI(t, append(start, "--wait")...), "status: SUCCEEDED")
	done := requireCLI(t, "maprun", "describe", mapRunARN, db)
	require.Contains(t, done, "status: SUCCEEDED\n")
	require.Contains(t, done, "items: 4 total, 0 pending, 0 running, 4 succeeded, 0 failed, 0 timed out, 0 aborted\n")

	page := requireCLI(t, "maprun", "executions", mapRunARN, "--status", "SUCCEEDED", "--limit", "3", db)
	require.Equal(t, 3, len(regexp.MustCompile(`(?m)^SUCCEEDED\s`).FindAllString(page, -1)), page)
	next := strings.TrimPrefix(field(t, page, "more"), "--cursor ")
	rest := requireCLI(t, "maprun", "executions", mapRunARN, "--status", "SUCCEEDED", "--limit", "3", "--cursor", next, db)
	require.Equal(t, 1, len(regexp.MustCompile(`(?m)^SUCCEEDED\s`).FindAllString(rest, -1)), rest)
	require.NotContains(t, requireCLI(t, "maprun", "executions", mapRunARN, "--status", "FAILED", db), "SUCCEEDED")
	child := regexp.MustCompile(`(arn:aws:states:\S+:execution:\S+)\n`).FindStringSubmatch(rest)
	require.NotNil(t, child, rest)
	require.Contains(t, requireCLI(t, "exec", "describe", child[1], db), "map run: "+mapRunARN+"\n")
	require.Contains(t, requireCLI(t, "maprun", "describe", mapRunARN, "-o", "json", db), `"counts":{"pending":0,"running":0,"succeeded":4,`)

	code, _, stderr = cli(t, "maprun", "executions", mapRunARN, "--status", "DONE", db)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, "--status DONE: want one of RUNNING")
	code, _, stderr = cli(t, "maprun", "update", mapRunARN, "--max-concurrency", "2", db)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, "ValidationException")
	code, _, stderr = cli(t, "maprun", "describe", strings.Replace(mapRunARN, "dist/M:", "dist/M:0", 1), db)
	require.Equal(t, exitFailed, code)
	require.Contains(t, stderr, "ResourceNotFound")
}
