package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/examples/orders"
	"github.com/stepwise-run/stepwise/migrations"
	"github.com/stepwise-run/stepwise/web"
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
	listen := fs.String("listen", "127.0.0.1:8080", listenUsage)
	var auth authSettings
	fs.StringVar(&auth.keysFile, "api-keys", keysFileDefault(), keysUsage)
	fs.BoolVar(&auth.insecure, "insecure-no-auth", false, "serve the HTTP API without authentication (anyone who reaches it may do anything)")
	serving := addServingFlags(fs, &auth)
	httpTasks := addHTTPTaskFlags(fs)
	routing := addRoutingFlags(fs)
	testFlags := addTestingFlags(fs)
	logs := addLogFlags(fs)
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: stepwise serve [--database URL] [--listen 127.0.0.1:8080] (--api-keys FILE | --insecure-no-auth) [--tls-cert FILE --tls-key FILE] [--insecure-plain-http-keys] [--cors-origin ORIGIN]... [--max-inflight-starts N] [--max-commit-latency DURATION] [--examples] [--http-allow LIST] [--http-deny LIST] [--bind-activity NAME=ACTIVITY]... [--unbound-grace 0s] [--retention 90d] [--mock-config FILE] [--wait-time-scale FACTOR] [--secret-key-file FILE] [--log-sink postgres|stdout|none] [--log-retention 720h] [--shutdown-timeout 30s] [--verbose]")
		return 2
	}
	auth.tls = serving.tls()
	authorize, warning, err := serveAuthorize(auth, *listen)
	if err != nil {
		return failed(stderr, err)
	}
	out := &lockedWriter{w: stdout}
	hup := &hangup{out: out, stderr: stderr}
	api := apiOptions{listen: *listen, explicit: flagSet(fs, "listen"), authorize: authorize}
	if err := serving.apply(ctx, &api, hup); err != nil {
		return failed(stderr, err)
	}
	logger := newLogger(stderr, *verbose)
	if warning != "" {
		logger.Warn(warning)
	}
	var functions *activities.Registry
	if *examples {
		functions = exampleFunctions(out)
	}
	tasks, err := httpTasks.check()
	if err != nil {
		return failed(stderr, err)
	}
	pool, err := prepareDatabase(ctx, *db, out)
	if err != nil {
		return failed(stderr, err)
	}
	defer pool.Close()
	if functions, err = tasks.register(functions, pool); err != nil {
		return failed(stderr, err)
	}
	cfg, err := routing.apply(&engine.Config{Drive: true, Functions: functions, Logger: logger, Observer: web.NewObserver(), SecretKey: tasks.key})
	if err != nil {
		return failed(stderr, err)
	}
	if err := testFlags.apply(ctx, cfg, hup); err != nil {
		return failed(stderr, err)
	}
	if err := serving.admission(cfg); err != nil {
		return failed(stderr, err)
	}
	if err := logs.apply(cfg, pool, out, logger); err != nil {
		return failed(stderr, err)
	}
	return runEngine(ctx, "serve", pool, cfg, api, *shutdown, out, stderr)
}

func workerCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := databaseFlag(fs)
	drive := fs.Bool("drive", false, "also drive executions (what serve does)")
	wait := fs.Duration("wait-migrated", time.Minute, "how long to wait for the database to be migrated (by serve or migrate up)")
	shutdown := fs.Duration("shutdown-timeout", defaultShutdown, "how long to let running tasks finish on SIGINT/SIGTERM")
	verbose := fs.Bool("verbose", false, "log the engine's informational messages too")
	httpTasks := addHTTPTaskFlags(fs)
	routing := addRoutingFlags(fs)
	testFlags := addTestingFlags(fs)
	logs := addLogFlags(fs)
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: stepwise worker [--database URL] [--drive [--bind-activity NAME=ACTIVITY]... [--unbound-grace 0s] [--retention 90d] [--mock-config FILE] [--wait-time-scale FACTOR]] [--secret-key-file FILE] [--http-allow LIST] [--http-deny LIST] [--log-sink postgres|stdout|none] [--log-retention 720h] [--wait-migrated 1m] [--shutdown-timeout 30s] [--verbose]")
		return 2
	}
	if len(routing.bindings) > 0 && !*drive {
		fmt.Fprintln(stderr, "stepwise worker: --bind-activity needs --drive: only processes that drive executions send tasks to activities")
		return 2
	}
	out := &lockedWriter{w: stdout}
	tasks, err := httpTasks.check()
	if err != nil {
		return failed(stderr, err)
	}
	pool, err := openPool(ctx, *db)
	if err != nil {
		return failed(stderr, err)
	}
	defer pool.Close()
	if err := waitMigrated(ctx, pool, *wait, out); err != nil {
		return failed(stderr, err)
	}
	functions, err := tasks.register(exampleFunctions(out), pool)
	if err != nil {
		return failed(stderr, err)
	}
	cfg, err := routing.apply(&engine.Config{Drive: *drive, Functions: functions, Logger: newLogger(stderr, *verbose), SecretKey: tasks.key})
	if err != nil {
		return failed(stderr, err)
	}
	if err := testFlags.apply(ctx, cfg, &hangup{out: out, stderr: stderr}); err != nil {
		return failed(stderr, err)
	}
	if err := logs.apply(cfg, pool, out, cfg.Logger); err != nil {
		return failed(stderr, err)
	}
	return runEngine(ctx, "worker", pool, cfg, apiOptions{}, *shutdown, out, stderr)
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

// runEngine starts an engine and, when api says so, the HTTP API beside
// it; runs them until ctx ends (SIGINT/SIGTERM); then stops the API,
// letting requests in flight finish, and the engine, letting running jobs
// finish for up to shutdown.
func runEngine(ctx context.Context, name string, pool *pgxpool.Pool, cfg *engine.Config, api apiOptions, shutdown time.Duration, out, stderr io.Writer) int {
	e, err := startEngine(ctx, pool, cfg)
	if err != nil {
		return failed(stderr, err)
	}
	srv, err := startAPI(ctx, e, api, cfg.Logger, out, stderr)
	if err != nil {
		_ = stopEngine(e, shutdown)
		return failed(stderr, err)
	}
	fmt.Fprintf(out, "stepwise %s: %s; press Ctrl-C to stop\n", name, describeEngine(pool, cfg))
	<-ctx.Done()
	fmt.Fprintf(out, "stepwise %s: stopping (waiting up to %s for running jobs)\n", name, shutdown)
	apiErr := srv.stop()
	if err := stopEngine(e, shutdown); err != nil {
		return failed(stderr, err)
	}
	if apiErr != nil {
		return failed(stderr, apiErr)
	}
	fmt.Fprintf(out, "stepwise %s: stopped\n", name)
	return 0
}

// listenUsage describes --listen.
const listenUsage = "address of the HTTP API (REST under /v1, AWS protocol on /, /healthz, /readyz, /metrics); empty turns it off"

// apiOptions says where a process serves the HTTP API.
type apiOptions struct {
	// listen is the TCP address; empty means no API.
	listen string
	// explicit says --listen was given: then an address that cannot be
	// used is an error, while the default address is only tried.
	explicit bool
	// authorize is the API's web.Config.Authorize; nil serves it without
	// authentication.
	authorize func(*http.Request) error
	// tls, when set, serves the API over TLS with this certificate.
	tls *web.Certificate
	// cors lists the origins of web.Config.CORSOrigins.
	cors []string
}

// apiServer is the HTTP API running beside an engine; nil is none.
type apiServer struct {
	url    string // base URL, such as http://127.0.0.1:8080
	cancel context.CancelFunc
	done   chan error
}

// startAPI listens on o.listen and serves the API of e until stop. When
// the default address is taken it says so and serves none.
func startAPI(ctx context.Context, e *engine.Engine, o apiOptions, log *slog.Logger, out, stderr io.Writer) (*apiServer, error) {
	if o.listen == "" {
		return nil, nil
	}
	cfg := &web.Config{Listen: o.listen, Logger: log, Authorize: o.authorize, CORSOrigins: o.cors}
	if o.tls != nil {
		cfg.TLS = o.tls.TLSConfig()
	}
	srv := web.New(e, cfg)
	addr, err := srv.Listen()
	if err != nil && !o.explicit {
		fmt.Fprintf(stderr, "stepwise: no HTTP API: %v (choose an address with --listen)\n", err)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	url := baseURL(addr, o.tls != nil)
	auth := "API keys required"
	if o.authorize == nil {
		auth = "no authentication"
	}
	fmt.Fprintf(out, "HTTP API on %s/v1 (health /healthz and /readyz, metrics /metrics; %s)\nviewer: %s%s\n", url, auth, url, web.ViewerPath)
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	a := &apiServer{url: url, cancel: cancel, done: make(chan error, 1)}
	go func() { a.done <- srv.Run(ctx) }()
	return a, nil
}

// stop shuts the API down gracefully and returns why it stopped, if not
// by stop.
func (a *apiServer) stop() error {
	if a == nil {
		return nil
	}
	a.cancel()
	return <-a.done
}

// baseURL is the URL of a listening address, https when tls; one on every
// interface is shown as localhost.
func baseURL(addr net.Addr, tls bool) string {
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return scheme + addr.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return scheme + net.JoinHostPort(host, port)
}

// flagSet reports whether the named flag was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
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
	if len(cfg.ActivityBindings) > 0 {
		parts = append(parts, "binding "+activityBindings(cfg.ActivityBindings).String())
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
