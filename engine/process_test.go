package engine_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
)

// Child processes. Tests that kill engines re-execute the test binary:
// with childEnv set to a database URL, TestMain runs the process named by
// childRoleEnv on that database instead of running tests, until killed.

// childEnv, when set to a database URL, makes the test binary run as a
// child process instead of running tests.
const childEnv = "STEPWISE_ENGINE_CHILD_DATABASE"

// childRoleEnv names what a child process runs: a key of childRoles, or
// empty for the kill test's engine.
const childRoleEnv = "STEPWISE_ENGINE_CHILD_ROLE"

// childRoles are the processes a child can run, by role. Suites behind
// build tags add theirs from init, before TestMain reads it.
var childRoles = map[string]func(url string){}

// runChild runs the process childRoleEnv names on url until killed.
func runChild(url string) {
	if run := childRoles[os.Getenv(childRoleEnv)]; run != nil {
		run(url)
		return
	}
	runKillChild(url)
}

// startChild starts the test binary as a child process of role on the
// database url (see childCommand).
func startChild(t testing.TB, url, role string, log io.Writer, env ...string) *exec.Cmd {
	t.Helper()
	cmd := childCommand(url, role, log, env...)
	require.NoError(t, cmd.Start())
	return cmd
}

// childCommand is the test binary as a child process of role on the
// database url, with its stderr going to log (nil means this process's
// stderr) and env added to its environment, not started yet: a test
// that reads the child's standard output takes its pipe first.
func childCommand(url, role string, log io.Writer, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+url, childRoleEnv+"="+role)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = log
	if log == nil {
		cmd.Stderr = os.Stderr
	}
	return cmd
}

// serveUntilKilled runs an engine on the database url with cfg, serving
// the functions register adds (see serveChild), until the process is
// killed.
func serveUntilKilled(url string, register func(*activities.Registry, *pgxpool.Pool), cfg engine.Config) {
	serveChild(url, register, cfg)
	select {}
}

// serveChild starts an engine on the database url with cfg, serving the
// functions register adds (it gets the engine's pool, for functions that
// record what they did), and returns it; it panics when it cannot, as a
// child process has no test to fail.
func serveChild(url string, register func(*activities.Registry, *pgxpool.Pool), cfg engine.Config) *engine.Engine {
	pool := childPool(url)
	reg := activities.NewRegistry()
	register(reg, pool)
	cfg.Functions = reg
	e, err := engine.New(pool, &cfg)
	if err != nil {
		panic(err)
	}
	if err := e.Start(context.Background()); err != nil {
		panic(err)
	}
	return e
}

// childPool connects a child process to the database url, or panics.
func childPool(url string) *pgxpool.Pool {
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		panic(err)
	}
	return pool
}

// kill SIGKILLs a child process and reaps it.
func kill(cmd *exec.Cmd) {
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_, _ = cmd.Process.Wait()
}
