// Command stepwise runs Amazon States Language state machines.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

const usage = `usage: stepwise <command> [arguments]

commands:
  validate FILE                        check a definition; prints every problem
  run FILE [--input JSON]              run a definition in memory (virtual clock)
  conformance DIR [--validation DIR]   score the ASL conformance corpus (--durable: on PostgreSQL)
  test SPEC... [--junit FILE]          run test specs: cases with mocked Tasks and expectations
                                       (in memory; --durable: on PostgreSQL); exit 1 if one fails, 2 for a bad spec

  dev [--once] [--pg-dir DIR]          try Stepwise: migrate, run the examples with their functions
                                       (no PostgreSQL on 127.0.0.1:5432: starts a private one in DIR)
  migrate up|down|status               create the database and apply, roll back or list migrations
  serve --api-keys FILE [--listen ADDR] [--examples]
                                       migrate, serve the HTTP API, drive executions until SIGINT/SIGTERM
                                       (--insecure-no-auth instead of --api-keys: no authentication)
  keys create --scope admin|read       print a new API key entry for the --api-keys file
  worker [--drive]                     run the example functions (the Task workers)
  bench [--scale F] [--only W] [--json]
                                       run the benchmark workloads on fresh databases and print a table

  sm create|update NAME FILE           create a state machine or add a version
  sm get NAME | sm list                show a state machine or list them
  sm validate FILE                     check a definition (through the API with --endpoint)
  exec start MACHINE [--input JSON] [--wait | --follow]
                                       start an execution; --follow prints each new history event
  exec describe|history ARN            show an execution or its events (history --reverse)
  exec list [--machine M] [--status S] [--since RFC3339]   list executions, newest first
  exec stop ARN [--error E --cause C]  stop a RUNNING execution
  exec redrive ARN                     run a FAILED, TIMED_OUT or ABORTED execution again
  task success TOKEN --output JSON     answer a callback (.waitForTaskToken) task
  task failure TOKEN [--error E] [--cause C]
  task heartbeat TOKEN                 tell a callback task it is still being worked on
  connection create NAME --auth api-key|basic|oauth [--secret-file FILE]
                                       store credentials for HTTP Tasks (Authentication.ConnectionArn)
  connection list | describe NAME | delete NAME
  tag list|add|remove NAME [KEY=VALUE,...|KEY,...] [--activity]
                                       show, add or remove the tags of a state machine or an activity
  maprun list EXECUTION_ARN | describe MAPRUN_ARN | executions MAPRUN_ARN [--status S]
                                       show a Distributed Map's Map runs, their counts and child executions
  maprun update MAPRUN_ARN [--max-concurrency N] [--tolerated-failure-count N] [--tolerated-failure-percentage F]
                                       change a running Map run's concurrency and tolerated failures
  test-state --definition FILE|JSON [--state NAME] [--input JSON] [--mock-result JSON | --mock-error E]
                                       evaluate one state on its own (AWS TestState); prints the JSON answer

Run "stepwise COMMAND SUB --help" for a command's flags and an example.

The sm, exec, task, connection, tag, maprun and test-state commands talk to the REST API of a stepwise serve
process when --endpoint URL (or STEPWISE_ENDPOINT) is set, sending --api-key
SECRET (or STEPWISE_API_KEY) as a bearer token; without an endpoint, to the
same API served in the command's own process on the database. Either way
-o json prints the API's JSON as it is.

Exit codes:
  0  success
  1  the operation failed (an API error prints "stepwise: CODE: message")
  2  a usage error
  3  exec start --wait/--follow: the execution ended but did not SUCCEED

Commands that use PostgreSQL read --database, else STEPWISE_DATABASE_URL, else
` + defaultDatabaseURL + `.
`

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// defaultGCPercent is the garbage collector's target (GOGC) when the
// environment sets none. An engine allocates fast and keeps little: at
// Go's default of 100 a third of its CPU went to the collector on a
// ten-branch Parallel, and 400 gave 10-30% more executions per second
// for a peak heap of about 80 MB instead of 30 (BENCHMARKS.md). GOGC
// overrides it; GOMEMLIMIT bounds the heap where memory is scarce.
const defaultGCPercent = 400

// tuneGC sets defaultGCPercent unless GOGC is set.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(defaultGCPercent)
	}
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
		"test":        testCmd,
		"dev":         devCmd,
		"migrate":     migrateCmd,
		"serve":       serveCmd,
		"worker":      workerCmd,
		"sm":          smCmd(),
		"exec":        execCmd(),
		"task":        taskCmd(),
		"connection":  connectionCmd(),
		"tag":         tagCmd(),
		"maprun":      mapRunCmd(),
		"keys":        keysCmd(),
		"bench":       benchCmd,
		"test-state":  testStateCmd,
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "stepwise: unknown command %q\n%s", args[0], usage)
		return 2
	}
	return cmd(ctx, args[1:], stdout, stderr)
}
