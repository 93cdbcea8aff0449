package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/mockconfig"
	"github.com/stepwise-run/stepwise/internal/spectest"
)

const testUsage = "usage: stepwise test SPEC... [--junit FILE] [--durable [--database URL] [--timeout 1m] [--unbound-grace 0s] [--bind-activity NAME=ACTIVITY]...]\n" +
	"example: stepwise test testdata/mocks/MockedOrders.spec.json --junit report.xml\n" +
	"exit codes: 0 every case passed, 1 a case failed, 2 a bad spec or usage"

func testCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	durable := fs.Bool("durable", false, "run the cases on the durable engine in PostgreSQL (--database), waiting really; unmocked Tasks of cases with realCalls go to registered workers")
	junit := fs.String("junit", "", "also write the report as JUnit XML to this file")
	timeout := fs.Duration("timeout", time.Minute, "with --durable: how long each case may run before it is stopped and fails")
	db := databaseFlag(fs)
	routing := addRoutingFlags(fs)
	if err := parseFlags(fs, args); err != nil || fs.NArg() == 0 {
		fmt.Fprintln(stderr, testUsage)
		return 2
	}
	specs := make([]*spectest.Spec, fs.NArg())
	for i, path := range fs.Args() {
		s, err := spectest.Load(path)
		if err != nil {
			fmt.Fprintf(stderr, "stepwise: bad spec: %v\n", err)
			return 2
		}
		specs[i] = s
	}
	opts := spectest.Options{Timeout: *timeout}
	if *durable {
		stop, err := durableOptions(ctx, *db, routing, &opts, stdout)
		if err != nil {
			return failed(stderr, err)
		}
		defer stop()
	}
	return testExit(stderr, runSpecs(ctx, specs, opts, stdout), *junit)
}

// durableOptions starts an engine on the database at url, creating and
// migrating it if needed, routing tasks as the flags say and serving mocks
// from a source the run sets per spec; stop stops it.
func durableOptions(ctx context.Context, url string, routing *routingFlags, opts *spectest.Options, out io.Writer) (stop func(), err error) {
	pool, err := prepareDatabase(ctx, url, out)
	if err != nil {
		return nil, err
	}
	opts.Mocks = mockconfig.Static(nil)
	cfg, err := routing.apply(&engine.Config{Drive: true, FetchPollInterval: 20 * time.Millisecond, Mocks: opts.Mocks})
	if err == nil {
		opts.Engine, err = startEngine(ctx, pool, cfg)
	}
	if err != nil {
		pool.Close()
		return nil, err
	}
	return func() {
		_ = stopEngine(opts.Engine, 10*time.Second)
		pool.Close()
	}, nil
}

// runSpecs runs each spec and writes its report.
func runSpecs(ctx context.Context, specs []*spectest.Spec, opts spectest.Options, out io.Writer) []*spectest.Report {
	reports := make([]*spectest.Report, len(specs))
	for i, s := range specs {
		reports[i] = spectest.Run(ctx, s, opts)
		_ = reports[i].Write(out)
	}
	return reports
}

// testExit writes the JUnit file, if asked, and returns 0 when every case
// passed, else 1.
func testExit(stderr io.Writer, reports []*spectest.Report, junit string) int {
	if junit != "" {
		if err := writeJUnit(junit, reports); err != nil {
			return failed(stderr, err)
		}
	}
	for _, r := range reports {
		if !r.Passed() {
			return 1
		}
	}
	return 0
}

func writeJUnit(path string, reports []*spectest.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := spectest.JUnit(f, reports...); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
