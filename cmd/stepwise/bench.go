package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stepwise-run/stepwise/cmd/stepwise/internal/bench"
)

const benchExample = `
Each workload runs on its own database, cloned from a migrated template
created on the server of --database (the databases are dropped at the end).

The soak workload runs only when named: 500 executions per second for
30 minutes at full size (--scale 0.1: 3 minutes), a third of that as
retention; it prints the size of every table at its start, middle and
end, and its throughput over time.

Example:
  stepwise bench                       # every workload at full size but soak
  stepwise bench --scale 0.1 --only one-task,transitions --json
  stepwise bench --only soak           # 30 minutes, retention 10 minutes
`

// benchCmd runs the benchmark workloads and prints their table.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	database := databaseFlag(fs)
	scale := fs.Float64("scale", 1, "multiply every workload's count (1 = full size)")
	only := fs.String("only", "", "comma-separated workloads to run: "+strings.Join(bench.Workloads(), ", ")+
		"; only when named: "+strings.Join(bench.OptInWorkloads(), ", "))
	asJSON := fs.Bool("json", false, "print the results as JSON")
	logSink := fs.String("log-sink", "", "measure execution logs: give the engine this log sink (postgres, or stdout writing nowhere)")
	overloadRate := fs.Float64("overload-rate", 0, "the start rate per second the overload workload takes as sustainable (it offers 3x); 0 measures it")
	logLevel := fs.String("log-level", "OFF", "with --log-sink, the loggingConfiguration level of the measured machines (ALL, ERROR, FATAL, OFF)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: stepwise bench [--scale F] [--only W1,W2] [--json] [--database URL] [--log-sink postgres|stdout [--log-level OFF]] [--overload-rate R]")
		fs.PrintDefaults()
		fmt.Fprint(stderr, benchExample)
	}
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 0 {
		return 2
	}
	cfg := bench.Config{ServerURL: *database, Scale: *scale, Progress: stderr, LogSink: *logSink, LogLevel: *logLevel, OverloadRate: *overloadRate}
	if *only != "" {
		cfg.Only = strings.Split(*only, ",")
	}
	started := time.Now()
	results, err := bench.Run(ctx, cfg)
	if err != nil {
		printResults(stderr, results) // what finished before the failure
		return failed(stderr, err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"machine": machine(), "results": results}); err != nil {
			return failed(stderr, err)
		}
		return 0
	}
	fmt.Fprintf(stdout, "%s; took %s\n\n", machine(), time.Since(started).Round(time.Second))
	printResults(stdout, results)
	return 0
}

// machine describes where the benchmark ran.
func machine() string {
	return fmt.Sprintf("%d CPUs, %s/%s, %s", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
}

func printResults(w io.Writer, results []*bench.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "workload\tcount\tper second\tunit\tp50 ms\tp95 ms\tp99 ms\tof\tcommits/s\tpg cpu ms/unit\tpeak heap MB\t\tnote")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%s\t%.1f\t%.1f\t%.1f\t%s\t%.0f\t%.2f\t%.1f\t\t%s\n", r.Workload, r.Count, r.PerSecond, r.Unit,
			r.P50, r.P95, r.P99, r.Latency, r.CommitsPerSecond, r.PGCPUPerUnit, r.PeakHeapMB, r.Note)
	}
	tw.Flush()
	for _, r := range results {
		if r.Soak != nil {
			fmt.Fprintf(w, "\n%s:\n", r.Workload)
			_ = r.Soak.Print(w)
		}
	}
}
