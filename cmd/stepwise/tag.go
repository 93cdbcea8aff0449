package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
)

// stepwise tag list|add|remove: the tags of a state machine, or with
// --activity of an activity (REST …/{name}/tags).

func tagCmd() command {
	return subcommands("tag", map[string]command{
		"list":   tagListCmd,
		"add":    tagAddCmd,
		"remove": tagRemoveCmd,
	})
}

// tagsBody is the REST API's tags object.
type tagsBody struct {
	Tags map[string]string `json:"tags"`
}

// tagFlags adds --activity to fs and returns the target flags.
func tagFlags(fs *flag.FlagSet) (*target, *bool) {
	return targetFlags(fs), fs.Bool("activity", false, "NAME is an activity, not a state machine")
}

// tagsPath is the REST path of the tags of NAME.
func tagsPath(name string, activity bool) string {
	kind := "state-machines"
	if activity {
		kind = "activities"
	}
	return "/v1/" + kind + "/" + url.PathEscape(name) + "/tags"
}

func tagListCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("tag list", "NAME [--activity] "+endpointHint, "stepwise tag list orders", stderr)
	t, activity := tagFlags(fs)
	if code, ok := parseArgs(fs, args, 1, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		return c.tags(ctx, "GET", tagsPath(fs.Arg(0), *activity), nil)
	})
}

func tagAddCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("tag add", "NAME KEY=VALUE[,KEY=VALUE...] [--activity] "+endpointHint,
		"stepwise tag add orders team=payments,env=prod", stderr)
	t, activity := tagFlags(fs)
	if code, ok := parseArgs(fs, args, 2, t); !ok {
		return code
	}
	body := tagsBody{Tags: map[string]string{}}
	for _, kv := range strings.Split(fs.Arg(1), ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return failed(stderr, fmt.Errorf("%q is not KEY=VALUE (tags hold no commas)", kv))
		}
		body.Tags[k] = v
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		return c.tags(ctx, "POST", tagsPath(fs.Arg(0), *activity), body)
	})
}

func tagRemoveCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("tag remove", "NAME KEY[,KEY...] [--activity] "+endpointHint, "stepwise tag remove orders env", stderr)
	t, activity := tagFlags(fs)
	if code, ok := parseArgs(fs, args, 2, t); !ok {
		return code
	}
	return withClient(ctx, t, stdout, stderr, func(c *client) error {
		path := tagsPath(fs.Arg(0), *activity)
		for _, key := range strings.Split(fs.Arg(1), ",") {
			if _, _, err := c.call(ctx, "DELETE", path+"/"+url.PathEscape(key), nil, nil); err != nil {
				return err
			}
		}
		return c.tags(ctx, "GET", path, nil)
	})
}

// tags sends a tags request and prints the tags it answers, KEY=VALUE a
// line in key order.
func (c *client) tags(ctx context.Context, method, path string, body any) error {
	var out tagsBody
	if err := c.get(ctx, method, path, nil, body, &out); err != nil || c.json {
		return err
	}
	keys := make([]string, 0, len(out.Tags))
	for k := range out.Tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(c.out, "%s=%s\n", k, out.Tags[k])
	}
	return nil
}
