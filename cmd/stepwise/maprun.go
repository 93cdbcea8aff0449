package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// stepwise maprun list|describe|update|executions: the Map runs of an
// execution's Distributed Maps (REST /v1/executions/{arn}/map-runs and
// /v1/map-runs/{arn}…). A Map run's ARN holds a slash, so it goes in the
// arn query parameter, with "-" as the path segment.

func mapRunCmd() command {
	return subcommands("maprun", map[string]command{
		"list":       mapRunListCmd,
		"describe":   mapRunDescribeCmd,
		"update":     mapRunUpdateCmd,
		"executions": mapRunExecutionsCmd,
	})
}

// exampleMapRunARN is the Map run ARN of the commands' examples.
const exampleMapRunARN = "arn:aws:states:us-east-1:000000000000:mapRun:greet/M:6e1f0c52-5f8c-4c1e-9d1e-5c0f3a7e4b21"

// mapRun is a Map run as the REST API shows it; Counts is nil in lists.
type mapRun struct {
	ARN, ExecutionARN, State, Label, Status string
	MaxConcurrency                          int
	ToleratedFailureCount                   int64
	ToleratedFailurePercentage              float64
	StartedAt                               time.Time
	StoppedAt                               *time.Time
	RedriveCount                            int
	Counts                                  *struct {
		Pending, Running, Succeeded, Failed, TimedOut, Aborted, Total, ResultsWritten int64
	}
}

// mapRunQuery is the query of a Map run route: its ARN, and the page's
// limit and cursor when paged is set.
func mapRunQuery(arn string, paged *paging) url.Values {
	query := url.Values{}
	if paged != nil {
		query = paged.query()
	}
	query.Set("arn", arn)
	return query
}

func mapRunListCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("maprun list", "EXECUTION_ARN [--limit N] [--cursor C] "+endpointHint,
		"stepwise maprun list "+exampleARN, stderr)
	t := targetFlags(fs)
	paged := pageFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		var page struct {
			MapRuns    []mapRun `json:"mapRuns"`
			NextCursor string   `json:"nextCursor"`
		}
		if err := c.get(ctx, "GET", "/v1/executions/-/map-runs", mapRunQuery(fs.Arg(0), &paged), nil, &page); err != nil || c.json {
			return err
		}
		w := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "STATUS\tSTARTED\tSTATE\tARN")
		for _, mr := range page.MapRuns {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", mr.Status, timestamp(mr.StartedAt), mr.State, mr.ARN)
		}
		return flushPage(w, c.out, page.NextCursor)
	})
}

func mapRunDescribeCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("maprun describe", "MAPRUN_ARN "+endpointHint, "stepwise maprun describe "+exampleMapRunARN, stderr)
	t := targetFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		return c.mapRun(ctx, "GET", fs.Arg(0), nil)
	})
}

func mapRunUpdateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("maprun update", "MAPRUN_ARN [--max-concurrency N] [--tolerated-failure-count N] [--tolerated-failure-percentage F] "+endpointHint,
		"stepwise maprun update "+exampleMapRunARN+" --max-concurrency 10", stderr)
	t := targetFlags(fs)
	concurrency := fs.Int("max-concurrency", 0, "how many child executions may run at once (0: no limit)")
	count := fs.Int64("tolerated-failure-count", 0, "how many items may fail before the Map run fails")
	percentage := fs.Float64("tolerated-failure-percentage", 0, "what percentage of the items may fail before the Map run fails (0 to 100)")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	body := map[string]any{}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "max-concurrency":
			body["maxConcurrency"] = *concurrency
		case "tolerated-failure-count":
			body["toleratedFailureCount"] = *count
		case "tolerated-failure-percentage":
			body["toleratedFailurePercentage"] = *percentage
		}
	})
	if len(body) == 0 {
		fmt.Fprintln(stderr, "stepwise: maprun update: set at least one of --max-concurrency, --tolerated-failure-count and --tolerated-failure-percentage")
		return exitUsage
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		return c.mapRun(ctx, "PATCH", fs.Arg(0), body)
	})
}

// mapRun sends a request to a Map run's route (GET or PATCH with body)
// and prints the Map run it answers.
func (c *client) mapRun(ctx context.Context, method, arn string, body any) error {
	var mr mapRun
	if err := c.get(ctx, method, "/v1/map-runs/-", mapRunQuery(arn, nil), body, &mr); err != nil || c.json {
		return err
	}
	fmt.Fprintf(c.out, "arn: %s\nexecution: %s\nstate: %s (label %s)\nstatus: %s\nstarted: %s\n",
		mr.ARN, mr.ExecutionARN, mr.State, mr.Label, mr.Status, timestamp(mr.StartedAt))
	if mr.StoppedAt != nil {
		fmt.Fprintf(c.out, "stopped: %s (after %s)\n", timestamp(*mr.StoppedAt), mr.StoppedAt.Sub(mr.StartedAt).Round(time.Millisecond))
	}
	if mr.RedriveCount > 0 {
		fmt.Fprintf(c.out, "redriven: %d times\n", mr.RedriveCount)
	}
	concurrency := fmt.Sprint(mr.MaxConcurrency)
	if mr.MaxConcurrency == 0 {
		concurrency = "no limit"
	}
	fmt.Fprintf(c.out, "max concurrency: %s\ntolerated failures: %d, %g%%\n", concurrency, mr.ToleratedFailureCount, mr.ToleratedFailurePercentage)
	if n := mr.Counts; n != nil {
		fmt.Fprintf(c.out, "items: %d total, %d pending, %d running, %d succeeded, %d failed, %d timed out, %d aborted\n",
			n.Total, n.Pending, n.Running, n.Succeeded, n.Failed, n.TimedOut, n.Aborted)
	}
	return nil
}

func mapRunExecutionsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("maprun executions", "MAPRUN_ARN [--status S] [--limit N] [--cursor C] "+endpointHint,
		"stepwise maprun executions "+exampleMapRunARN+" --status FAILED", stderr)
	t := targetFlags(fs)
	status := fs.String("status", "", "only child executions of this status: "+strings.Join(statuses, ", "))
	paged := pageFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	if err := checkStatus(*status); err != nil {
		return failed(stderr, err)
	}
	query := mapRunQuery(fs.Arg(0), &paged)
	if *status != "" {
		query.Set("status", *status)
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		var page struct {
			Executions []execution `json:"executions"`
			NextCursor string      `json:"nextCursor"`
		}
		if err := c.get(ctx, "GET", "/v1/map-runs/-/executions", query, nil, &page); err != nil || c.json {
			return err
		}
		return printExecutions(c.out, page.Executions, page.NextCursor)
	})
}

// checkStatus refuses a --status that is no execution status; "" is none.
func checkStatus(status string) error {
	if status != "" && !slices.Contains(statuses, status) {
		return fmt.Errorf("--status %s: want one of %s", status, strings.Join(statuses, ", "))
	}
	return nil
}
