package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web"
)

// errUnsuccessful ends a command whose output already says that an
// execution did not succeed: exit code 3, no more text.
var errUnsuccessful = errors.New("unsuccessful")

// endpointHint is the flags synopsis of commands that may use either API.
const endpointHint = "[--endpoint URL [--api-key SECRET] [-o json] | --database URL]"

func execCmd() command {
	return subcommands("exec", map[string]command{
		"start":    execStartCmd,
		"describe": execDescribeCmd,
		"history":  execHistoryCmd,
		"list":     execListCmd,
		"stop":     execStopCmd,
		"redrive":  execRedriveCmd,
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
	return dispatch(ctx, t, stdout, stderr,
		func(c *client) error { return c.start(ctx, start, opts, stdout) },
		func(c *apiClient) error { return c.start(ctx, start, opts) })
}

// readInput returns the input text, from inputFile when it is set.
func readInput(input, inputFile string) (string, error) {
	if inputFile == "" {
		return input, nil
	}
	data, err := os.ReadFile(inputFile)
	return string(data), err
}

// start starts an execution and prints its ARN; with wait or follow, it
// waits for the end and prints the result.
func (c *client) start(ctx context.Context, in engine.StartInput, opts startOptions, out io.Writer) error {
	exec, created, err := c.StartExecution(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "arn: %s\n", exec.ARN)
	if !created {
		fmt.Fprintln(out, "note: an execution of this name and input already existed; this is it")
	}
	if !opts.wait && !opts.follow {
		fmt.Fprintf(out, "status: %s\n", exec.Status)
		return nil
	}
	waitCtx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()
	if opts.follow {
		exec, err = c.follow(waitCtx, exec, out)
	} else {
		exec, err = c.Wait(waitCtx, exec.ARN)
	}
	if err != nil && exec != nil && exec.Status == store.StatusRunning {
		return fmt.Errorf("%s is still RUNNING after %s; is an engine driving executions (stepwise serve or dev) on this database?", exec.ARN, opts.timeout)
	}
	if err != nil {
		return err
	}
	printResult(out, exec)
	if exec.Status != store.StatusSucceeded {
		return errUnsuccessful
	}
	return nil
}

// follow prints each new event of an execution until it ends.
func (c *client) follow(ctx context.Context, exec *store.Execution, out io.Writer) (*store.Execution, error) {
	var after int64
	for {
		latest, err := c.Execution(ctx, exec.ARN)
		if err != nil {
			return exec, err
		}
		exec = latest
		events, err := c.History(ctx, exec.ID, after, historyPage, false)
		if err != nil {
			return exec, err
		}
		for _, ev := range events {
			printEvent(out, ev, exec.StartedAt, false)
			after = ev.ID
		}
		if exec.Status != store.StatusRunning && len(events) < historyPage {
			return exec, nil
		}
		if err := sleep(ctx, pollInterval); err != nil {
			return exec, err
		}
	}
}

// pollInterval is how often --wait and --follow look for news.
const pollInterval = 100 * time.Millisecond

// sleep waits for d or the end of ctx.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// printResult prints an execution's status and output, or its error and
// cause.
func printResult(out io.Writer, exec *store.Execution) {
	printOutcome(out, exec.Status, exec.Output, exec.Error, exec.Cause)
}

// printOutcome prints a status and the output, error and cause there are.
func printOutcome(out io.Writer, status string, output, errName, cause *string) {
	fmt.Fprintf(out, "status: %s\n", status)
	if output != nil {
		fmt.Fprintf(out, "output: %s\n", *output)
	}
	if errName != nil {
		fmt.Fprintf(out, "error: %s\n", *errName)
	}
	if cause != nil {
		fmt.Fprintf(out, "cause: %s\n", *cause)
	}
}

func execDescribeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("exec describe", "ARN "+endpointHint,
		"stepwise exec describe arn:aws:states:us-east-1:000000000000:execution:greet:first", stderr)
	t := targetFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return dispatch(ctx, t, stdout, stderr,
		func(c *client) error { return c.describe(ctx, fs.Arg(0), stdout) },
		func(c *apiClient) error { return c.describe(ctx, fs.Arg(0)) })
}

// describe prints everything stored about an execution.
func (c *client) describe(ctx context.Context, arn string, out io.Writer) error {
	exec, err := c.Execution(ctx, arn)
	if err != nil {
		return err
	}
	sm, err := store.GetStateMachine(ctx, c.Pool(), exec.StateMachineID)
	if err != nil {
		return err
	}
	printHeader(out, exec.ARN, exec.Name, sm.ARN, exec.Version, exec.StartedAt, exec.StoppedAt, exec.RedriveCount)
	fmt.Fprintf(out, "input: %s\n", exec.Input)
	printResult(out, exec)
	return nil
}

// printHeader prints what describe shows before the input.
func printHeader(out io.Writer, arn, name, machineARN string, version int, started time.Time, stopped *time.Time, redrives int) {
	fmt.Fprintf(out, "arn: %s\nname: %s\nstate machine: %s (version %d)\nstarted: %s\n",
		arn, name, machineARN, version, timestamp(started))
	if stopped != nil {
		fmt.Fprintf(out, "stopped: %s (after %s)\n", timestamp(*stopped), stopped.Sub(started).Round(time.Millisecond))
	}
	if redrives > 0 {
		fmt.Fprintf(out, "redriven: %d times\n", redrives)
	}
}

func timestamp(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05.000 MST") }

func execHistoryCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("exec history", "ARN [--details] [--reverse] "+endpointHint,
		"stepwise exec history arn:aws:states:us-east-1:000000000000:execution:greet:first --reverse --details", stderr)
	t := targetFlags(fs)
	details := fs.Bool("details", false, "print each event's details (input, output, error) as JSON")
	reverse := fs.Bool("reverse", false, "newest event first")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return dispatch(ctx, t, stdout, stderr,
		func(c *client) error { return c.history(ctx, fs.Arg(0), *details, *reverse, stdout) },
		func(c *apiClient) error { return c.history(ctx, fs.Arg(0), *details, *reverse) })
}

// historyPage is how many events one History call reads.
const historyPage = 1000

// history prints an execution's events, read a page at a time.
func (c *client) history(ctx context.Context, arn string, details, reverse bool, out io.Writer) error {
	exec, err := c.Execution(ctx, arn)
	if err != nil {
		return err
	}
	var all []*store.Event
	var after int64
	for {
		events, err := c.History(ctx, exec.ID, after, historyPage, false)
		if err != nil {
			return err
		}
		all = append(all, events...)
		if len(events) < historyPage {
			break
		}
		after = events[len(events)-1].ID
	}
	for i := range all {
		ev := all[i]
		if reverse {
			ev = all[len(all)-1-i]
		}
		printEvent(out, ev, exec.StartedAt, details)
	}
	return nil
}

// printEvent prints one event: id, time since the start, type, state and,
// when asked, details.
func printEvent(out io.Writer, ev *store.Event, start time.Time, details bool) {
	d := ""
	if details {
		d = deref(ev.Details)
	}
	printEventLine(out, ev.ID, ev.Timestamp.Sub(start), ev.Type, deref(ev.State), d)
}

// printEventLine prints an event's line; details may be empty.
func printEventLine(out io.Writer, id int64, elapsed time.Duration, typ, state, details string) {
	line := fmt.Sprintf("%4d  %9s  %-28s %s", id, elapsed.Round(time.Millisecond), typ, state)
	if details != "" {
		line += "  " + details
	}
	fmt.Fprintln(out, strings.TrimRight(line, " "))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func execStopCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("exec stop", "ARN [--error E] [--cause C] "+endpointHint,
		`stepwise exec stop arn:aws:states:us-east-1:000000000000:execution:greet:first --error Cancelled --cause "customer asked"`, stderr)
	t := targetFlags(fs)
	errName := fs.String("error", "", "the error the execution stops with")
	cause := fs.String("cause", "", "the cause text")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	arn := fs.Arg(0)
	return dispatch(ctx, t, stdout, stderr,
		func(c *client) error {
			exec, err := c.StopExecution(ctx, arn, *errName, *cause)
			if err == nil {
				fmt.Fprintf(stdout, "arn: %s\n", exec.ARN)
				printResult(stdout, exec)
			}
			return err
		},
		func(c *apiClient) error { return c.stop(ctx, arn, *errName, *cause) })
}

func execRedriveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("exec redrive", "ARN "+endpointHint,
		"stepwise exec redrive arn:aws:states:us-east-1:000000000000:execution:greet:first", stderr)
	t := targetFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	arn := fs.Arg(0)
	return dispatch(ctx, t, stdout, stderr,
		func(c *client) error {
			exec, err := c.RedriveExecution(ctx, arn)
			if err == nil {
				fmt.Fprintf(stdout, "arn: %s\nstatus: %s\nredriven: %d times\n", exec.ARN, exec.Status, exec.RedriveCount)
			}
			return err
		},
		func(c *apiClient) error { return c.redrive(ctx, arn) })
}

// statuses are the execution statuses exec list --status accepts.
var statuses = []string{store.StatusRunning, store.StatusSucceeded, store.StatusFailed, store.StatusTimedOut, store.StatusAborted}

// listExecutions prints a page of executions read from the database. Its
// cursor is the start time (Unix microseconds) and id of the previous
// page's last execution: MICROS-ID.
func (c *client) listExecutions(ctx context.Context, f listFilter, out io.Writer) error {
	q := engine.ExecutionQuery{StateMachine: f.machine, Status: f.status, Limit: min(max(f.limit, 1), engine.MaxPage)}
	if f.status != "" && !slices.Contains(statuses, f.status) {
		return fmt.Errorf("--status %s: want one of %s", f.status, strings.Join(statuses, ", "))
	}
	if f.since != "" {
		q.StartedAfter, _ = time.Parse(time.RFC3339, f.since) // checked by the command
	}
	if f.cursor != "" {
		micros, id, err := parseCursor(f.cursor)
		if err != nil {
			return err
		}
		q.After = &engine.ExecutionPosition{StartedAt: time.UnixMicro(micros).UTC(), ID: id}
	}
	execs, pos, err := c.ListExecutions(ctx, q)
	if err != nil {
		return err
	}
	page := make([]web.Execution, len(execs))
	for i, exec := range execs {
		machine, machineARN := engine.StateMachineOf(exec)
		page[i] = web.Execution{ARN: exec.ARN, Name: exec.Name, StateMachine: machine, StateMachineARN: machineARN,
			Version: exec.Version, Status: exec.Status, StartedAt: exec.StartedAt, StoppedAt: exec.StoppedAt}
	}
	next := ""
	if pos != nil {
		next = fmt.Sprintf("%d-%d", pos.StartedAt.UnixMicro(), pos.ID)
	}
	return printExecutions(out, page, next)
}

// parseCursor reads a database cursor of exec list: MICROS-ID.
func parseCursor(cursor string) (micros, id int64, err error) {
	a, b, ok := strings.Cut(cursor, "-")
	micros, errA := strconv.ParseInt(a, 10, 64)
	id, errB := strconv.ParseInt(b, 10, 64)
	if !ok || errA != nil || errB != nil {
		return 0, 0, fmt.Errorf("--cursor %s: not a cursor printed by exec list on the database (without --endpoint)", cursor)
	}
	return micros, id, nil
}
