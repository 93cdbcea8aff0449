package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/stepwise-run/stepwise/engine"
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
	diags := engine.ValidateMachineSpec(engine.MachineSpec{Definition: string(data)})
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
// arguments. A task token is positional even when it starts with "-"
// (one in 64 does).
func parseFlags(fs *flag.FlagSet, args []string) error {
	var positional []string
	for len(args) > 0 {
		if dashedToken(fs, args[0]) {
			positional = append(positional, args[0])
			args = args[1:]
			continue
		}
		end := slices.IndexFunc(args, func(a string) bool { return dashedToken(fs, a) })
		if end < 0 {
			end = len(args)
		}
		if err := fs.Parse(args[:end]); err != nil {
			return err
		}
		rest := fs.Args()
		if len(rest) > 0 {
			positional = append(positional, rest[0])
			rest = rest[1:]
		}
		args = slices.Concat(rest, args[end:])
	}
	return fs.Parse(append([]string{"--"}, positional...))
}

// tokenLength is the length of a task token: 32 bytes in unpadded
// URL-safe base64.
const tokenLength = 43

// dashedToken reports whether arg is a task token that starts with "-"
// rather than a flag: it has a token's shape and names no flag of fs.
func dashedToken(fs *flag.FlagSet, arg string) bool {
	if len(arg) != tokenLength || arg[0] != '-' {
		return false
	}
	for _, r := range arg {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return fs.Lookup(strings.TrimLeft(arg, "-")) == nil
}
