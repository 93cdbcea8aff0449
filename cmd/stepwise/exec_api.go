package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/web"
)

// start starts an execution through the API and prints it; with wait or
// follow, it waits for the end and prints the result.
func (c *apiClient) start(ctx context.Context, in engine.StartInput, opts startOptions) error {
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
	data, err := c.call(ctx, "POST", machinePath(in.StateMachine, "/executions"), nil, body)
	if err != nil {
		return err
	}
	var exec web.Execution
	if err := json.Unmarshal(data, &exec); err != nil {
		return err
	}
	if !opts.wait && !opts.follow {
		return c.printExecution(data, &exec)
	}
	if !c.json {
		fmt.Fprintf(c.out, "arn: %s\n", exec.ARN)
	}
	return c.await(ctx, exec.ARN, opts)
}

// printExecution prints an execution's ARN and status, or its JSON.
func (c *apiClient) printExecution(data []byte, exec *web.Execution) error {
	if c.json {
		c.printJSON(data)
		return nil
	}
	fmt.Fprintf(c.out, "arn: %s\nstatus: %s\n", exec.ARN, exec.Status)
	return nil
}

// await waits for an execution to end, printing its events meanwhile
// when following, then prints the result: errUnsuccessful unless it
// SUCCEEDED.
func (c *apiClient) await(ctx context.Context, arn string, opts startOptions) error {
	waitCtx, cancel := context.WithTimeout(ctx, opts.timeout)
	defer cancel()
	var last int64
	for {
		data, exec, err := c.execution(waitCtx, arn)
		if err == nil && opts.follow {
			last, err = c.printNewEvents(waitCtx, arn, exec.StartedAt, last)
		}
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return fmt.Errorf("%s is still RUNNING after %s", arn, opts.timeout)
		}
		if err != nil {
			return err
		}
		if exec.Status != "RUNNING" {
			return c.printEnd(data, exec)
		}
		if err := sleep(waitCtx, pollInterval); err != nil {
			return fmt.Errorf("%s is still RUNNING after %s", arn, opts.timeout)
		}
	}
}

// printEnd prints a finished execution's result.
func (c *apiClient) printEnd(data []byte, exec *web.Execution) error {
	if c.json {
		c.printJSON(data)
	} else {
		printOutcome(c.out, exec.Status, rawString(exec.Output), exec.Error, exec.Cause)
	}
	if exec.Status != "SUCCEEDED" {
		return errUnsuccessful
	}
	return nil
}

// rawString is a JSON value as text, nil when absent.
func rawString(v json.RawMessage) *string {
	if len(v) == 0 {
		return nil
	}
	s := string(v)
	return &s
}

// execution reads an execution: the API's JSON and its decoding.
func (c *apiClient) execution(ctx context.Context, arn string) ([]byte, *web.Execution, error) {
	path, query := executionPath("", arn)
	data, err := c.call(ctx, "GET", path, query, nil)
	if err != nil {
		return nil, nil, err
	}
	var exec web.Execution
	return data, &exec, json.Unmarshal(data, &exec)
}

// printNewEvents prints the events after event id last, one line each
// (with JSON output, each event's JSON), and returns the last id printed.
func (c *apiClient) printNewEvents(ctx context.Context, arn string, start time.Time, last int64) (int64, error) {
	err := c.eachEvent(ctx, arn, false, func(raw json.RawMessage, ev *web.Event) {
		if ev.ID <= last {
			return
		}
		last = ev.ID
		if c.json {
			c.printJSON(raw)
			return
		}
		printEventLine(c.out, ev.ID, ev.Timestamp.Sub(start), ev.Type, deref(ev.State), "")
	})
	return last, err
}

// eachEvent calls fn on every event of an execution, a page at a time.
func (c *apiClient) eachEvent(ctx context.Context, arn string, reverse bool, fn func(json.RawMessage, *web.Event)) error {
	path, query := executionPath("/history", arn)
	query.Set("limit", fmt.Sprint(historyPage))
	if reverse {
		query.Set("reverse", "true")
	}
	for {
		var page struct {
			Events     []json.RawMessage `json:"events"`
			NextCursor string            `json:"nextCursor"`
		}
		data, err := c.call(ctx, "GET", path, query, nil)
		if err == nil {
			err = json.Unmarshal(data, &page)
		}
		if err != nil {
			return err
		}
		for _, raw := range page.Events {
			var ev web.Event
			if err := json.Unmarshal(raw, &ev); err != nil {
				return err
			}
			fn(raw, &ev)
		}
		if page.NextCursor == "" {
			return nil
		}
		query.Set("cursor", page.NextCursor)
	}
}

// describe prints an execution.
func (c *apiClient) describe(ctx context.Context, arn string) error {
	data, exec, err := c.execution(ctx, arn)
	if err != nil {
		return err
	}
	if c.json {
		c.printJSON(data)
		return nil
	}
	printHeader(c.out, exec.ARN, exec.Name, exec.StateMachineARN, exec.Version, exec.StartedAt, exec.StoppedAt, exec.RedriveCount)
	fmt.Fprintf(c.out, "input: %s\n", exec.Input)
	printOutcome(c.out, exec.Status, rawString(exec.Output), exec.Error, exec.Cause)
	return nil
}

// history prints an execution's events; with JSON output, each page of
// the API's answer.
func (c *apiClient) history(ctx context.Context, arn string, details, reverse bool) error {
	if c.json {
		return c.historyJSON(ctx, arn, reverse)
	}
	_, exec, err := c.execution(ctx, arn)
	if err != nil {
		return err
	}
	return c.eachEvent(ctx, arn, reverse, func(_ json.RawMessage, ev *web.Event) {
		d := ""
		if details && len(ev.Details) > 0 {
			d = string(ev.Details)
		}
		printEventLine(c.out, ev.ID, ev.Timestamp.Sub(exec.StartedAt), ev.Type, deref(ev.State), d)
	})
}

// historyJSON prints the API's history pages as they are, one a line.
func (c *apiClient) historyJSON(ctx context.Context, arn string, reverse bool) error {
	path, query := executionPath("/history", arn)
	query.Set("limit", fmt.Sprint(historyPage))
	if reverse {
		query.Set("reverse", "true")
	}
	for {
		var page web.History
		if err := c.get(ctx, "GET", path, query, nil, &page); err != nil {
			return err
		}
		if page.NextCursor == "" {
			return nil
		}
		query.Set("cursor", page.NextCursor)
	}
}

// stop stops an execution through the API.
func (c *apiClient) stop(ctx context.Context, arn, errName, cause string) error {
	body := map[string]any{}
	if errName != "" {
		body["error"] = errName
	}
	if cause != "" {
		body["cause"] = cause
	}
	path, query := executionPath("/stop", arn)
	var exec web.Execution
	if err := c.get(ctx, "POST", path, query, body, &exec); err != nil || c.json {
		return err
	}
	fmt.Fprintf(c.out, "arn: %s\n", exec.ARN)
	printOutcome(c.out, exec.Status, nil, exec.Error, exec.Cause)
	return nil
}

// redrive redrives an execution through the API.
func (c *apiClient) redrive(ctx context.Context, arn string) error {
	path, query := executionPath("/redrive", arn)
	var exec web.Execution
	if err := c.get(ctx, "POST", path, query, nil, &exec); err != nil || c.json {
		return err
	}
	fmt.Fprintf(c.out, "arn: %s\nstatus: %s\nredriven: %d times\n", exec.ARN, exec.Status, exec.RedriveCount)
	return nil
}

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
	return dispatch(ctx, t, stdout, stderr,
		func(c *client) error { return c.listExecutions(ctx, f, stdout) },
		func(c *apiClient) error { return c.listExecutions(ctx, f) })
}

// listExecutions prints a page of executions.
func (c *apiClient) listExecutions(ctx context.Context, f listFilter) error {
	query := pageQuery(f.limit, f.cursor)
	for k, v := range map[string]string{"stateMachine": f.machine, "status": f.status, "startedAfter": f.since} {
		if v != "" {
			query.Set(k, v)
		}
	}
	var page struct {
		Executions []web.Execution `json:"executions"`
		NextCursor string          `json:"nextCursor"`
	}
	if err := c.get(ctx, "GET", "/v1/executions", query, nil, &page); err != nil || c.json {
		return err
	}
	return printExecutions(c.out, page.Executions, page.NextCursor)
}

// printExecutions prints executions as a table and the next page's
// cursor, if any.
func printExecutions(out io.Writer, execs []web.Execution, next string) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "STATUS\tSTARTED\tMACHINE\tNAME\tARN")
	for _, e := range execs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", e.Status, timestamp(e.StartedAt), e.StateMachine, e.Name, e.ARN)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	printNextCursor(out, next)
	return nil
}
