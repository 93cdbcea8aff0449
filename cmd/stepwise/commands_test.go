package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
)

// examplesDir is the repository's examples folder, seen from this package.
var examplesDir = filepath.Join("..", "..", "examples")

// unreachable is a database URL nothing listens on.
const unreachable = "--database=postgres://postgres@127.0.0.1:1/stepwise?sslmode=disable"

func TestMigrate(t *testing.T) {
	t.Parallel()
	db := "--database=" + freshDatabase(t)
	names := migrationNames()
	all := make([]string, 0, len(names))
	for _, v := range slices.Sorted(maps.Keys(names)) {
		all = append(all, names[v]) // 0001_init, 0002_activities, … (numbers may skip)
	}
	require.GreaterOrEqual(t, len(all), 2)

	out := requireCLI(t, "migrate", "up", db)
	require.Contains(t, out, "created database")
	for _, m := range all {
		require.Contains(t, out, "applied migration "+m)
	}
	require.Regexp(t, all[0]+`\s+applied`, requireCLI(t, "migrate", "status", db))

	// down rolls back one migration at a time, the latest first.
	for i := len(all) - 1; i >= 0; i-- {
		require.Contains(t, requireCLI(t, "migrate", "down", db), "rolled back migration "+all[i])
		require.Regexp(t, all[i]+`\s+pending`, requireCLI(t, "migrate", "status", db))
	}
	require.Contains(t, requireCLI(t, "migrate", "down", db), "nothing to roll back")

	out = requireCLI(t, "migrate", "up", db)
	require.NotContains(t, out, "created database")
	require.Contains(t, out, "applied migration "+all[0])
	require.Contains(t, requireCLI(t, "migrate", "up", db), "is up to date")
}

func TestCommandErrors(t *testing.T) {
	t.Parallel()
	migrated := "--database=" + testkit.NewDatabase(t)
	unmigrated := "--database=" + freshDatabase(t)
	requireCLI(t, "migrate", "up", unmigrated)
	for !strings.Contains(requireCLI(t, "migrate", "down", unmigrated), "nothing to roll back") {
	}
	tests := []errorCase{
		{"no command", nil, 2, "usage: stepwise"},
		{"unknown command", []string{"deploy"}, 2, `unknown command "deploy"`},
		{"unknown subcommand", []string{"exec", "kill"}, 2, `unknown command "exec kill"`},
		{"migrate without direction", []string{"migrate"}, 2, "usage: stepwise migrate"},
		{"missing database", []string{"migrate", "status", "--database=" + freshDatabase(t)}, 1, "does not exist (run `stepwise migrate up` to create it)"},
		{"unreachable server", []string{"exec", "describe", "arn:x", unreachable}, 1, "cannot reach PostgreSQL at 127.0.0.1:1"},
		{"unknown machine", []string{"exec", "start", "nope", migrated}, 1, "state machine does not exist: nope"},
		{"unknown execution", []string{"exec", "history", "arn:aws:states:us-east-1:000000000000:execution:a:b", migrated}, 1, "execution does not exist"},
		{"bad token", []string{"task", "success", "abc", "--output", "{}", migrated}, 1, "invalid task token"},
		{"no output", []string{"task", "success", "abc", migrated}, 2, "usage: stepwise task success"},
		{"bad definition", []string{"sm", "create", "x", filepath.Join(examplesDir, "approval", "input.json"), migrated}, 1, "invalid definition"},
		{"not migrated", []string{"exec", "start", "x", unmigrated}, 1, "the database is not migrated"},
	}
	runErrorCases(t, tests)
}

// TestExec creates and updates a state machine, runs it on a serve
// process and reads the execution back.
func TestExec(t *testing.T) {
	t.Parallel()
	db := "--database=" + testkit.NewDatabase(t)
	serve := startBackground(t, "press Ctrl-C", "serve", "--insecure-no-auth", db)
	dir := t.TempDir()
	greet := writeFile(t, dir, "greet.json", `{"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"Hello","States":{"Hello":{"Type":"Pass","Parameters":{"greeting.$":"States.Format('Hello, {}', $.who)"},"End":true}}},
		{"StartAt":"Bye","States":{"Bye":{"Type":"Pass","Result":"bye","End":true}}}]}}}`)
	fail := writeFile(t, dir, "fail.json", `{"StartAt":"No","States":{"No":{"Type":"Fail","Error":"Nope","Cause":"version 2 fails"}}}`)

	require.Contains(t, requireCLI(t, "sm", "create", "greet", greet, db), "created state machine greet (version 1)")
	code, _, stderr := cli(t, "sm", "create", "greet", greet, db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "already exists")

	out := requireCLI(t, "exec", "start", "greet", "--name", "first", "--input", `{"who":"Ada"}`, "--wait", db)
	require.Contains(t, out, "status: SUCCEEDED")
	require.Contains(t, out, `output: [{"greeting":"Hello, Ada"},"bye"]`)
	arn := field(t, out, "arn")
	require.Equal(t, exampleARN, arn)

	again := requireCLI(t, "exec", "start", "greet", "--name", "first", "--input", `{"who":"Ada"}`, db)
	require.Contains(t, again, "note: an execution of this name and input already existed")

	out = requireCLI(t, "exec", "describe", arn, db)
	require.Contains(t, out, "name: first")
	require.Contains(t, out, "stateMachine:greet (version 1)")
	require.Contains(t, out, `input: {"who":"Ada"}`)
	require.Contains(t, out, "status: SUCCEEDED")

	out = requireCLI(t, "exec", "history", arn, db)
	require.Regexp(t, `(?m)^\s+1\s+0s\s+ExecutionStarted$`, out)
	require.Contains(t, out, history.ParallelStateSucceeded)
	require.Regexp(t, `ExecutionSucceeded\n$`, out)
	require.Contains(t, requireCLI(t, "exec", "history", arn, "--details", db), `{"output":[{"greeting":"Hello, Ada"},"bye"]}`)

	require.Contains(t, requireCLI(t, "sm", "update", "greet", fail, db), "updated state machine greet to version 2")
	code, out, _ = cli(t, "exec", "start", "greet", "--wait", db)
	require.Equal(t, 3, code, "an execution that does not succeed exits 3")
	require.Contains(t, out, "status: FAILED\nerror: Nope\ncause: version 2 fails")

	// sm get, sm list and exec list read the database too.
	out = requireCLI(t, "sm", "get", "greet", "--version", "1", db)
	require.Contains(t, out, "version: 1 of 2\ndefinition: {\"StartAt\":\"Both\"")
	require.Regexp(t, `(?m)^2\s.*false\n1\s`, out, "the versions, newest first")
	require.Regexp(t, `(?m)^greet\s+2\s`, requireCLI(t, "sm", "list", db))
	// Without --endpoint the commands serve the REST API in process: -o json
	// prints its JSON as a server's would.
	var list struct{ StateMachines []struct{ Name string } }
	require.NoError(t, json.Unmarshal([]byte(requireCLI(t, "sm", "list", "-o", "json", db)), &list))
	require.Equal(t, "greet", list.StateMachines[0].Name)
	code, _, stderr = cli(t, "sm", "get", "nope", db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "state machine does not exist")
	page := requireCLI(t, "exec", "list", "--machine", "greet", "--limit", "1", db)
	require.Regexp(t, `(?m)^FAILED\s`, page, "newest first")
	next := field(t, page, "more")
	page = requireCLI(t, "exec", "list", "--machine", "greet", "--limit", "1", "--cursor", strings.TrimPrefix(next, "--cursor "), db)
	require.Regexp(t, `(?m)^SUCCEEDED\s.*\sfirst\s+`+regexp.QuoteMeta(arn)+`$`, page)
	require.NotContains(t, page, "more:")
	require.Contains(t, requireCLI(t, "exec", "list", "--status", "SUCCEEDED", "--since", "2000-01-01T00:00:00Z", db), arn)
	code, _, stderr = cli(t, "exec", "list", "--status", "DONE", db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "--status DONE: want one of RUNNING")
	code, _, stderr = cli(t, "exec", "list", "--cursor", "abc", db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "not a cursor")

	require.Equal(t, 0, serve.stop(t))
	require.Contains(t, serve.stdout.String(), "stepwise serve: stopped")
}

// TestTask answers the approval example's callbacks with task success and
// task failure, with the example functions running in a worker.
func TestTask(t *testing.T) {
	t.Parallel()
	db := "--database=" + testkit.NewDatabase(t)
	startBackground(t, "press Ctrl-C", "serve", "--insecure-no-auth", db)
	worker := startBackground(t, "press Ctrl-C", "worker", db)
	requireCLI(t, "sm", "create", "approval", filepath.Join(examplesDir, "approval", "definition.asl.json"), db)

	yes := []string{"exec", "start", "approval", "--name", "yes", "--input", `{"orderId":"o-yes","amount":10}`, db}
	requireCLI(t, yes...)
	token := approvalToken(t, worker, "o-yes")
	require.Contains(t, requireCLI(t, "task", "success", token, "--output", `{"approvedBy":"cli"}`, db), "task succeeded")
	out := requireCLI(t, append(yes, "--wait")...)
	require.Contains(t, out, `output: {"approval":{"approvedBy":"cli"},"orderId":"o-yes","status":"APPROVED"}`)

	code, _, stderr := cli(t, "task", "success", token, "--output", `{}`, db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "already closed")

	no := []string{"exec", "start", "approval", "--name", "no", "--input", `{"orderId":"o-no","amount":10}`, db}
	requireCLI(t, no...)
	token = approvalToken(t, worker, "o-no")
	requireCLI(t, "task", "failure", token, "--error", "Rejected", "--cause", "too dear", db)
	code, out, _ = cli(t, append(no, "--wait")...)
	require.Equal(t, exitUnsuccessful, code)
	require.Contains(t, out, "status: FAILED\nerror: Rejected\ncause: too dear")
}

// TestDev runs stepwise dev --once twice on a database it creates.
func TestDev(t *testing.T) {
	t.Parallel()
	db := "--database=" + freshDatabase(t)
	args := []string{"dev", "--once", db, "--examples-dir", examplesDir, "--approve-after", "100ms"}
	out := requireCLI(t, args...)
	for _, want := range []string{
		"created database",
		"created state machine order-saga (version 1)",
		"approved order order-3001",
		"order-saga: SUCCEEDED",
		"order-processing: SUCCEEDED",
		"approval: SUCCEEDED",
		"order-notify: SUCCEEDED",
		"order-batch: SUCCEEDED",
		"shipping-quote: RUNNING, waiting in Wait state WaitForRateWindow",
		`"status":"FULFILLED"`,
	} {
		require.Contains(t, out, want)
	}
	out = requireCLI(t, args...)
	require.Contains(t, out, "state machine order-saga is up to date (version 1)")
	require.Contains(t, out, "approval: SUCCEEDED")

	code, _, stderr := cli(t, "dev", "--once", db, "--examples-dir", t.TempDir()+"/none")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "pass --examples-dir")
	code, _, stderr = cli(t, "dev", "--once", unreachable, "--examples-dir", examplesDir)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "start one")
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// field returns the value of a "name: value" line.
func field(t *testing.T, out, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `: (.*)$`).FindStringSubmatch(out)
	require.NotNil(t, m, "no %s: line in\n%s", name, out)
	return m[1]
}

// approvalToken waits for the worker to print the approval request of an
// order and returns its task token.
func approvalToken(t *testing.T, worker *background, orderID string) string {
	t.Helper()
	out := worker.waitFor(t, "approval requested for order "+orderID)
	m := regexp.MustCompile(`approval requested for order ` + orderID + ` .*\n\s+stepwise task success (\S+)`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	return m[1]
}
