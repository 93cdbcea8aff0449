// Command stepwise runs Amazon States Language state machines.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: stepwise <command> [arguments]

commands:
  validate FILE                       check a definition; prints every problem
  run FILE [--input JSON]             run a definition in memory (virtual clock)
  conformance DIR [--validation DIR]  score the ASL conformance corpus
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command line and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	commands := map[string]func(context.Context, []string, io.Writer, io.Writer) int{
		"validate":    validateCmd,
		"run":         runCmd,
		"conformance": conformanceCmd,
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "stepwise: unknown command %q\n%s", args[0], usage)
		return 2
	}
	return cmd(ctx, args[1:], stdout, stderr)
}
