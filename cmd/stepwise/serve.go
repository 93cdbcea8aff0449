package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/examples/orders"
	"github.com/stepwise-run/stepwise/migrations"
)

// defaultShutdown is how long a stopping engine lets running jobs finish
// before cancelling them.
const defaultShutdown = 30 * time.Second

func serveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := databaseFlag(fs)
	examples := fs.Bool("examples", false, "also run the example functions (examples/orders) in this process")
	shutdown := fs.Duration("shutdown-timeout", defaultShutdown, "how long to let running jobs finish on SIGINT/SIGTERM")
	verbose := fs.Bool("verbose", false, "log the engine's informational messages too")
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: stepwise serve [--database URL] [--examples] [--shutdown-timeout 30s] [--verbose]")
		return 2
	}
	out := &lockedWriter{w: stdout}
	pool, err := prepareDatabase(ctx, *db, out)
	if err != nil {
		return failed(stderr, err)
	}
	defer pool.Close()
	cfg := &engine.Config{Drive: true, Logger: newLogger(stderr, *verbose)}
	if *examples {
		cfg.Functions = exampleFunctions(out)
	}
	return runEngine(ctx, "serve", pool, cfg, *shutdown, out, stderr)
}

func workerCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := databaseFlag(fs)
	drive := fs.Bool("drive", false, "also drive executions (what serve does)")
	wait := fs.Duration("wait-migrated", time.Minute, "how long to wait for the database to be migrated (by serve or migrate up)")
	shutdown := fs.Duration("shutdown-timeout", defaultShutdown, "how long to let running tasks finish on SIGINT/SIGTERM")
	verbose := fs.Bool("verbose", false, "log the engine's informational messages too")
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: stepwise worker [--database URL] [--drive] [--wait-migrated 1m] [--shutdown-timeout 30s] [--verbose]")
		return 2
	}
	out := &lockedWriter{w: stdout}
	pool, err := openPool(ctx, *db)
	if err != nil {
		return failed(stderr, err)
	}
	defer pool.Close()
	if err := waitMigrated(ctx, pool, *wait, out); err != nil {
		return failed(stderr, err)
	}
	cfg := &engine.Config{Drive: *drive, Functions: exampleFunctions(out), Logger: newLogger(stderr, *verbose)}
	return runEngine(ctx, "worker", pool, cfg, *shutdown, out, stderr)
}

// exampleFunctions registers the example functions; each approval request
// is printed with the command that answers it.
func exampleFunctions(out io.Writer) *activities.Registry {
	reg := activities.NewRegistry()
	orders.Register(reg, &orders.Config{OnApprovalRequest: func(r orders.ApprovalRequest) {
		fmt.Fprintf(out, "approval requested for order %s (amount %v); answer with:\n  stepwise task success %s --output '{\"approved\":true}'\n",
			r.OrderID, r.Amount, r.TaskToken)
	}})
	return reg
}

// waitMigrated waits up to limit for every migration to be applied, so a
// worker started beside serve waits for serve's migrations.
func waitMigrated(ctx context.Context, pool *pgxpool.Pool, limit time.Duration, out io.Writer) error {
	deadline := time.Now().Add(limit)
	said := false
	for {
		pending, err := pendingMigrations(ctx, pool)
		if err != nil || pending == 0 {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d migration(s) pending after waiting %s: %s", pending, limit, migrateHint)
		}
		if !said {
			fmt.Fprintf(out, "waiting for %d pending migration(s) (applied by `stepwise serve` or `stepwise migrate up`)\n", pending)
			said = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func pendingMigrations(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	states, err := migrations.Status(ctx, pool)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range states {
		if !s.Applied {
			n++
		}
	}
	return n, nil
}

// runEngine starts an engine, runs it until ctx ends (SIGINT/SIGTERM), then
// stops it, letting running jobs finish for up to shutdown.
func runEngine(ctx context.Context, name string, pool *pgxpool.Pool, cfg *engine.Config, shutdown time.Duration, out, stderr io.Writer) int {
	e, err := startEngine(ctx, pool, cfg)
	if err != nil {
		return failed(stderr, err)
	}
	fmt.Fprintf(out, "stepwise %s: %s; press Ctrl-C to stop\n", name, describeEngine(pool, cfg))
	<-ctx.Done()
	fmt.Fprintf(out, "stepwise %s: stopping (waiting up to %s for running jobs)\n", name, shutdown)
	if err := stopEngine(e, shutdown); err != nil {
		return failed(stderr, err)
	}
	fmt.Fprintf(out, "stepwise %s: stopped\n", name)
	return 0
}

// startEngine builds an engine and starts it.
func startEngine(ctx context.Context, pool *pgxpool.Pool, cfg *engine.Config) (*engine.Engine, error) {
	e, err := engine.New(pool, cfg)
	if err != nil {
		return nil, err
	}
	return e, start(ctx, e)
}

// start starts e. River stops abruptly when the context given to Start
// ends, so the engine gets one that does not end with ctx: stopEngine
// stops it gracefully instead.
func start(ctx context.Context, e *engine.Engine) error {
	if err := e.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start engine: %w", explain(err))
	}
	return nil
}

// stopEngine stops e, letting running jobs finish for up to timeout.
func stopEngine(e *engine.Engine, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := e.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return nil // running jobs were cancelled; River retries them later
	}
	return err
}

// describeEngine says what an engine does, for the start-up line.
func describeEngine(pool *pgxpool.Pool, cfg *engine.Config) string {
	var parts []string
	if cfg.Drive {
		parts = append(parts, "driving executions")
	}
	if cfg.Functions != nil {
		parts = append(parts, "running functions "+strings.Join(cfg.Functions.Names(), ", "))
	}
	if len(parts) == 0 {
		parts = append(parts, "idle (no --drive and no functions)")
	}
	return strings.Join(parts, " and ") + " on " + where(&pool.Config().ConnConfig.Config)
}

// newLogger logs the engine's warnings and errors to w as text; verbose
// adds its informational messages.
func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// lockedWriter serialises writes from the goroutines that print.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p under the lock.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
