package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"text/tabwriter"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web"
)

func smCmd() command {
	return subcommands("sm", map[string]command{
		"create":   smCreateCmd,
		"update":   smUpdateCmd,
		"get":      smGetCmd,
		"list":     smListCmd,
		"validate": smValidateCmd,
	})
}

func smCreateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return smWrite(ctx, "create", args, stdout, stderr)
}

func smUpdateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return smWrite(ctx, "update", args, stdout, stderr)
}

// smWrite parses "NAME FILE [--input-schema FILE]" and creates (verb
// create) or updates the state machine with the definition read from FILE.
func smWrite(ctx context.Context, verb string, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sm "+verb, "NAME FILE [--input-schema FILE] [--endpoint URL [--api-key SECRET] [-o json] | --database URL]",
		"stepwise sm "+verb+" greet greet.asl.json --endpoint http://localhost:8080", stderr)
	t := targetFlags(fs)
	schema := fs.String("input-schema", "", "a JSON Schema file every execution input must satisfy")
	if code, ok := parseArgs(fs, args, 2, t); !ok {
		return code
	}
	spec, err := readSpec(fs.Arg(1), *schema)
	if err != nil {
		return failed(stderr, err)
	}
	name := fs.Arg(0)
	if verb == "create" {
		return dispatch(ctx, t, stdout, stderr,
			func(c *client) error { return c.createMachine(ctx, name, spec, stdout) },
			func(c *apiClient) error { return c.createMachine(ctx, name, spec) })
	}
	return dispatch(ctx, t, stdout, stderr,
		func(c *client) error { return c.updateMachine(ctx, name, spec, stdout) },
		func(c *apiClient) error { return c.updateMachine(ctx, name, spec) })
}

// createMachine creates a state machine in the database.
func (c *client) createMachine(ctx context.Context, name string, spec engine.MachineSpec, out io.Writer) error {
	sm, v, err := c.CreateStateMachine(ctx, name, spec)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "created state machine %s (version %d)\narn: %s\n", sm.Name, v.Version, sm.ARN)
	return nil
}

// updateMachine adds a version to a state machine in the database.
func (c *client) updateMachine(ctx context.Context, name string, spec engine.MachineSpec, out io.Writer) error {
	v, err := c.UpdateStateMachine(ctx, name, spec)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "updated state machine %s to version %d; running executions keep their version\n", name, v.Version)
	return nil
}

// machineBody is the body of create, update and validate.
func machineBody(name string, spec engine.MachineSpec) map[string]any {
	body := map[string]any{"definition": jsonValue(spec.Definition)}
	if name != "" {
		body["name"] = name
	}
	if spec.InputSchema != "" {
		body["inputSchema"] = jsonValue(spec.InputSchema)
	}
	return body
}

// createMachine creates a state machine through the API.
func (c *apiClient) createMachine(ctx context.Context, name string, spec engine.MachineSpec) error {
	var sm web.StateMachine
	if err := c.get(ctx, "POST", "/v1/state-machines", nil, machineBody(name, spec), &sm); err != nil || c.json {
		return err
	}
	fmt.Fprintf(c.out, "created state machine %s (version %d)\narn: %s\n", sm.Name, sm.Version, sm.ARN)
	return nil
}

// updateMachine adds a version to a state machine through the API.
func (c *apiClient) updateMachine(ctx context.Context, name string, spec engine.MachineSpec) error {
	var sm web.StateMachine
	if err := c.get(ctx, "PUT", machinePath(name, ""), nil, machineBody("", spec), &sm); err != nil || c.json {
		return err
	}
	fmt.Fprintf(c.out, "updated state machine %s to version %d; running executions keep their version\n", sm.Name, sm.Version)
	return nil
}

// readSpec reads a definition and an optional input schema.
func readSpec(file, schemaFile string) (engine.MachineSpec, error) {
	def, err := os.ReadFile(file)
	if err != nil {
		return engine.MachineSpec{}, err
	}
	spec := engine.MachineSpec{Definition: string(def)}
	if schemaFile != "" {
		schema, err := os.ReadFile(schemaFile)
		if err != nil {
			return engine.MachineSpec{}, err
		}
		spec.InputSchema = string(schema)
	}
	return spec, nil
}

func smGetCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sm get", "NAME [--version N] "+endpointHint,
		"stepwise sm get greet --version 2 --endpoint http://localhost:8080", stderr)
	t := targetFlags(fs)
	version := fs.Int("version", 0, "show this version (default: the latest)")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return dispatch(ctx, t, stdout, stderr,
		func(c *client) error { return c.getMachine(ctx, fs.Arg(0), *version, stdout) },
		func(c *apiClient) error { return c.getMachine(ctx, fs.Arg(0), *version) })
}

// getMachine prints a state machine at a version with its version list,
// read from the database.
func (c *client) getMachine(ctx context.Context, name string, version int, out io.Writer) error {
	d, err := c.DescribeStateMachine(ctx, name, version)
	if err != nil {
		return err
	}
	sm := machineSummary(d.StateMachine)
	sm.Version = d.Version.Version
	sm.Definition = compactJSON(d.Version.Definition)
	if d.Version.InputSchema != nil {
		sm.InputSchema = compactJSON(*d.Version.InputSchema)
	}
	for _, v := range d.Versions {
		sm.Versions = append(sm.Versions, web.Version{Version: v.Version, CreatedAt: v.CreatedAt, HasInputSchema: v.HasInputSchema})
	}
	return printMachine(out, &sm)
}

// compactJSON is stored JSON text on one line, as the REST API shows it.
func compactJSON(text string) json.RawMessage {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(text)); err != nil {
		return json.RawMessage(text)
	}
	return b.Bytes()
}

// machineSummary is a stored state machine as the REST API lists it.
func machineSummary(sm *store.StateMachine) web.StateMachine {
	return web.StateMachine{Name: sm.Name, ARN: sm.ARN, CreatedAt: sm.CreatedAt, LatestVersion: sm.LatestVersion}
}

// getMachine prints a state machine at a version with its version list.
func (c *apiClient) getMachine(ctx context.Context, name string, version int) error {
	query := url.Values{}
	if version > 0 {
		query.Set("version", fmt.Sprint(version))
	}
	var sm web.StateMachine
	if err := c.get(ctx, "GET", machinePath(name, ""), query, nil, &sm); err != nil || c.json {
		return err
	}
	return printMachine(c.out, &sm)
}

// printMachine prints a state machine, its definition and its versions.
func printMachine(out io.Writer, sm *web.StateMachine) error {
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

func smListCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sm list", "[--limit N] [--cursor C] "+endpointHint,
		"stepwise sm list --endpoint http://localhost:8080 -o json", stderr)
	t := targetFlags(fs)
	limit := fs.Int("limit", 100, "list up to this many (at most 1000)")
	cursor := fs.String("cursor", "", "the cursor the previous page printed (more: --cursor C)")
	if code, ok := parseArgs(fs, args, 0, t); !ok {
		return code
	}
	return dispatch(ctx, t, stdout, stderr,
		func(c *client) error { return c.listMachines(ctx, *limit, *cursor, stdout) },
		func(c *apiClient) error { return c.listMachines(ctx, *limit, *cursor) })
}

// listMachines prints a page of state machines read from the database;
// the cursor is the name of the previous page's last machine.
func (c *client) listMachines(ctx context.Context, limit int, cursor string, out io.Writer) error {
	limit = min(max(limit, 1), engine.MaxPage)
	sms, err := c.ListStateMachines(ctx, cursor, limit+1)
	if err != nil {
		return err
	}
	next := ""
	if len(sms) > limit {
		sms = sms[:limit]
		next = sms[limit-1].Name
	}
	page := make([]web.StateMachine, len(sms))
	for i, sm := range sms {
		page[i] = machineSummary(sm)
	}
	return printMachines(out, page, next)
}

// listMachines prints a page of state machines.
func (c *apiClient) listMachines(ctx context.Context, limit int, cursor string) error {
	query := pageQuery(limit, cursor)
	var page struct {
		StateMachines []web.StateMachine `json:"stateMachines"`
		NextCursor    string             `json:"nextCursor"`
	}
	if err := c.get(ctx, "GET", "/v1/state-machines", query, nil, &page); err != nil || c.json {
		return err
	}
	return printMachines(c.out, page.StateMachines, page.NextCursor)
}

// printMachines prints state machines as a table and the next page's
// cursor, if any.
func printMachines(out io.Writer, sms []web.StateMachine, next string) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tLATEST\tCREATED\tARN")
	for _, sm := range sms {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\n", sm.Name, sm.LatestVersion, timestamp(sm.CreatedAt), sm.ARN)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	printNextCursor(out, next)
	return nil
}

// pageQuery is the query of a list page.
func pageQuery(limit int, cursor string) url.Values {
	query := url.Values{"limit": {fmt.Sprint(limit)}}
	if cursor != "" {
		query.Set("cursor", cursor)
	}
	return query
}

// printNextCursor tells how to get the next page, if there is one.
func printNextCursor(out io.Writer, cursor string) {
	if cursor != "" {
		fmt.Fprintf(out, "more: --cursor %s\n", cursor)
	}
}

func smValidateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sm validate", "FILE [--input-schema FILE] [--endpoint URL [--api-key SECRET] [-o json]]",
		"stepwise sm validate greet.asl.json --endpoint http://localhost:8080", stderr)
	t := targetFlags(fs)
	schema := fs.String("input-schema", "", "a JSON Schema file to check too")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	file := fs.Arg(0)
	spec, err := readSpec(file, *schema)
	if err != nil {
		return failed(stderr, err)
	}
	if !t.remote() {
		return exitCode(stderr, validateLocally(file, spec, stdout))
	}
	return dispatch(ctx, t, stdout, stderr, nil, func(c *apiClient) error {
		return c.validate(ctx, file, spec)
	})
}

// diagnostic is one problem of a definition.
type diagnostic struct {
	Code    string `json:"code"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// validateLocally checks a definition in this process (the input schema
// is checked only by the API).
func validateLocally(file string, spec engine.MachineSpec, out io.Writer) error {
	var diags []diagnostic
	for _, d := range asl.Validate([]byte(spec.Definition)) {
		diags = append(diags, diagnostic{Code: d.Code, Pointer: d.Pointer, Message: d.Message})
	}
	return printDiagnostics(out, file, diags)
}

// validate checks a definition through the API.
func (c *apiClient) validate(ctx context.Context, file string, spec engine.MachineSpec) error {
	var answer struct {
		Valid       bool         `json:"valid"`
		Diagnostics []diagnostic `json:"diagnostics"`
	}
	if err := c.get(ctx, "POST", "/v1/state-machines/validate", nil, machineBody("", spec), &answer); err != nil {
		return err
	}
	if c.json {
		if !answer.Valid {
			return errReported
		}
		return nil
	}
	return printDiagnostics(c.out, file, answer.Diagnostics)
}

// printDiagnostics prints each problem, or that the file is valid; with
// problems it returns errReported.
func printDiagnostics(out io.Writer, file string, diags []diagnostic) error {
	for _, d := range diags {
		fmt.Fprintf(out, "%s: %s %s: %s\n", file, d.Code, pointerOrRoot(d.Pointer), d.Message)
	}
	if len(diags) > 0 {
		return errReported
	}
	fmt.Fprintf(out, "%s: valid\n", file)
	return nil
}
