package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
)

// A command runs with its arguments and returns the exit code.
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// subcommands dispatches "NAME SUB ..." to the command table.
func subcommands(name string, table map[string]command) command {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		if len(args) == 0 {
			fmt.Fprintf(stderr, "usage: stepwise %s %s ...\n", name, strings.Join(slices.Sorted(maps.Keys(table)), "|"))
			return 2
		}
		cmd, ok := table[args[0]]
		if !ok {
			fmt.Fprintf(stderr, "stepwise: unknown command %q; want stepwise %s %s\n", name+" "+args[0], name, strings.Join(slices.Sorted(maps.Keys(table)), "|"))
			return 2
		}
		return cmd(ctx, args[1:], stdout, stderr)
	}
}

// client is the one client of every sm, exec and task command: it talks
// to Stepwise's REST API, either a server's at --endpoint or one served
// in this process from the database (see inProcess), so each command has
// one code path and one output whichever the target.
type client struct {
	base string
	key  string
	json bool
	out  io.Writer
	http *http.Client
	// cause, when set, returns the error behind the last InternalError
	// answer of the in-process API (nil from a remote server, whose log
	// has it).
	cause func() error
	// stillRunning is added to the error of a wait that timed out.
	stillRunning string
}

// withClient runs fn on the client of t (the REST API at t's endpoint,
// else the database) and turns its error into the exit code.
func withClient(ctx context.Context, t *target, stdout, stderr io.Writer, fn func(*client) error) int {
	if t.remote() {
		c := &client{base: strings.TrimRight(*t.endpoint, "/"), key: t.key(), http: &http.Client{Timeout: time.Minute}}
		return exitCode(stderr, fn(c.printing(t, stdout)))
	}
	key, err := t.secretKey()
	if err != nil {
		return failed(stderr, err)
	}
	c, closeDB, err := inProcess(ctx, *t.db, key)
	if err != nil {
		return failed(stderr, err)
	}
	defer closeDB()
	return exitCode(stderr, fn(c.printing(t, stdout)))
}

// printing sets where and how the client prints.
func (c *client) printing(t *target, out io.Writer) *client {
	c.json, c.out = t.json(), out
	return c
}
