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
  validate FILE                        check a definition; prints every problem
  run FILE [--input JSON]              run a definition in memory (virtual clock)
  conformance DIR [--validation DIR]   score the ASL conformance corpus (--durable: on PostgreSQL)

  dev [--once]                         try Stepwise: migrate, run the examples with their functions
  migrate up|down|status               create the database and apply, roll back or list migrations
  serve --api-keys FILE [--listen ADDR] [--examples]
                                       migrate, serve the HTTP API, drive executions until SIGINT/SIGTERM
                                       (--insecure-no-auth instead of --api-keys: no authentication)
  keys create --scope admin|read       print a new API key entry for the --api-keys file
  worker [--drive]                     run the example functions (the Task workers)

  sm create|update NAME FILE           create a state machine or add a version
  exec start MACHINE [--input JSON] [--wait]
  exec describe|history ARN            show an execution or its events
  task success TOKEN --output JSON     answer a callback (.waitForTaskToken) task
  task failure TOKEN [--error E] [--cause C]

Commands that use PostgreSQL read --database, else STEPWISE_DATABASE_URL, else
` + defaultDatabaseURL + `.
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
	commands := map[string]command{
		"validate":    validateCmd,
		"run":         runCmd,
		"conformance": conformanceCmd,
		"dev":         devCmd,
		"migrate":     migrateCmd,
		"serve":       serveCmd,
		"worker":      workerCmd,
		"sm":          smCmd(),
		"exec":        execCmd(),
		"task":        taskCmd(),
		"keys":        keysCmd(),
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "stepwise: unknown command %q\n%s", args[0], usage)
		return 2
	}
	return cmd(ctx, args[1:], stdout, stderr)
}
