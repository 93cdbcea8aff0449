package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/stepwise-run/stepwise/asl/conformance"
	"github.com/stepwise-run/stepwise/engine"
	engineconformance "github.com/stepwise-run/stepwise/engine/conformance"
)

func conformanceCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	validation := fs.String("validation", "", "score the validation corpus in this folder (valid/, invalid/)")
	quiet := fs.Bool("quiet", false, "print only the scores, not each failure")
	events := fs.Bool("events", false, "also print each case whose history event types differ from the recording")
	durable := fs.Bool("durable", false, "run the cases on the durable engine in PostgreSQL (--database) and list the cases judged differently in memory")
	db := databaseFlag(fs)
	if err := parseFlags(fs, args); err != nil || (fs.NArg() != 1 && *validation == "") || fs.NArg() > 1 {
		fmt.Fprintln(stderr, "usage: stepwise conformance DIR [--durable [--database URL]] [--quiet] [--events] | --validation DIR")
		return 2
	}
	if *validation != "" {
		return validationCorpus(stdout, stderr, *validation)
	}
	cases, err := conformance.LoadCases(fs.Arg(0))
	if err != nil {
		return failed(stderr, err)
	}
	memory := conformance.Run(ctx, cases, conformance.Memory)
	results := memory
	if *durable {
		if results, err = durableResults(ctx, *db, cases, stdout); err != nil {
			return failed(stderr, err)
		}
	}
	if !*quiet {
		conformance.WriteFailures(stdout, results)
	}
	if *events {
		conformance.WriteEventMismatches(stdout, results)
	}
	if *durable {
		writeDifferences(stdout, memory, results)
	}
	conformance.WriteSummary(stdout, results)
	if conformance.Tally(results, nil).Failed > 0 {
		return 1
	}
	return 0
}

// durableResults runs the cases on an engine on the database at url,
// which it creates and migrates if needed. Each case leaves a state
// machine named conformance.* and an execution in the database.
func durableResults(ctx context.Context, url string, cases []*conformance.Case, out io.Writer) ([]conformance.Result, error) {
	pool, err := prepareDatabase(ctx, url, out)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	e, err := startEngine(ctx, pool, &engine.Config{Drive: true, FetchPollInterval: 20 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "running %d cases durably on %s\n", len(cases), where(&pool.Config().ConnConfig.Config))
	results := engineconformance.Run(ctx, e, cases, nil)
	return results, stopEngine(e, 10*time.Second)
}

// writeDifferences lists the cases judged differently in memory and
// durably.
func writeDifferences(w io.Writer, memory, durable []conformance.Result) {
	diffs := engineconformance.Differences(memory, durable)
	engineconformance.WriteDifferences(w, diffs)
	verdicts := 0
	for _, d := range diffs {
		if d.Verdict {
			verdicts++
		}
	}
	fmt.Fprintf(w, "durable vs in memory: %d cases with a different verdict, %d more with different cause or event types\n",
		verdicts, len(diffs)-verdicts)
}

func validationCorpus(stdout, stderr io.Writer, dir string) int {
	fixtures, err := conformance.Validation(dir)
	if err != nil {
		return failed(stderr, err)
	}
	conformance.WriteValidation(stdout, fixtures)
	for _, f := range fixtures {
		if !f.Right() {
			return 1
		}
	}
	return 0
}
