package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Published versions and aliases of a state machine: sm publish, sm
// versions, sm delete-version and sm alias create|list|get|update|delete.

// publishedVersion is a published version as the REST API shows it.
type publishedVersion struct {
	ARN         string    `json:"arn"`
	Version     int       `json:"version"`
	Revision    int       `json:"revision"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"createdAt"`
}

func smPublishCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sm publish", "NAME [--description TEXT] [--revision N | --revision-id ID] "+endpointHint,
		`stepwise sm publish greet --description "first release" --endpoint http://localhost:8080`, stderr)
	t := targetFlags(fs)
	description := fs.String("description", "", "a description of the version (at most 256 characters)")
	revision := fs.Int("revision", 0, "publish only if this is the machine's current revision (sm get shows it as the version)")
	revisionID := fs.String("revision-id", "", "publish only if this is the revisionId of the machine's current revision (AWS's opaque identifier)")
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	body := map[string]any{}
	if *description != "" {
		body["description"] = *description
	}
	if *revision != 0 {
		body["revision"] = *revision
	}
	if *revisionID != "" {
		body["revisionId"] = *revisionID
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		var v publishedVersion
		if err := c.get(ctx, "POST", machinePath(fs.Arg(0), "/versions"), nil, body, &v); err != nil || c.json {
			return err
		}
		fmt.Fprintf(c.out, "version %d of %s runs its revision %d\narn: %s\n", v.Version, fs.Arg(0), v.Revision, v.ARN)
		return nil
	})
}

func smVersionsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sm versions", "NAME [--limit N] [--cursor C] "+endpointHint,
		"stepwise sm versions greet --endpoint http://localhost:8080", stderr)
	t := targetFlags(fs)
	paged := pageFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		var page struct {
			Versions   []publishedVersion `json:"versions"`
			NextCursor string             `json:"nextCursor"`
		}
		if err := c.get(ctx, "GET", machinePath(fs.Arg(0), "/versions"), paged.query(), nil, &page); err != nil || c.json {
			return err
		}
		w := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "VERSION\tREVISION\tCREATED\tDESCRIPTION")
		for _, v := range page.Versions {
			fmt.Fprintf(w, "%d\t%d\t%s\t%s\n", v.Version, v.Revision, timestamp(v.CreatedAt), orDash(v.Description))
		}
		return flushPage(w, c.out, page.NextCursor)
	})
}

func smDeleteVersionCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sm delete-version", "NAME VERSION "+endpointHint,
		"stepwise sm delete-version greet 3 --endpoint http://localhost:8080", stderr)
	t := targetFlags(fs)
	if code, ok := parseArgs(fs, args, 2, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		if err := c.get(ctx, "DELETE", machinePath(fs.Arg(0), "/versions/"+url.PathEscape(fs.Arg(1))), nil, nil, nil); err != nil || c.json {
			return err
		}
		fmt.Fprintf(c.out, "version %s of %s deleted; executions running it go on\n", fs.Arg(1), fs.Arg(0))
		return nil
	})
}

func smAliasCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return subcommands("sm alias", map[string]command{
		"create": smAliasCreateCmd,
		"list":   smAliasListCmd,
		"get":    onAlias("get", getAlias),
		"update": smAliasUpdateCmd,
		"delete": onAlias("delete", deleteAlias),
	})(ctx, args, stdout, stderr)
}

// alias is an alias as the REST API shows it.
type alias struct {
	ARN         string  `json:"arn"`
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Routes      []route `json:"routes"`
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// route is one version an alias routes to.
type route struct {
	Version int `json:"version"`
	Weight  int `json:"weight"`
}

// routes is the repeated --route VERSION=WEIGHT flag.
type routes []route

func (r *routes) String() string { return fmt.Sprint(len(*r)) }

func (r *routes) Set(s string) error {
	v, w, ok := strings.Cut(s, "=")
	version, err1 := strconv.Atoi(v)
	weight, err2 := strconv.Atoi(w)
	if !ok || err1 != nil || err2 != nil {
		return fmt.Errorf("%q is not VERSION=WEIGHT", s)
	}
	*r = append(*r, route{Version: version, Weight: weight})
	return nil
}

// aliasFlags are the flags of alias create and update.
type aliasFlags struct {
	routes      routes
	description *string
}

func newAliasFlags(fs *flag.FlagSet) *aliasFlags {
	f := &aliasFlags{}
	fs.Var(&f.routes, "route", "VERSION=WEIGHT: a published version and its share of the starts, in percent (once or twice; weights add to 100)")
	f.description = fs.String("description", "", "a description of the alias")
	return f
}

// body is the request body of alias create (name set) and update.
func (f *aliasFlags) body(name string, set map[string]bool) map[string]any {
	body := map[string]any{}
	if name != "" {
		body["name"] = name
	}
	if f.routes != nil {
		body["routes"] = f.routes
	}
	if set["description"] {
		body["description"] = *f.description
	}
	return body
}

func smAliasCreateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return aliasWrite(ctx, "create", args, stdout, stderr)
}

func smAliasUpdateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return aliasWrite(ctx, "update", args, stdout, stderr)
}

// aliasWrite creates (verb create) or updates an alias.
func aliasWrite(ctx context.Context, verb string, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sm alias "+verb, "MACHINE ALIAS --route VERSION=WEIGHT [--route VERSION=WEIGHT] [--description TEXT] "+endpointHint,
		"stepwise sm alias "+verb+" greet prod --route 1=90 --route 2=10 --endpoint http://localhost:8080", stderr)
	t := targetFlags(fs)
	f := newAliasFlags(fs)
	if code, ok := parseArgs(fs, args, 2, t); !ok {
		return code
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	machine, name := fs.Arg(0), fs.Arg(1)
	method, path, body := "PUT", aliasPath(machine, name), f.body("", set)
	if verb == "create" {
		method, path, body = "POST", machinePath(machine, "/aliases"), f.body(name, set)
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		var a alias
		if err := c.get(ctx, method, path, nil, body, &a); err != nil || c.json {
			return err
		}
		return printAlias(c.out, &a)
	})
}

// printAlias prints an alias with its routes.
func printAlias(out io.Writer, a *alias) error {
	fmt.Fprintf(out, "alias: %s\narn: %s\n", a.Name, a.ARN)
	if a.Description != "" {
		fmt.Fprintf(out, "description: %s\n", a.Description)
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "VERSION\tWEIGHT")
	for _, r := range a.Routes {
		fmt.Fprintf(w, "%d\t%d%%\n", r.Version, r.Weight)
	}
	return w.Flush()
}

// aliasPath is the REST path of an alias.
func aliasPath(machine, name string) string {
	return machinePath(machine, "/aliases/"+url.PathEscape(name))
}

// onAlias is a command of MACHINE ALIAS and no other flags than the
// target's, which runs fn.
func onAlias(verb string, fn func(ctx context.Context, c *client, machine, alias string) error) command {
	return func(ctx context.Context, args []string, stdout, stderr io.Writer) int {
		fs := newFlagSet("sm alias "+verb, "MACHINE ALIAS "+endpointHint,
			"stepwise sm alias "+verb+" greet prod --endpoint http://localhost:8080", stderr)
		t := targetFlags(fs)
		if code, ok := parseArgs(fs, args, 2, t); !ok {
			return code
		}
		return withClient(ctx, t, stdout, stderr, func(c *client) error { return fn(ctx, c, fs.Arg(0), fs.Arg(1)) })
	}
}

// getAlias prints an alias.
func getAlias(ctx context.Context, c *client, machine, name string) error {
	var a alias
	if err := c.get(ctx, "GET", aliasPath(machine, name), nil, nil, &a); err != nil || c.json {
		return err
	}
	return printAlias(c.out, &a)
}

// deleteAlias deletes an alias.
func deleteAlias(ctx context.Context, c *client, machine, name string) error {
	if err := c.get(ctx, "DELETE", aliasPath(machine, name), nil, nil, nil); err != nil || c.json {
		return err
	}
	fmt.Fprintf(c.out, "alias %s of %s deleted\n", name, machine)
	return nil
}

func smAliasListCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("sm alias list", "MACHINE [--version N] [--limit N] [--cursor C] "+endpointHint,
		"stepwise sm alias list greet --endpoint http://localhost:8080", stderr)
	t := targetFlags(fs)
	version := fs.Int("version", 0, "list only the aliases routing to this published version")
	paged := pageFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	query := paged.query()
	if *version > 0 {
		query.Set("version", strconv.Itoa(*version))
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		var page struct {
			Aliases    []alias `json:"aliases"`
			NextCursor string  `json:"nextCursor"`
		}
		if err := c.get(ctx, "GET", machinePath(fs.Arg(0), "/aliases"), query, nil, &page); err != nil || c.json {
			return err
		}
		w := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "ALIAS\tROUTES\tARN")
		for _, a := range page.Aliases {
			parts := make([]string, len(a.Routes))
			for i, r := range a.Routes {
				parts[i] = fmt.Sprintf("%d=%d%%", r.Version, r.Weight)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\n", a.Name, strings.Join(parts, " "), a.ARN)
		}
		return flushPage(w, c.out, page.NextCursor)
	})
}
