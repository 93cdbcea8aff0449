package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stepwise-run/stepwise/engine"
)

func smCmd() command {
	return subcommands("sm", map[string]command{
		"create":   smCreateCmd,
		"update":   smUpdateCmd,
		"get":      smGetCmd,
		"list":     smListCmd,
		"validate": smValidateCmd,
		"check":    smCheckCmd,
		"publish":  smPublishCmd,
		"versions": smVersionsCmd,
		"alias":    smAliasCmd,
		// delete-version deletes a published version.
		"delete-version": smDeleteVersionCmd,
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
	usage := "NAME FILE [--input-schema FILE] [--retention DURATION] "
	if verb == "create" {
		usage += "[--type STANDARD|EXPRESS] "
	}
	fs := newFlagSet("sm "+verb, usage+endpointHint+"",
		"stepwise sm "+verb+" greet greet.asl.json --endpoint http://localhost:8080", stderr)
	t := targetFlags(fs)
	schema := fs.String("input-schema", "", "a JSON Schema file every execution input must satisfy")
	retention := fs.String("retention", "", "keep this machine's closed executions for this `DURATION` (2160h, 90d) instead of "+
		"the installation's --retention; 0: the installation's again; negative: for ever; empty: unchanged")
	typ := new(string)
	if verb == "create" {
		typ = fs.String("type", "", "STANDARD (the default) or EXPRESS, fixed at creation")
	}
	if code, ok := parseArgs(fs, args, 2, t); !ok {
		return code
	}
	spec, err := readSpec(fs.Arg(1), *schema)
	if err != nil {
		return failed(stderr, err)
	}
	spec.Type = *typ
	if *retention != "" {
		d, err := parseRetention(*retention)
		if err != nil {
			return failed(stderr, err)
		}
		spec.Retention = &d
	}
	name := fs.Arg(0)
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		if verb == "create" {
			return c.createMachine(ctx, name, spec)
		}
		return c.updateMachine(ctx, name, spec)
	})
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
	if spec.Type != "" {
		body["type"] = spec.Type
	}
	if spec.Retention != nil {
		body["retentionSeconds"] = int64(*spec.Retention / time.Second)
	}
	return body
}

// createMachine creates a state machine through the API.
func (c *client) createMachine(ctx context.Context, name string, spec engine.MachineSpec) error {
	var sm stateMachine
	if err := c.get(ctx, "POST", "/v1/state-machines", nil, machineBody(name, spec), &sm); err != nil || c.json {
		return err
	}
	fmt.Fprintf(c.out, "created state machine %s (version %d)\narn: %s\n", sm.Name, sm.Version, sm.ARN)
	return nil
}

// updateMachine adds a version to a state machine through the API.
func (c *client) updateMachine(ctx context.Context, name string, spec engine.MachineSpec) error {
	var sm stateMachine
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
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.getMachine(ctx, fs.Arg(0), *version) })
}

// getMachine prints a state machine at a version with its version list.
func (c *client) getMachine(ctx context.Context, name string, version int) error {
	query := url.Values{}
	if version > 0 {
		query.Set("version", fmt.Sprint(version))
	}
	var sm stateMachine
	if err := c.get(ctx, "GET", machinePath(name, ""), query, nil, &sm); err != nil || c.json {
		return err
	}
	return printMachine(c.out, &sm)
}

func smListCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sm list", "[--limit N] [--cursor C] "+endpointHint,
		"stepwise sm list --endpoint http://localhost:8080 -o json", stderr)
	t := targetFlags(fs)
	paged := pageFlags(fs)
	if code, ok := parseArgs(fs, args, 0, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.listMachines(ctx, *paged.limit, *paged.cursor) })
}

// listMachines prints a page of state machines.
func (c *client) listMachines(ctx context.Context, limit int, cursor string) error {
	query := pageQuery(limit, cursor)
	var page struct {
		StateMachines []stateMachine `json:"stateMachines"`
		NextCursor    string         `json:"nextCursor"`
	}
	if err := c.get(ctx, "GET", "/v1/state-machines", query, nil, &page); err != nil || c.json {
		return err
	}
	return printMachines(c.out, page.StateMachines, page.NextCursor)
}

// paging is the --limit and --cursor flags of a list command.
type paging struct {
	limit  *int
	cursor *string
}

// pageFlags adds --limit and --cursor to fs.
func pageFlags(fs *flag.FlagSet) paging {
	return paging{limit: fs.Int("limit", 100, "list up to this many (at most 1000)"),
		cursor: fs.String("cursor", "", "the cursor the previous page printed (more: --cursor C)")}
}

// query is the page's limit and cursor as query parameters.
func (p paging) query() url.Values { return pageQuery(*p.limit, *p.cursor) }

// pageQuery is the query of a list page.
func pageQuery(limit int, cursor string) url.Values {
	query := url.Values{"limit": {fmt.Sprint(limit)}}
	if cursor != "" {
		query.Set("cursor", cursor)
	}
	return query
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
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.validate(ctx, file, spec) })
}

// diagnostic is one problem of a definition.
type diagnostic struct {
	Code    string `json:"code"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// validateLocally checks a definition and its input schema in this
// process, as CreateStateMachine would.
func validateLocally(file string, spec engine.MachineSpec, out io.Writer) error {
	var diags []diagnostic
	for _, d := range engine.ValidateMachineSpec(spec) {
		diags = append(diags, diagnostic{Code: d.Code, Pointer: d.Pointer, Message: d.Message})
	}
	return printDiagnostics(out, file, diags)
}

// validate checks a definition through the API.
func (c *client) validate(ctx context.Context, file string, spec engine.MachineSpec) error {
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

func smCheckCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sm check", "NAME "+endpointHint,
		"stepwise sm check greet --endpoint http://localhost:8080", stderr)
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(stderr, "\nLists the Task resources of the machine's latest version and the live workers\n"+
			"serving each (a worker is live when seen within "+engine.FunctionLive.String()+").\n"+
			"A service integration bound to an activity (serve --bind-activity) is served\n"+
			"by the activity, as bound by the process serving the API (with --database: none).\n"+
			"exit status: 0 when every resource is served (a live worker serves its function,\n"+
			"or its activity exists), 1 otherwise\n")
	}
	t := targetFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error { return c.checkMachine(ctx, fs.Arg(0)) })
}

// machineResource is one Task resource of GET
// /v1/state-machines/{name}/resources.
type machineResource struct {
	Resource string   `json:"resource"`
	Kind     string   `json:"kind"`
	Names    []string `json:"names"`
	ServedBy []struct {
		Name     string    `json:"name"`
		LastSeen time.Time `json:"lastSeen"`
		Live     bool      `json:"live"`
	} `json:"servedBy"`
	Activity string `json:"activity"`
	Status   string `json:"status"`
	Problem  string `json:"problem"`
}

// checkMachine prints the Task resources of a machine and what serves
// them; it returns errReported unless every one is served.
func (c *client) checkMachine(ctx context.Context, name string) error {
	var answer struct {
		Resources []machineResource `json:"resources"`
	}
	if err := c.get(ctx, "GET", machinePath(name, "/resources"), nil, nil, &answer); err != nil {
		return err
	}
	served := true
	for _, r := range answer.Resources {
		served = served && r.Status == "served"
	}
	if !c.json {
		if err := printResources(c.out, answer.Resources); err != nil {
			return err
		}
	}
	if !served {
		return errReported
	}
	return nil
}

// printResources prints the table of sm check, then each problem.
func printResources(out io.Writer, resources []machineResource) error {
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "RESOURCE\tKIND\tSTATUS\tSERVED BY")
	for _, r := range resources {
		by := make([]string, 0, len(r.ServedBy)+1)
		if r.Activity != "" {
			by = append(by, "activity "+r.Activity)
		}
		for _, f := range r.ServedBy {
			if f.Live {
				by = append(by, f.Name+" (live)")
			} else {
				by = append(by, f.Name+" (last seen "+timestamp(f.LastSeen)+")")
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.Resource, orDash(r.Kind), r.Status, orDash(strings.Join(by, ", ")))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for _, r := range resources {
		if r.Problem != "" {
			fmt.Fprintf(out, "%s: %s\n", r.Resource, r.Problem)
		}
	}
	return nil
}

// orDash is s, or "-" when s is empty.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
