package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/stepwise-run/stepwise/engine"
)

func smCmd() command {
	return subcommands("sm", map[string]command{
		"create": smCreateCmd,
		"update": smUpdateCmd,
	})
}

func smCreateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return smWrite(ctx, "create", args, stdout, stderr, func(c *client, name string, spec engine.MachineSpec) error {
		sm, v, err := c.CreateStateMachine(ctx, name, spec)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created state machine %s (version %d)\narn: %s\n", sm.Name, v.Version, sm.ARN)
		return nil
	})
}

func smUpdateCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return smWrite(ctx, "update", args, stdout, stderr, func(c *client, name string, spec engine.MachineSpec) error {
		v, err := c.UpdateStateMachine(ctx, name, spec)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "updated state machine %s to version %d; running executions keep their version\n", name, v.Version)
		return nil
	})
}

// smWrite parses "NAME FILE [--input-schema FILE]" and calls write with
// the definition read from FILE.
func smWrite(ctx context.Context, verb string, args []string, stdout, stderr io.Writer, write func(*client, string, engine.MachineSpec) error) int {
	fs := flag.NewFlagSet("sm "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := databaseFlag(fs)
	schema := fs.String("input-schema", "", "a JSON Schema file every execution input must satisfy")
	if err := parseFlags(fs, args); err != nil || fs.NArg() != 2 {
		fmt.Fprintf(stderr, "usage: stepwise sm %s NAME FILE [--input-schema FILE] [--database URL]\n", verb)
		return 2
	}
	spec, err := readSpec(fs.Arg(1), *schema)
	if err != nil {
		return failed(stderr, err)
	}
	return withClient(ctx, *db, stderr, func(c *client) error {
		return write(c, fs.Arg(0), spec)
	})
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
