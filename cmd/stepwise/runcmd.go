package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/engine"
)

// taskResults maps a Task state name to the JSON its task returns in a
// local run (--task-result STATE=JSON, repeatable).
type taskResults map[string]string

func (t taskResults) String() string { return fmt.Sprint(map[string]string(t)) }

func (t taskResults) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return errors.New("want STATE=JSON")
	}
	if _, err := decodeJSON(value); err != nil {
		return fmt.Errorf("result for %s: %w", name, err)
	}
	t[name] = value
	return nil
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	input := fs.String("input", "{}", "execution input as JSON")
	inputFile := fs.String("input-file", "", "read the execution input from this file")
	history := fs.Bool("history", false, "print the history events")
	results := taskResults{}
	fs.Var(results, "task-result", "STATE=JSON: what Task state STATE returns (repeatable); other tasks fail")
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: stepwise run FILE [--input JSON | --input-file FILE] [--task-result STATE=JSON ...] [--history]")
		return 2
	}
	m, in, err := loadRun(fs.Arg(0), *input, *inputFile)
	if err != nil {
		fmt.Fprintf(stderr, "stepwise: %v\n", err)
		return 1
	}
	res, err := runner.Run(ctx, m, in, &runner.Config{Tasks: results.handler, ExecutionName: "cli"})
	if err != nil {
		fmt.Fprintf(stderr, "stepwise: %v\n", err)
		return 1
	}
	printRun(stdout, res, *history)
	if res.Status != runner.StatusSucceeded {
		return 1
	}
	return 0
}

func loadRun(file, input, inputFile string) (*asl.StateMachine, any, error) {
	def, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, err
	}
	if diags := engine.ValidateMachineSpec(engine.MachineSpec{Definition: string(def)}); len(diags) > 0 {
		var b strings.Builder
		for _, d := range diags {
			fmt.Fprintf(&b, "\n  %s %s: %s", d.Code, pointerOrRoot(d.Pointer), d.Message)
		}
		return nil, nil, fmt.Errorf("%s is not a valid definition:%s", file, b.String())
	}
	m, err := asl.Parse(def)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	if inputFile != "" {
		data, err := os.ReadFile(inputFile)
		if err != nil {
			return nil, nil, err
		}
		input = string(data)
	}
	in, err := decodeJSON(input)
	if err != nil {
		return nil, nil, fmt.Errorf("input: %w", err)
	}
	return m, in, nil
}

func (t taskResults) handler(_ context.Context, call *asl.TaskCall, _ string) (any, error) {
	value, ok := t[call.State]
	if !ok {
		return nil, asl.NewError(asl.ErrorTaskFailed,
			"no result given for Task state %s (resource %s); pass --task-result %s=JSON", call.State, call.Resource, call.State)
	}
	return decodeJSON(value)
}

func printRun(w io.Writer, res *runner.Result, history bool) {
	if history {
		for _, e := range res.Events {
			line := fmt.Sprintf("%4d  %-28s %s", e.ID, e.Type, e.State)
			if e.Error != "" {
				line += fmt.Sprintf("  error=%s cause=%q", e.Error, e.Cause)
			}
			fmt.Fprintln(w, strings.TrimRight(line, " "))
		}
	}
	fmt.Fprintf(w, "status: %s\n", res.Status)
	if res.Error != nil {
		fmt.Fprintf(w, "error: %s\ncause: %s\n", res.Error.Name, res.Error.Cause)
		return
	}
	fmt.Fprintf(w, "output: %s\n", encodeJSON(res.Output))
}
