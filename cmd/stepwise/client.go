package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/stepwise-run/stepwise/engine"
)

// A command runs with its arguments and returns the exit code.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// subcommands dispatches "NAME SUB ..." to the command table.
func subcommands(name string, table map[string]command) command {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		if len(args) == 0 {
			fmt.Fprintf(stderr, "usage: stepwise %s %s ...\n", name, strings.Join(sortedKeys(table), "|"))
			return 2
		}
		cmd, ok := table[args[0]]
		if !ok {
			fmt.Fprintf(stderr, "stepwise: unknown command %q; want stepwise %s %s\n", name+" "+args[0], name, strings.Join(sortedKeys(table), "|"))
			return 2
		}
		return cmd(ctx, args[1:], stdout, stderr)
	}
}

func sortedKeys(table map[string]command) []string {
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// client is an engine that only talks to the database: it starts
// executions and answers tasks, and leaves driving them to the serve, dev
// or worker processes.
type client struct {
	*engine.Engine
}

// openClient connects to the database at url.
func openClient(ctx context.Context, url string) (*client, error) {
	pool, err := openPool(ctx, url)
	if err != nil {
		return nil, err
	}
	e, err := engine.New(pool, nil)
	if err != nil {
		pool.Close()
		return nil, err
	}
	return &client{Engine: e}, nil
}

// Close closes the database pool.
func (c *client) Close() { c.Pool().Close() }

// withClient runs fn on a client of the database at url and turns its
// error into its exit code (see exitCode).
func withClient(ctx context.Context, url string, stderr io.Writer, fn func(*client) error) int {
	c, err := openClient(ctx, url)
	if err != nil {
		return failed(stderr, err)
	}
	defer c.Close()
	return exitCode(stderr, fn(c))
}
