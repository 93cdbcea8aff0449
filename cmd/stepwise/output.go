package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// The table output of the sm and exec commands.

// printOutcome prints a status and the output, error and cause there are.
func printOutcome(out io.Writer, status string, output, errName, cause *string) {
	fmt.Fprintf(out, "status: %s\n", status)
	if output != nil {
		fmt.Fprintf(out, "output: %s\n", *output)
	}
	if errName != nil {
		fmt.Fprintf(out, "error: %s\n", *errName)
	}
	if cause != nil {
		fmt.Fprintf(out, "cause: %s\n", *cause)
	}
}

// printHeader prints what describe shows before the input.
func printHeader(out io.Writer, e *execution) {
	fmt.Fprintf(out, "arn: %s\nname: %s\nstate machine: %s (version %d)\nstarted: %s\n",
		e.ARN, e.Name, e.StateMachineARN, e.Version, timestamp(e.StartedAt))
	if e.MapRunARN != "" {
		fmt.Fprintf(out, "map run: %s\n", e.MapRunARN)
	}
	if e.StoppedAt != nil {
		fmt.Fprintf(out, "stopped: %s (after %s)\n", timestamp(*e.StoppedAt), e.StoppedAt.Sub(e.StartedAt).Round(time.Millisecond))
	}
	if e.RedriveCount > 0 {
		fmt.Fprintf(out, "redriven: %d times\n", e.RedriveCount)
	}
}

func timestamp(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05.000 MST") }

// printEventLine prints an event's line: id, time since the start, type,
// state and details, which may be empty.
func printEventLine(out io.Writer, id int64, elapsed time.Duration, typ, state, details string) {
	line := fmt.Sprintf("%4d  %9s  %-28s %s", id, elapsed.Round(time.Millisecond), typ, state)
	if details != "" {
		line += "  " + details
	}
	fmt.Fprintln(out, strings.TrimRight(line, " "))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// rawString is a JSON value as text, nil when absent.
func rawString(v json.RawMessage) *string {
	if len(v) == 0 {
		return nil
	}
	s := string(v)
	return &s
}

// printExecutions prints executions as a table and the next page's
// cursor, if any.
func printExecutions(out io.Writer, execs []execution, next string) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "STATUS\tSTARTED\tMACHINE\tNAME\tARN")
	for _, e := range execs {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", e.Status, timestamp(e.StartedAt), e.StateMachine, e.Name, e.ARN)
	}
	return flushPage(w, out, next)
}

// printMachine prints a state machine, its definition and its versions.
func printMachine(out io.Writer, sm *stateMachine) error {
	fmt.Fprintf(out, "name: %s\narn: %s\ncreated: %s\nversion: %d of %d\ndefinition: %s\n",
		sm.Name, sm.ARN, timestamp(sm.CreatedAt), sm.Version, sm.LatestVersion, sm.Definition)
	if len(sm.InputSchema) > 0 {
		fmt.Fprintf(out, "input schema: %s\n", sm.InputSchema)
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "VERSION\tCREATED\tINPUT SCHEMA")
	for _, v := range sm.Versions {
		fmt.Fprintf(w, "%d\t%s\t%t\n", v.Version, timestamp(v.CreatedAt), v.HasInputSchema)
	}
	return w.Flush()
}

// printMachines prints state machines as a table and the next page's
// cursor, if any.
func printMachines(out io.Writer, sms []stateMachine, next string) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tLATEST\tCREATED\tARN")
	for _, sm := range sms {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", sm.Name, sm.LatestVersion, timestamp(sm.CreatedAt), sm.ARN)
	}
	return flushPage(w, out, next)
}

// flushPage ends a table and tells how to get the next page, if any.
func flushPage(w *tabwriter.Writer, out io.Writer, next string) error {
	if err := w.Flush(); err != nil {
		return err
	}
	if next != "" {
		fmt.Fprintf(out, "more: --cursor %s\n", next)
	}
	return nil
}
