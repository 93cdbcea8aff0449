package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "stepwise-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stepwiseBinary = filepath.Join(dir, "stepwise")
	if err := buildBinary(stepwiseBinary); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testkit.DropTemplate()
	os.RemoveAll(dir)
	os.Exit(code)
}

// stepwiseBinary is the path of the stepwise command that TestMain builds
// for the tests that run it as a process (binary_test.go).
var stepwiseBinary string

// buildBinary builds this package into path with the go command that runs
// the tests.
func buildBinary(path string) error {
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		goCmd = "go"
	}
	out, err := exec.Command(goCmd, "build", "-o", path, ".").CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build -o %s .: %v\n%s", path, err, out)
	}
	return nil
}

// cli runs a command line to the end and returns its exit code, stdout
// and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr testkit.SyncBuffer
	code := run(ctx, args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// requireCLI runs a command line that must succeed and returns its stdout.
func requireCLI(t *testing.T, args ...string) string {
	t.Helper()
	code, stdout, stderr := cli(t, args...)
	require.Equal(t, 0, code, "stepwise %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), stdout, stderr)
	return stdout
}

// background runs a long-running command (serve, worker) until the test
// ends, after its output contains ready.
type background struct {
	stdout, stderr testkit.SyncBuffer
	cancel         context.CancelFunc
	done           chan int
	once           sync.Once
	code           int
}

func startBackground(t *testing.T, ready string, args ...string) *background {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	b := &background{cancel: cancel, done: make(chan int, 1)}
	go func() { b.done <- run(ctx, args, &b.stdout, &b.stderr) }()
	t.Cleanup(func() { b.stop(t) })
	require.Eventually(t, func() bool { return strings.Contains(b.stdout.String(), ready) }, 20*time.Second, 10*time.Millisecond,
		"stepwise %s did not get ready\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), &b.stdout, &b.stderr)
	return b
}

// stop interrupts the command and returns its exit code.
func (b *background) stop(t *testing.T) int {
	t.Helper()
	b.once.Do(func() {
		b.cancel()
		select {
		case b.code = <-b.done:
		case <-time.After(30 * time.Second):
			b.code = -1
			t.Error("the command did not stop within 30s")
		}
	})
	return b.code
}

// waitFor waits until the command's stdout contains s and returns it.
func (b *background) waitFor(t *testing.T, s string) string {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Contains(b.stdout.String(), s) }, 20*time.Second, 10*time.Millisecond,
		"%q never appeared in:\n%s", s, &b.stdout)
	return b.stdout.String()
}

// freshDatabase returns the URL of a database that does not exist yet,
// dropped when the test ends.
func freshDatabase(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "stepwise_cli_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, testkit.ServerURL())
		if err != nil {
			return
		}
		defer conn.Close(ctx)
		_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	})
	return testkit.URLFor(name)
}

// errorCase is a command line that must fail with an exit code and a
// message on stderr.
type errorCase struct {
	name   string
	args   []string
	code   int
	stderr string
}

// runErrorCases runs each case; an operation's failure (exit 1) must be
// one line.
func runErrorCases(t *testing.T, tests []errorCase) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := cli(t, tt.args...)
			require.Equal(t, tt.code, code, stderr)
			require.Contains(t, stderr, tt.stderr)
			if code == 1 {
				require.Equal(t, 1, strings.Count(stderr, "\n"), "an error is one line: %q", stderr)
			}
		})
	}
}
