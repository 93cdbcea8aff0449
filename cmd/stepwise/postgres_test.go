package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

// TestDevPrivatePostgres points dev's discovery at an address nothing
// listens on: dev must start a private PostgreSQL from the local
// binaries, run the examples on it, and stop it when it exits, whether
// interrupted (Ctrl-C) or after --once; a second dev meanwhile shares it.
func TestDevPrivatePostgres(t *testing.T) {
	t.Parallel()
	if _, err := findPostgresBin(); err != nil {
		t.Skip(err)
	}
	pgDir := filepath.Join(reachableTempDir(t), "pg")
	o := devOptions{
		probe:        "postgres://postgres@127.0.0.1:1/stepwise?sslmode=disable",
		pgDir:        pgDir,
		examplesDir:  examplesDir,
		approveAfter: 100 * time.Millisecond,
		timeout:      45 * time.Second,
		shutdown:     10 * time.Second,
		api:          apiOptions{listen: "127.0.0.1:0", explicit: true},
	}

	// Interrupted: the context ends as SIGINT ends main's.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, stderr testkit.SyncBuffer
	done := make(chan int, 1)
	go func() { done <- runDev(ctx, o, &out, &stderr) }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "Press Ctrl-C") },
		90*time.Second, 50*time.Millisecond, "dev did not get ready\nstdout:\n%s\nstderr:\n%s", &out, &stderr)
	text := out.String()
	for _, want := range []string{
		"no PostgreSQL listens on 127.0.0.1:1 and neither --database nor STEPWISE_DATABASE_URL is set: starting a private server",
		"no PostgreSQL data in " + pgDir + " yet: initdb",
		"started a private PostgreSQL",
		"created database \"stepwise\" on 127.0.0.1:",
		"order-saga: SUCCEEDED",
		"approval: SUCCEEDED",
		"viewer: http://127.0.0.1:",
	} {
		require.Contains(t, text, want)
	}
	port := regexp.MustCompile(`on 127\.0\.0\.1:(\d+), data in`).FindStringSubmatch(text)
	require.NotNil(t, port, text)
	url := "postgres://postgres@127.0.0.1:" + port[1] + "/stepwise?sslmode=disable"
	require.Contains(t, text, "export STEPWISE_DATABASE_URL='"+url+"'", "the commands dev suggests need the private server's URL")
	up, err := reachable(context.Background(), url)
	require.NoError(t, err)
	require.True(t, up, "the private server listens while dev runs")

	// A second dev on the same folder uses the running server and leaves
	// it running.
	borrower := o
	borrower.once, borrower.api = true, apiOptions{}
	var out3, stderr3 testkit.SyncBuffer
	require.Equal(t, 0, runDev(context.Background(), borrower, &out3, &stderr3), "stdout:\n%s\nstderr:\n%s", &out3, &stderr3)
	require.Contains(t, out3.String(), "using the private PostgreSQL already running on 127.0.0.1:"+port[1])
	require.Contains(t, out3.String(), "order-saga: SUCCEEDED")
	require.NotContains(t, out3.String(), "stopped the private PostgreSQL")
	up, err = reachable(context.Background(), url)
	require.NoError(t, err)
	require.True(t, up, "the first dev's server still runs")

	cancel()
	select {
	case code := <-done:
		require.Equal(t, 0, code, "stderr:\n%s", &stderr)
	case <-time.After(60 * time.Second):
		t.Fatal("dev did not stop")
	}
	require.Contains(t, out.String(), "stopped the private PostgreSQL (data kept in "+pgDir+")")
	requireStopped(t, pgDir, url)

	// Once: the data folder is reused (no initdb, the machines exist).
	o.once, o.api = true, apiOptions{}
	var out2, stderr2 testkit.SyncBuffer
	require.Equal(t, 0, runDev(context.Background(), o, &out2, &stderr2), "stdout:\n%s\nstderr:\n%s", &out2, &stderr2)
	require.NotContains(t, out2.String(), "initdb")
	require.Contains(t, out2.String(), "state machine order-saga is up to date (version 1)")
	require.Contains(t, out2.String(), "order-processing: SUCCEEDED")
	require.Contains(t, out2.String(), "stopped the private PostgreSQL")
	requireStopped(t, pgDir, "")
}

// requireStopped requires that no server runs on the data folder (and,
// when url is set, that nothing listens there any more).
func requireStopped(t *testing.T, pgDir, url string) {
	t.Helper()
	require.NoFileExists(t, filepath.Join(pgDir, "postmaster.pid"))
	if url != "" {
		up, err := reachable(context.Background(), url)
		require.NoError(t, err)
		require.False(t, up, "nothing listens after dev stopped")
	}
}

// reachableTempDir is a temporary folder that the postgres OS user, which
// runs the private server when the tests run as root, can enter.
func reachableTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if os.Geteuid() == 0 {
		require.NoError(t, os.Chmod(dir, 0o755))
		require.NoError(t, os.Chmod(filepath.Dir(dir), 0o755)) // made by t.TempDir too
	}
	return dir
}

// TestDevDatabaseChoice checks that an explicit database is used as it
// is, even when unreachable (dev starts no server then).
func TestDevDatabaseChoice(t *testing.T) {
	t.Parallel()
	url, pg, err := devDatabase(context.Background(), devOptions{database: "postgres://postgres@127.0.0.1:1/x"}, &testkit.SyncBuffer{})
	require.NoError(t, err)
	require.Nil(t, pg)
	require.Equal(t, "postgres://postgres@127.0.0.1:1/x", url)
}
