package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

func taskCmd() command {
	return subcommands("task", map[string]command{
		"success": taskSuccessCmd,
		"failure": taskFailureCmd,
	})
}

func taskSuccessCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("task success", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := databaseFlag(fs)
	output := fs.String("output", "", "the task's result as JSON (required)")
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 1 || *output == "" {
		fmt.Fprintln(stderr, "usage: stepwise task success TOKEN --output JSON [--database URL]")
		return 2
	}
	return withClient(ctx, *db, stderr, func(c *client) error {
		if err := c.SendTaskSuccess(ctx, fs.Arg(0), *output); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "task succeeded; its execution moves on")
		return nil
	})
}

func taskFailureCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("task failure", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := databaseFlag(fs)
	errName := fs.String("error", "", "the error name the task fails with (default States.TaskFailed)")
	cause := fs.String("cause", "", "the cause text")
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: stepwise task failure TOKEN [--error E] [--cause C] [--database URL]")
		return 2
	}
	return withClient(ctx, *db, stderr, func(c *client) error {
		if err := c.SendTaskFailure(ctx, fs.Arg(0), *errName, *cause); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "task failed; its execution handles the error (Retry, Catch or fail)")
		return nil
	})
}
