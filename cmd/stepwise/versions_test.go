package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

// TestVersionAndAliasCommands publishes versions, lists and deletes them,
// and manages an alias, in process.
func TestVersionAndAliasCommands(t *testing.T) {
	t.Parallel()
	db := "--database=" + testkit.NewDatabase(t)
	dir := t.TempDir()
	first := writeFile(t, dir, "a.json", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"a","End":true}}}`)
	second := writeFile(t, dir, "b.json", `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"b","End":true}}}`)
	requireCLI(t, "sm", "create", "rel", first, db)
	require.Contains(t, requireCLI(t, "sm", "publish", "rel", "--description", "first", db),
		"version 1 of rel runs its revision 1\narn: arn:aws:states:us-east-1:000000000000:stateMachine:rel:1\n")
	requireCLI(t, "sm", "update", "rel", second, db)
	code, _, stderr := cli(t, "sm", "publish", "rel", "--revision", "1", db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "ConflictException")
	requireCLI(t, "sm", "publish", "rel", "--revision", "2", db)
	require.Regexp(t, `VERSION\s+REVISION\s+CREATED\s+DESCRIPTION\n2\s+2\s+.*-\n1\s+1\s+.*first\n`, requireCLI(t, "sm", "versions", "rel", db))

	created := requireCLI(t, "sm", "alias", "create", "rel", "prod", "--route", "1=90", "--route", "2=10", "--description", "live", db)
	require.Contains(t, created, "arn: arn:aws:states:us-east-1:000000000000:stateMachine:rel:prod\n")
	require.Regexp(t, `1\s+90%\n2\s+10%\n`, created)
	require.Contains(t, requireCLI(t, "sm", "alias", "update", "rel", "prod", "--route", "2=100", db), "description: live\n")
	require.Regexp(t, `prod\s+2=100%\s+arn:`, requireCLI(t, "sm", "alias", "list", "rel", "--version", "2", db))
	require.Contains(t, requireCLI(t, "sm", "alias", "get", "rel", "prod", "-o", "json", db), `"weight":100`)
	code, _, stderr = cli(t, "sm", "delete-version", "rel", "2", db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "ConflictException")
	code, _, stderr = cli(t, "sm", "alias", "create", "rel", "bad", "--route", "1=50", db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "ValidationException")

	out := requireCLI(t, "exec", "start", "arn:aws:states:us-east-1:000000000000:stateMachine:rel:prod", "--wait", db)
	require.Contains(t, out, `"b"`)
	requireCLI(t, "sm", "alias", "delete", "rel", "prod", db)
	require.Contains(t, requireCLI(t, "sm", "delete-version", "rel", "2", db), "version 2 of rel deleted")
}
