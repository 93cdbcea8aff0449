package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

// TestTagCommands adds, lists and removes the tags of a state machine and
// an activity through the CLI.
func TestTagCommands(t *testing.T) {
	t.Parallel()
	db := "--database=" + testkit.NewDatabase(t)
	machine := writeFile(t, t.TempDir(), "m.json", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	requireCLI(t, "sm", "create", "orders", machine, db)

	require.Equal(t, "env=prod\nteam=pay=ments\n", requireCLI(t, "tag", "add", "orders", "team=pay=ments,env=prod", db))
	require.Equal(t, "team=pay=ments\n", requireCLI(t, "tag", "remove", "orders", "env", db))
	require.JSONEq(t, `{"tags":{"team":"pay=ments"}}`, requireCLI(t, "tag", "list", "orders", "-o", "json", db))

	code, _, stderr := cli(t, "tag", "add", "orders", "aws:x=1", db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "InvalidTag")
	code, _, stderr = cli(t, "tag", "list", "nope", "--activity", db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "ResourceNotFound")
	code, _, stderr = cli(t, "tag", "add", "orders", "novalue", db)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "KEY=VALUE")
}
