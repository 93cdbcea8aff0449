package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// errUnsuccessful ends a command whose output already says that an
// execution did not succeed: exit code 3, no more text.
var errUnsuccessful = errors.New("unsuccessful")

// endpointHint is the flags synopsis of commands that may use either API.
const endpointHint = "[--endpoint URL [--api-key SECRET] | --database URL] [-o json]"

// exampleARN is the execution ARN of the commands' examples: execution
// first of greet in the engine's default region and account.
var exampleARN = arn.Space{Region: "us-east-1", Account: "000000000000"}.Execution("greet", "first")

func execCmd() command {
	return subcommands("exec", map[string]command{
		"start":    execStartCmd,
		"describe": arnCmd("exec describe", "stepwise exec describe "+exampleARN, (*client).describe),
		"history":  execHistoryCmd,
		"list":     execListCmd,
		"stop":     execStopCmd,
		"redrive":  arnCmd("exec redrive", "stepwise exec redrive "+exampleARN, (*client).redrive),
	})
}

// startOptions are exec start's flags beyond the StartInput.
type startOptions struct {
	wait, follow bool
	timeout      time.Duration
}

func execStartCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("exec start", "MACHINE [--name N] [--input JSON | --input-file FILE] [--version N] [--wait | --follow] [--timeout 5m] "+endpointHint,
		`stepwise exec start greet --input '{"who":"Ada"}' --follow --endpoint http://localhost:8080`, stderr)
	t := targetFlags(fs)
	name := fs.String("name", "", "execution name; the same name and input start it only once (default: generated)")
	input := fs.String("input", "{}", "execution input as JSON")
	inputFile := fs.String("input-file", "", "read the execution input from this file")
	version := fs.Int("version", 0, "run this version of the state machine (default: the latest)")
	var opts startOptions
	fs.BoolVar(&opts.wait, "wait", false, "wait for the execution to end and print its result; exit 3 unless it SUCCEEDED")
	fs.BoolVar(&opts.follow, "follow", false, "like --wait, printing a line per new history event meanwhile")
	fs.DurationVar(&opts.timeout, "timeout", 5*time.Minute, "with --wait or --follow, how long to wait")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	in, err := readInput(*input, *inputFile)
	if err != nil {
		return failed(stderr, err)
	}
	start := engine.StartInput{StateMachine: fs.Arg(0), Name: *name, Input: in, Version: *version}
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.start(ctx, start, opts) })
}

// readInput returns the input text, from inputFile when it is set.
func readInput(input, inputFile string) (string, error) {
	if inputFile == "" {
		return input, nil
	}
	data, err := os.ReadFile(inputFile)
	return string(data), err
}

// start starts an execution and prints it; with wait or follow, it waits
// for the end and prints the result.
func (c *client) start(ctx context.Context, in engine.StartInput, opts startOptions) error {
	if !json.Valid([]byte(in.Input)) {
		return fmt.Errorf("the input is not JSON: %.100s", in.Input)
	}
	body := map[string]any{"input": json.RawMessage(in.Input)}
	if in.Name != "" {
		body["name"] = in.Name
	}
	if in.Version > 0 {
		body["version"] = in.Version
	}
	data, status, err := c.call(ctx, "POST", machinePath(in.StateMachine, "/executions"), nil, body)
	if err != nil {
		return err
	}
	var exec execution
	if err := json.Unmarshal(data, &exec); err != nil {
		return err
	}
	if c.json && !opts.wait && !opts.follow {
		c.printJSON(data)
		return nil
	}
	if !c.json {
		fmt.Fprintf(c.out, "arn: %s\n", exec.ARN)
		if status == http.StatusOK {
			fmt.Fprintln(c.out, "note: an execution of this name and input already existed; this is it")
		}
	}
	if !opts.wait && !opts.follow {
		fmt.Fprintf(c.out, "status: %s\n", exec.Status)
		return nil
	}
	return c.await(ctx, exec.ARN, opts)
}

// await waits for an execution to end, printing its events meanwhile
// when following, then prints the result: errUnsuccessful unless it
// SUCCEEDED. Every request is a long poll the server answers when the
// execution moves (woken by the commit), so nothing polls.
func (c *client) await(ctx context.Context, arn string, opts startOptions) error {
	waitCtx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()
	var err error
	if opts.follow {
		err = c.follow(waitCtx, arn)
	}
	for err == nil {
		var data []byte
		var exec *execution
		data, exec, err = c.awaitExecution(waitCtx, arn, longWait)
		if err == nil && exec.Status != store.StatusRunning {
			return c.printEnd(data, exec)
		}
	}
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return fmt.Errorf("%s is still RUNNING after %s%s", arn, opts.timeout, c.stillRunning)
	}
	return err
}

// printEnd prints a finished execution's result.
func (c *client) printEnd(data []byte, exec *execution) error {
	if c.json {
		c.printJSON(data)
	} else {
		printOutcome(c.out, exec.Status, rawString(exec.Output), exec.Error, exec.Cause)
	}
	if exec.Status != store.StatusSucceeded {
		return errUnsuccessful
	}
	return nil
}

// execution reads an execution: the API's JSON and its decoding.
func (c *client) execution(ctx context.Context, arn string) ([]byte, *execution, error) {
	return c.awaitExecution(ctx, arn, 0)
}

// longWait is how long one request of --wait or --follow waits; the
// server answers at once when the execution ends (or, following, when it
// has new events).
const longWait = 30 * time.Second

// awaitExecution reads an execution, first waiting up to wait for it to
// end (the API's ?wait, woken by the commit that ends it); 0 reads at once.
func (c *client) awaitExecution(ctx context.Context, arn string, wait time.Duration) ([]byte, *execution, error) {
	path, query := executionPath("", arn)
	setWait(ctx, query, wait)
	data, _, err := c.call(ctx, "GET", path, query, nil)
	if err != nil {
		return nil, nil, err
	}
	var exec execution
	return data, &exec, json.Unmarshal(data, &exec)
}

// setWait sets query's wait to wait, cut to what is left of ctx; none
// when that is nothing.
func setWait(ctx context.Context, query url.Values, wait time.Duration) {
	if deadline, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(deadline))
	}
	if wait > time.Millisecond {
		query.Set("wait", wait.String())
	}
}

// follow prints an execution's events as they commit, one line each
// (with JSON output, each event's JSON), until it is no longer RUNNING
// and every event is printed. Each request is a long poll for the events
// after the last one printed (GET /v1/executions/{arn}/events?after&wait).
func (c *client) follow(ctx context.Context, arn string) error {
	_, exec, err := c.execution(ctx, arn)
	if err != nil {
		return err
	}
	path, query := executionPath("/events", arn)
	query.Set("limit", fmt.Sprint(historyPage))
	var last int64
	for {
		query.Set("after", fmt.Sprint(last))
		query.Del("wait")
		setWait(ctx, query, longWait)
		var page struct {
			LastEventID int64  `json:"lastEventId"`
			Status      string `json:"status"`
		}
		err := c.eventPage(ctx, path, query, &page, func(raw json.RawMessage, ev *event) {
			last = ev.ID
			if c.json {
				c.printJSON(raw)
				return
			}
			printEventLine(c.out, ev.ID, ev.Timestamp.Sub(exec.StartedAt), ev.Type, deref(ev.State), "")
		})
		if err != nil {
			return err
		}
		if page.Status != store.StatusRunning && last >= page.LastEventID {
			return nil
		}
	}
}

// historyPage is how many events one history request reads.
const historyPage = 1000

// historyPath is the path and query of an execution's first history
// page.
func historyPath(arn string, reverse bool) (string, url.Values) {
	path, query := executionPath("/history", arn)
	query.Set("limit", fmt.Sprint(historyPage))
	if reverse {
		query.Set("reverse", "true")
	}
	return path, query
}

// eachEvent calls fn on every event of an execution, reading a page at
// a time.
func (c *client) eachEvent(ctx context.Context, arn string, reverse bool, fn func(json.RawMessage, *event)) error {
	path, query := historyPath(arn, reverse)
	for {
		var page struct {
			NextCursor string `json:"nextCursor"`
		}
		if err := c.eventPage(ctx, path, query, &page, fn); err != nil {
			return err
		}
		if page.NextCursor == "" {
			return nil
		}
		query.Set("cursor", page.NextCursor)
	}
}

// eventPage reads a page of events at path and query, decoding the rest
// of the answer into more, and calls fn on each event in order.
func (c *client) eventPage(ctx context.Context, path string, query url.Values, more any, fn func(json.RawMessage, *event)) error {
	data, _, err := c.call(ctx, "GET", path, query, nil)
	if err != nil {
		return err
	}
	var page struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(data, &page); err != nil {
		return err
	}
	if err := json.Unmarshal(data, more); err != nil {
		return err
	}
	for _, raw := range page.Events {
		var ev event
		if err := json.Unmarshal(raw, &ev); err != nil {
			return err
		}
		fn(raw, &ev)
	}
	return nil
}

// arnCmd is a command whose one argument is an execution's ARN.
func arnCmd(name, example string, run func(c *client, ctx context.Context, arn string) error) command {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		fs := newFlagSet(name, "ARN "+endpointHint, example, stderr)
		t := targetFlags(fs)
		if code, ok := parseArgs(fs, args, 1, t); !ok {
			return code
		}
		return withClient(ctx, t, stdout, stderr, func(c *client) error { return run(c, ctx, fs.Arg(0)) })
	}
}

// describe prints an execution.
func (c *client) describe(ctx context.Context, arn string) error {
	data, exec, err := c.execution(ctx, arn)
	if err != nil {
		return err
	}
	if c.json {
		c.printJSON(data)
		return nil
	}
	printHeader(c.out, exec)
	fmt.Fprintf(c.out, "input: %s\n", exec.Input)
	printOutcome(c.out, exec.Status, rawString(exec.Output), exec.Error, exec.Cause)
	return nil
}

func execHistoryCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("exec history", "ARN [--details] [--reverse] "+endpointHint,
		"stepwise exec history "+exampleARN+" --reverse --details", stderr)
	t := targetFlags(fs)
	details := fs.Bool("details", false, "print each event's details (input, output, error) as JSON")
	reverse := fs.Bool("reverse", false, "newest event first")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.history(ctx, fs.Arg(0), *details, *reverse) })
}

// history prints an execution's events; with JSON output, each page of
// the API's answer.
func (c *client) history(ctx context.Context, arn string, details, reverse bool) error {
	if c.json {
		return c.historyJSON(ctx, arn, reverse)
	}
	_, exec, err := c.execution(ctx, arn)
	if err != nil {
		return err
	}
	return c.eachEvent(ctx, arn, reverse, func(_ json.RawMessage, ev *event) {
		d := ""
		if details && len(ev.Details) > 0 {
			d = string(ev.Details)
		}
		printEventLine(c.out, ev.ID, ev.Timestamp.Sub(exec.StartedAt), ev.Type, deref(ev.State), d)
	})
}

// historyJSON prints the API's history pages as they are, one a line.
func (c *client) historyJSON(ctx context.Context, arn string, reverse bool) error {
	path, query := historyPath(arn, reverse)
	for {
		var page struct {
			NextCursor string `json:"nextCursor"`
		}
		if err := c.get(ctx, "GET", path, query, nil, &page); err != nil {
			return err
		}
		if page.NextCursor == "" {
			return nil
		}
		query.Set("cursor", page.NextCursor)
	}
}

func execStopCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("exec stop", "ARN [--error E] [--cause C] "+endpointHint,
		"stepwise exec stop "+exampleARN+` --error Cancelled --cause "customer asked"`, stderr)
	t := targetFlags(fs)
	errName := fs.String("error", "", "the error the execution stops with")
	cause := fs.String("cause", "", "the cause text")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.stop(ctx, fs.Arg(0), *errName, *cause) })
}

// stop stops an execution.
func (c *client) stop(ctx context.Context, arn, errName, cause string) error {
	body := map[string]any{}
	if errName != "" {
		body["error"] = errName
	}
	if cause != "" {
		body["cause"] = cause
	}
	path, query := executionPath("/stop", arn)
	var exec execution
	if err := c.get(ctx, "POST", path, query, body, &exec); err != nil || c.json {
		return err
	}
	fmt.Fprintf(c.out, "arn: %s\n", exec.ARN)
	printOutcome(c.out, exec.Status, rawString(exec.Output), exec.Error, exec.Cause)
	return nil
}

// redrive redrives an execution.
func (c *client) redrive(ctx context.Context, arn string) error {
	path, query := executionPath("/redrive", arn)
	var exec execution
	if err := c.get(ctx, "POST", path, query, nil, &exec); err != nil || c.json {
		return err
	}
	fmt.Fprintf(c.out, "arn: %s\nstatus: %s\nredriven: %d times\n", exec.ARN, exec.Status, exec.RedriveCount)
	return nil
}

// statuses are the execution statuses exec list --status accepts.
var statuses = []string{store.StatusRunning, store.StatusSucceeded, store.StatusFailed, store.StatusTimedOut, store.StatusAborted}

// listFilter is exec list's filters.
type listFilter struct {
	machine, status, since, cursor string
	limit                          int
}

func execListCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("exec list", "[--machine M] [--status S] [--since RFC3339] [--limit N] [--cursor C] "+endpointHint,
		"stepwise exec list --machine greet --status FAILED --since 2026-01-02T15:04:05Z --endpoint http://localhost:8080", stderr)
	t := targetFlags(fs)
	var f listFilter
	fs.StringVar(&f.machine, "machine", "", "only executions of this state machine (name or ARN)")
	fs.StringVar(&f.status, "status", "", "only executions of this status: RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED")
	fs.StringVar(&f.since, "since", "", "only executions started at or after this RFC 3339 time")
	fs.IntVar(&f.limit, "limit", 100, "list up to this many, newest first (at most 1000)")
	fs.StringVar(&f.cursor, "cursor", "", "the cursor the previous page printed (more: --cursor C)")
	if code, ok := parseArgs(fs, args, 0, t); !ok {
		return code
	}
	if _, err := time.Parse(time.RFC3339, f.since); f.since != "" && err != nil {
		fmt.Fprintf(stderr, "stepwise: --since %s: want an RFC 3339 time such as 2026-01-02T15:04:05Z\n", f.since)
		return exitUsage
	}
	if err := checkStatus(f.status); err != nil {
		return failed(stderr, err)
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.listExecutions(ctx, f) })
}

// listExecutions prints a page of executions.
func (c *client) listExecutions(ctx context.Context, f listFilter) error {
	query := pageQuery(f.limit, f.cursor)
	for k, v := range map[string]string{"stateMachine": f.machine, "status": f.status, "startedAfter": f.since} {
		if v != "" {
			query.Set(k, v)
		}
	}
	var page struct {
		Executions []execution `json:"executions"`
		NextCursor string      `json:"nextCursor"`
	}
	if err := c.get(ctx, "GET", "/v1/executions", query, nil, &page); err != nil || c.json {
		return err
	}
	return printExecutions(c.out, page.Executions, page.NextCursor)
}
