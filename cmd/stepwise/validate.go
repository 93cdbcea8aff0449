package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/stepwise-run/stepwise/asl"
)

func validateCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: stepwise validate FILE")
		return 2
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "stepwise: %v\n", err)
		return 1
	}
	diags := asl.Validate(data)
	for _, d := range diags {
		fmt.Fprintf(stdout, "%s: %s %s: %s\n", fs.Arg(0), d.Code, pointerOrRoot(d.Pointer), d.Message)
	}
	if len(diags) > 0 {
		return 1
	}
	fmt.Fprintf(stdout, "%s: valid\n", fs.Arg(0))
	return 0
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// parseFlags parses flags that may come before or after positional
// arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var positional []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return err
		}
		args = fs.Args()
		if len(args) > 0 {
			positional = append(positional, args[0])
			args = args[1:]
		}
	}
	return fs.Parse(positional)
}
