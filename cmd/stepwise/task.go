package main

import (
	"context"
	"fmt"
	"io"
)

func taskCmd() command {
	return subcommands("task", map[string]command{
		"success":   taskSuccessCmd,
		"failure":   taskFailureCmd,
		"heartbeat": taskHeartbeatCmd,
	})
}

// taskHint is the flags synopsis of the task commands.
const taskHint = "[--endpoint URL | --database URL] [-o json]"

func taskSuccessCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("task success", "TOKEN --output JSON "+taskHint,
		`stepwise task success "$TOKEN" --output '{"approved":true}' --endpoint http://localhost:8080`, stderr)
	t := targetFlags(fs)
	output := fs.String("output", "", "the task's result as JSON (required)")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	if *output == "" {
		fs.Usage()
		return exitUsage
	}
	token := fs.Arg(0)
	const done = "task succeeded; its execution moves on"
	if !jsonOK(*output) {
		return failed(stderr, fmt.Errorf("--output is not JSON: %.100s", *output))
	}
	body := map[string]any{"taskToken": token, "output": jsonValue(*output)}
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.task(ctx, "success", body, done) })
}

func taskFailureCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("task failure", "TOKEN [--error E] [--cause C] "+taskHint,
		`stepwise task failure "$TOKEN" --error Rejected --cause "over budget" --endpoint http://localhost:8080`, stderr)
	t := targetFlags(fs)
	errName := fs.String("error", "", "the error name the task fails with (default States.TaskFailed)")
	cause := fs.String("cause", "", "the cause text")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	token := fs.Arg(0)
	const done = "task failed; its execution handles the error (Retry, Catch or fail)"
	body := map[string]any{"taskToken": token}
	if *errName != "" {
		body["error"] = *errName
	}
	if *cause != "" {
		body["cause"] = *cause
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.task(ctx, "failure", body, done) })
}

func taskHeartbeatCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("task heartbeat", "TOKEN "+taskHint,
		`stepwise task heartbeat "$TOKEN" --endpoint http://localhost:8080`, stderr)
	t := targetFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	token := fs.Arg(0)
	const done = "heartbeat recorded; the task's heartbeat timeout starts again"
	body := map[string]any{"taskToken": token}
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.task(ctx, "heartbeat", body, done) })
}

// jsonOK reports whether s is JSON.
func jsonOK(s string) bool { _, err := decodeJSON(s); return err == nil }

// task sends a task callback (POST /v1/tasks/KIND) and prints msg (no
// output with JSON: the API answers 204).
func (c *client) task(ctx context.Context, kind string, body map[string]any, msg string) error {
	if _, _, err := c.call(ctx, "POST", "/v1/tasks/"+kind, nil, body); err != nil {
		return err
	}
	if !c.json {
		fmt.Fprintln(c.out, msg)
	}
	return nil
}
