package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/examples"
	"github.com/stepwise-run/stepwise/examples/orders"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web"
)

// devOptions are the settings of stepwise dev.
type devOptions struct {
	// database is --database or STEPWISE_DATABASE_URL; empty means probe
	// if something listens there, else a private server in pgDir.
	database     string
	probe        string
	pgDir        string
	examplesDir  string
	once         bool
	approveAfter time.Duration
	timeout      time.Duration
	shutdown     time.Duration
	verbose      bool
	api          apiOptions
	auth         authSettings
	serving      *servingFlags
	hup          *hangup
	httpTasks    *httpTaskFlags
	routing      *routingFlags
	testing      *testingFlags
	logs         *logFlags
}

func devCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o devOptions
	fs.StringVar(&o.database, "database", os.Getenv("STEPWISE_DATABASE_URL"),
		databaseUsage+"; unset: the server at 127.0.0.1:5432 if one listens there, else a private one dev starts from the local PostgreSQL binaries")
	fs.StringVar(&o.pgDir, "pg-dir", defaultPostgresDir(), "the data folder of the private PostgreSQL server")
	fs.StringVar(&o.examplesDir, "examples-dir", "", "read the examples from this folder instead of the ones built into the binary")
	fs.BoolVar(&o.once, "once", false, "exit after the examples ran: 0 if each reached its expected status, else 1")
	fs.DurationVar(&o.approveAfter, "approve-after", 2*time.Second, "how long after an approval request dev approves it")
	fs.DurationVar(&o.timeout, "timeout", 45*time.Second, "how long to wait for the examples")
	fs.DurationVar(&o.shutdown, "shutdown-timeout", 10*time.Second, "how long to let running jobs finish when stopping")
	fs.BoolVar(&o.verbose, "verbose", false, "log the engine's informational messages too")
	fs.StringVar(&o.api.listen, "listen", "127.0.0.1:8080", listenUsage+" (not served with --once; without --api-keys only a loopback address)")
	fs.StringVar(&o.auth.keysFile, "api-keys", keysFileDefault(), keysUsage+"; without it the API has no authentication")
	o.serving = addServingFlags(fs, &o.auth)
	o.httpTasks = addHTTPTaskFlags(fs)
	o.routing = addRoutingFlags(fs)
	o.testing = addTestingFlags(fs)
	o.logs = addLogFlags(fs)
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: stepwise dev [--database URL | --pg-dir DIR] [--listen 127.0.0.1:8080] [--api-keys FILE] [--tls-cert FILE --tls-key FILE] [--insecure-plain-http-keys] [--cors-origin ORIGIN]... [--max-inflight-starts N] [--max-commit-latency DURATION] [--examples-dir DIR] [--once] [--approve-after 2s] [--timeout 45s] [--http-allow LIST] [--http-deny LIST] [--bind-activity NAME=ACTIVITY]... [--unbound-grace 0s] [--retention 90d] [--mock-config FILE] [--wait-time-scale FACTOR] [--secret-key-file FILE] [--log-sink postgres|stdout|none] [--log-retention 720h]")
		return 2
	}
	o.api.explicit = flagSet(fs, "listen")
	o.probe = defaultDatabaseURL
	if o.once {
		o.api.listen = ""
	}
	o.auth.tls = o.serving.tls()
	authorize, err := devAuthorize(o.auth, o.api.listen)
	if err != nil {
		return failed(stderr, err)
	}
	o.api.authorize = authorize
	out := &lockedWriter{w: stdout}
	o.hup = &hangup{out: out, stderr: stderr}
	if err := o.serving.apply(ctx, &o.api, o.hup); err != nil {
		return failed(stderr, err)
	}
	return runDev(ctx, o, out, stderr)
}

// devExample is an example state machine that dev runs once, with the
// status its execution must reach.
type devExample struct {
	name string
	want string
	// parkedIn, for an example expected to stay RUNNING, is the Wait state
	// it must reach (shipping-quote's Wait lasts an hour).
	parkedIn string

	definition string
	input      string
	arn        string
	exec       *store.Execution
	reached    bool
}

// devExamples lists the examples dev runs, in order.
func devExamples() []*devExample {
	return []*devExample{
		{name: "order-saga", want: store.StatusSucceeded},
		{name: "order-processing", want: store.StatusSucceeded},
		{name: "approval", want: store.StatusSucceeded},
		{name: "order-notify", want: store.StatusSucceeded},
		{name: "order-batch", want: store.StatusSucceeded},
		{name: "shipping-quote", want: store.StatusRunning, parkedIn: "WaitForRateWindow"},
	}
}

// runDev prepares the database, runs the examples on an engine with the
// example functions, reports them, and then keeps the engine and the HTTP
// API running until ctx ends (unless once).
func runDev(ctx context.Context, o devOptions, out, stderr io.Writer) int {
	examples := devExamples()
	if err := loadExamples(o.examplesDir, examples); err != nil {
		return failed(stderr, err)
	}
	tasks, err := o.httpTasks.check()
	if err != nil {
		return failed(stderr, err)
	}
	if tasks.key == nil {
		tasks.key = ephemeralKey()
		fmt.Fprintln(out, "stepwise dev: no "+secretKeyEnv+" or --secret-key-file: connections are encrypted with an ephemeral key, "+
			"so those created now cannot be decrypted after dev stops")
	}
	url, pg, err := devDatabase(ctx, o, out)
	if err != nil {
		return failed(stderr, err)
	}
	if pg != nil {
		defer func() {
			if err := pg.stop(out); err != nil {
				failed(stderr, err)
			}
		}()
	}
	approveCtx, stopApproving := context.WithCancel(ctx)
	defer stopApproving()
	a := &approver{ctx: approveCtx, after: o.approveAfter, out: out}
	pool, err := prepareDatabase(ctx, url, out)
	if err != nil {
		return failed(stderr, err)
	}
	defer pool.Close()
	functions, err := tasks.register(a.functions(), pool)
	if err != nil {
		return failed(stderr, err)
	}
	cfg, err := o.routing.apply(&engine.Config{Drive: true, Functions: functions, Logger: newLogger(stderr, o.verbose), Observer: web.NewObserver(), SecretKey: tasks.key})
	if err != nil {
		return failed(stderr, err)
	}
	if err := o.testing.apply(ctx, cfg, o.hup); err != nil {
		return failed(stderr, err)
	}
	if err := o.serving.admission(cfg); err != nil {
		return failed(stderr, err)
	}
	if err := o.logs.apply(cfg, pool, out, cfg.Logger); err != nil {
		return failed(stderr, err)
	}
	e, err := engine.New(pool, cfg)
	if err == nil {
		a.e = e // before the engine takes tasks
		err = start(ctx, e)
	}
	if err != nil {
		stopApproving()
		return failed(stderr, err)
	}
	fmt.Fprintf(out, "stepwise dev: %s\n", describeEngine(pool, cfg))
	api, err := startAPI(ctx, e, o.api, cfg.Logger, out, stderr)
	if err != nil {
		_ = stopEngine(e, o.shutdown)
		stopApproving()
		return failed(stderr, err)
	}
	missed, err := runExamples(ctx, e, examples, o.timeout, out)
	if missed > 0 {
		fmt.Fprintf(stderr, "stepwise dev: %d of %d examples did not reach their expected status\n", missed, len(examples))
	}
	if err == nil && !o.once {
		devRunning(ctx, out, o.approveAfter, api, pg)
		missed = 0 // reported above; an interrupted dev exits 0
	}
	if apiErr := api.stop(); apiErr != nil && err == nil {
		err = apiErr
	}
	stopErr := stopEngine(e, o.shutdown)
	stopApproving()
	a.wait()
	return devExit(stderr, err, stopErr, missed)
}

// devExit turns dev's outcome into the exit code.
func devExit(stderr io.Writer, runErr, stopErr error, missed int) int {
	switch {
	case runErr != nil:
		return failed(stderr, runErr)
	case stopErr != nil:
		return failed(stderr, stopErr)
	case missed > 0:
		return 1
	}
	return 0
}

// devRunning says what to try next, through the HTTP API too when api is
// serving, and waits until ctx ends. With a private PostgreSQL pg, the
// commands need its URL.
func devRunning(ctx context.Context, out io.Writer, approveAfter time.Duration, api *apiServer, pg *privatePostgres) {
	fmt.Fprint(out, "\nStepwise dev keeps running with the example functions. In another terminal, try:\n")
	if pg != nil {
		fmt.Fprintf(out, "  export STEPWISE_DATABASE_URL='%s'   (dev's private PostgreSQL)\n", pg.url())
	}
	fmt.Fprintf(out, `  go run ./cmd/stepwise exec start order-saga --input '{"orderId":"o-1","amount":42,"failAt":"ConfirmOrder"}' --wait
  go run ./cmd/stepwise exec start approval --input '{"orderId":"o-2","amount":10}' --wait   (approved after %s)
  go run ./cmd/stepwise exec history ARN
`, approveAfter)
	if api != nil {
		fmt.Fprintf(out, `or the REST API:
  curl -s -X POST %[1]s/v1/state-machines/order-saga/start-sync -d '{"input":{"orderId":"o-3","amount":42}}'
  curl -s '%[1]s/v1/executions?limit=5'
`, api.url)
	}
	fmt.Fprintln(out, "Press Ctrl-C to stop.")
	<-ctx.Done()
	fmt.Fprintln(out, "stepwise dev: stopping")
}

// loadExamples reads each example's definition and input from dir, or
// from the examples built into the binary when dir is empty.
func loadExamples(dir string, list []*devExample) error {
	definition, input := examples.Definition, examples.Input
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return fmt.Errorf("examples folder %q not found: pass --examples-dir an examples folder, or leave it out to run the built-in examples", dir)
		}
		definition = func(name string) (string, error) { return readText(filepath.Join(dir, name, "definition.asl.json")) }
		input = func(name string) (string, error) { return readText(filepath.Join(dir, name, "input.json")) }
	}
	for _, ex := range list {
		def, err := definition(ex.name)
		if err != nil {
			return fmt.Errorf("example %s: %w", ex.name, err)
		}
		in, err := input(ex.name)
		if err != nil {
			return fmt.Errorf("example %s: %w", ex.name, err)
		}
		ex.definition, ex.input = def, in
	}
	return nil
}

// readText reads a file as text.
func readText(path string) (string, error) {
	b, err := os.ReadFile(path)
	return string(b), err
}

// runExamples creates or updates the example state machines, starts one
// execution of each, waits up to timeout for each to reach its expected
// status, prints them and returns how many did not.
func runExamples(ctx context.Context, e *engine.Engine, examples []*devExample, timeout time.Duration, out io.Writer) (int, error) {
	for _, ex := range examples {
		if err := syncMachine(ctx, e, ex.name, ex.definition, out); err != nil {
			return 0, err
		}
	}
	suffix := executionSuffix()
	for _, ex := range examples {
		exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: ex.name, Name: "dev-" + suffix, Input: ex.input})
		if err != nil {
			return 0, fmt.Errorf("start %s: %w", ex.name, err)
		}
		ex.arn = exec.ARN
		fmt.Fprintf(out, "started %s\n", ex.arn)
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	missed := 0
	for _, ex := range examples {
		if err := awaitExample(waitCtx, e, ex); err != nil && ex.exec == nil {
			return 0, err
		}
		if !ex.reached {
			missed++
		}
	}
	fmt.Fprintln(out)
	for _, ex := range examples {
		printExample(out, ex)
	}
	return missed, nil
}

// executionSuffix names this dev run's executions: the time and a random
// part, so two runs in the same second differ.
func executionSuffix() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b)
}

// syncMachine creates the state machine, or adds a version when its
// definition changed.
func syncMachine(ctx context.Context, e *engine.Engine, name, definition string, out io.Writer) error {
	latest, err := e.MachineVersion(ctx, name, 0)
	if isNotExist(err) {
		sm, v, err := e.CreateStateMachine(ctx, name, engine.MachineSpec{Definition: definition})
		if err != nil {
			return fmt.Errorf("create %s: %w", name, err)
		}
		fmt.Fprintf(out, "created state machine %s (version %d)\n", sm.Name, v.Version)
		return nil
	}
	if err != nil {
		return err
	}
	if sameJSON(latest.Definition, definition) {
		fmt.Fprintf(out, "state machine %s is up to date (version %d)\n", name, latest.Version)
		return nil
	}
	v, err := e.UpdateStateMachine(ctx, name, engine.MachineSpec{Definition: definition})
	if err != nil {
		return fmt.Errorf("update %s: %w", name, err)
	}
	fmt.Fprintf(out, "updated state machine %s to version %d (its definition changed)\n", name, v.Version)
	return nil
}

func isNotExist(err error) bool {
	return err != nil && errors.Is(err, engine.ErrStateMachineDoesNotExist)
}

// sameJSON reports whether two JSON texts hold the same value.
func sameJSON(a, b string) bool {
	va, errA := decodeJSON(a)
	vb, errB := decodeJSON(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return encodeJSON(va) == encodeJSON(vb)
}

// awaitExample waits for an example's execution to end or, for one
// expected to stay RUNNING, to park in its Wait state.
func awaitExample(ctx context.Context, e *engine.Engine, ex *devExample) error {
	var err error
	if ex.parkedIn != "" {
		ex.exec, err = awaitParked(ctx, e, ex.arn, ex.parkedIn)
	} else {
		ex.exec, err = e.Wait(ctx, ex.arn)
	}
	if ex.exec == nil && errors.Is(err, context.DeadlineExceeded) {
		// Not done in time (an approval left to the user): report where it is.
		ex.exec, err = e.Execution(context.WithoutCancel(ctx), ex.arn)
	}
	ex.reached = err == nil && ex.exec != nil && ex.exec.Status == ex.want
	return err
}

// awaitParked polls until the execution's latest event is entering the
// Wait state, or the execution ends.
func awaitParked(ctx context.Context, e *engine.Engine, arn, state string) (*store.Execution, error) {
	for {
		exec, err := e.Execution(ctx, arn)
		if err != nil || exec.Status != store.StatusRunning {
			return exec, err
		}
		last, err := e.History(ctx, exec.ID, 0, 1, true)
		if err != nil {
			return exec, err
		}
		if len(last) == 1 && last[0].Type == history.WaitStateEntered && deref(last[0].State) == state {
			return exec, nil
		}
		select {
		case <-ctx.Done():
			return exec, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// printExample prints an example's execution: name, status, ARN and
// result, and what was expected when it was not reached.
func printExample(out io.Writer, ex *devExample) {
	status := "unknown"
	if ex.exec != nil {
		status = ex.exec.Status
	}
	verdict := ""
	switch {
	case !ex.reached:
		verdict = fmt.Sprintf("  (expected %s)", ex.want)
	case ex.parkedIn != "":
		verdict = fmt.Sprintf(", waiting in Wait state %s as expected (it lasts an hour; any running engine finishes it)", ex.parkedIn)
	}
	fmt.Fprintf(out, "%s: %s%s\n  arn: %s\n", ex.name, status, verdict, ex.arn)
	if ex.exec == nil {
		return
	}
	if ex.exec.Output != nil {
		fmt.Fprintf(out, "  output: %s\n", *ex.exec.Output)
	}
	if ex.exec.Error != nil {
		fmt.Fprintf(out, "  error: %s\n  cause: %s\n", *ex.exec.Error, deref(ex.exec.Cause))
	}
}

// approver answers the approval example's callbacks: it approves each
// request with SendTaskSuccess a while after it arrives.
type approver struct {
	ctx   context.Context
	e     *engine.Engine // set before the engine takes tasks
	after time.Duration
	out   io.Writer
	wg    sync.WaitGroup
}

// functions registers the example functions with a.request as the
// approval hook.
func (a *approver) functions() *activities.Registry {
	reg := activities.NewRegistry()
	orders.Register(reg, &orders.Config{OnApprovalRequest: a.request})
	return reg
}

// request schedules the approval of r; it does not block the task.
func (a *approver) request(r orders.ApprovalRequest) {
	fmt.Fprintf(a.out, "approval requested for order %s (amount %v); dev approves it in %s\n", r.OrderID, r.Amount, a.after)
	a.wg.Go(func() { a.approve(r) })
}

// approve sends SendTaskSuccess for r after the delay.
func (a *approver) approve(r orders.ApprovalRequest) {
	select {
	case <-a.ctx.Done():
		return
	case <-time.After(a.after):
	}
	output := encodeJSON(map[string]any{"approved": true, "approvedBy": "stepwise dev"})
	if err := a.e.SendTaskSuccess(a.ctx, r.TaskToken, output); err != nil {
		fmt.Fprintf(a.out, "could not approve order %s: %v\n", r.OrderID, err)
		return
	}
	fmt.Fprintf(a.out, "approved order %s: SendTaskSuccess(token %s…, %s)\n", r.OrderID, r.TaskToken[:8], output)
}

// wait waits for pending approvals to finish or give up.
func (a *approver) wait() { a.wg.Wait() }
