package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
)

// errUnsuccessful ends a command whose output already says what went
// wrong (an execution that did not succeed): exit code 1, no more text.
var errUnsuccessful = errors.New("unsuccessful")

func execCmd() command {
	return subcommands("exec", map[string]command{
		"start":    execStartCmd,
		"describe": execDescribeCmd,
		"history":  execHistoryCmd,
	})
}

func execStartCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exec start", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := databaseFlag(fs)
	name := fs.String("name", "", "execution name; the same name and input start it only once (default: generated)")
	input := fs.String("input", "{}", "execution input as JSON")
	inputFile := fs.String("input-file", "", "read the execution input from this file")
	version := fs.Int("version", 0, "run this version of the state machine (default: the latest)")
	wait := fs.Bool("wait", false, "wait for the execution to end and print its result; exit 1 unless it SUCCEEDED")
	timeout := fs.Duration("timeout", 5*time.Minute, "with --wait, how long to wait")
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: stepwise exec start MACHINE [--name N] [--input JSON | --input-file FILE] [--version N] [--wait [--timeout 5m]] [--database URL]")
		return 2
	}
	in, err := readInput(*input, *inputFile)
	if err != nil {
		return failed(stderr, err)
	}
	start := engine.StartInput{StateMachine: fs.Arg(0), Name: *name, Input: in, Version: *version}
	return withClient(ctx, *db, stderr, func(c *client) error {
		return c.start(ctx, start, *wait, *timeout, stdout)
	})
}

// readInput returns the input text, from inputFile when it is set.
func readInput(input, inputFile string) (string, error) {
	if inputFile == "" {
		return input, nil
	}
	data, err := os.ReadFile(inputFile)
	return string(data), err
}

// start starts an execution and prints its ARN; with wait, it waits for
// the end and prints the result.
func (c *client) start(ctx context.Context, in engine.StartInput, wait bool, timeout time.Duration, out io.Writer) error {
	exec, created, err := c.StartExecution(ctx, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "arn: %s\n", exec.ARN)
	if !created {
		fmt.Fprintln(out, "note: an execution of this name and input already existed; this is it")
	}
	if !wait {
		fmt.Fprintf(out, "status: %s\n", exec.Status)
		return nil
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	exec, err = c.Wait(waitCtx, exec.ARN)
	if err != nil && exec != nil && exec.Status == store.StatusRunning {
		return fmt.Errorf("%s is still RUNNING after %s; is an engine driving executions (stepwise serve or dev) on this database?", exec.ARN, timeout)
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

// printResult prints an execution's status and output, or its error and
// cause.
func printResult(out io.Writer, exec *store.Execution) {
	fmt.Fprintf(out, "status: %s\n", exec.Status)
	if exec.Output != nil {
		fmt.Fprintf(out, "output: %s\n", *exec.Output)
	}
	if exec.Error != nil {
		fmt.Fprintf(out, "error: %s\n", *exec.Error)
	}
	if exec.Cause != nil {
		fmt.Fprintf(out, "cause: %s\n", *exec.Cause)
	}
}

func execDescribeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exec describe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := databaseFlag(fs)
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: stepwise exec describe ARN [--database URL]")
		return 2
	}
	return withClient(ctx, *db, stderr, func(c *client) error {
		return c.describe(ctx, fs.Arg(0), stdout)
	})
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
	fmt.Fprintf(out, "arn: %s\nname: %s\nstate machine: %s (version %d)\nstarted: %s\n",
		exec.ARN, exec.Name, sm.ARN, exec.Version, timestamp(exec.StartedAt))
	if exec.StoppedAt != nil {
		fmt.Fprintf(out, "stopped: %s (after %s)\n", timestamp(*exec.StoppedAt), exec.StoppedAt.Sub(exec.StartedAt).Round(time.Millisecond))
	}
	if exec.RedriveCount > 0 {
		fmt.Fprintf(out, "redriven: %d times\n", exec.RedriveCount)
	}
	fmt.Fprintf(out, "input: %s\n", exec.Input)
	printResult(out, exec)
	return nil
}

func timestamp(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05.000 MST") }

func execHistoryCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exec history", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := databaseFlag(fs)
	details := fs.Bool("details", false, "print each event's details (input, output, error) as JSON")
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: stepwise exec history ARN [--details] [--database URL]")
		return 2
	}
	return withClient(ctx, *db, stderr, func(c *client) error {
		return c.history(ctx, fs.Arg(0), *details, stdout)
	})
}

// historyPage is how many events one History call reads.
const historyPage = 1000

// history prints an execution's events, a page at a time.
func (c *client) history(ctx context.Context, arn string, details bool, out io.Writer) error {
	exec, err := c.Execution(ctx, arn)
	if err != nil {
		return err
	}
	var after int64
	for {
		events, err := c.History(ctx, exec.ID, after, historyPage, false)
		if err != nil {
			return err
		}
		for _, ev := range events {
			printEvent(out, ev, exec.StartedAt, details)
			after = ev.ID
		}
		if len(events) < historyPage {
			return nil
		}
	}
}

// printEvent prints one event: id, time since the start, type, state and,
// when asked, details.
func printEvent(out io.Writer, ev *store.Event, start time.Time, details bool) {
	line := fmt.Sprintf("%4d  %9s  %-28s %s", ev.ID, ev.Timestamp.Sub(start).Round(time.Millisecond), ev.Type, deref(ev.State))
	if details && ev.Details != nil {
		line += "  " + *ev.Details
	}
	fmt.Fprintln(out, strings.TrimRight(line, " "))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
