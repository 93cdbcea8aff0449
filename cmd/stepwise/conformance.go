package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/stepwise-run/stepwise/asl/conformance"
)

func conformanceCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fs.SetOutput(stderr)
	validation := fs.String("validation", "", "score the validation corpus in this folder (valid/, invalid/)")
	quiet := fs.Bool("quiet", false, "print only the scores, not each failure")
	events := fs.Bool("events", false, "also print each case whose history event types differ from the recording")
	if err := parseFlags(fs, args); err != nil || (fs.NArg() != 1 && *validation == "") || fs.NArg() > 1 {
		fmt.Fprintln(stderr, "usage: stepwise conformance DIR | --validation DIR")
		return 2
	}
	if *validation != "" {
		return validationCorpus(stdout, stderr, *validation)
	}
	cases, err := conformance.LoadCases(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "stepwise: %v\n", err)
		return 1
	}
	results := conformance.Run(ctx, cases, conformance.Memory)
	if !*quiet {
		conformance.WriteFailures(stdout, results)
	}
	if *events {
		conformance.WriteEventMismatches(stdout, results)
	}
	conformance.WriteSummary(stdout, results)
	if conformance.Tally(results, nil).Failed > 0 {
		return 1
	}
	return 0
}

func validationCorpus(stdout, stderr io.Writer, dir string) int {
	fixtures, err := conformance.Validation(dir)
	if err != nil {
		fmt.Fprintf(stderr, "stepwise: %v\n", err)
		return 1
	}
	conformance.WriteValidation(stdout, fixtures)
	for _, f := range fixtures {
		if !f.Right() {
			return 1
		}
	}
	return 0
}
