package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/mockconfig"
)

// Step Functions Local's environment variables, read under the same names.
const (
	mockConfigEnv    = "SFN_MOCK_CONFIG"
	waitTimeScaleEnv = "WAIT_TIME_SCALE"
)

// testingFlags are the flags of serve, worker and dev that turn a server
// into a test double of Step Functions Local: --mock-config and
// --wait-time-scale, defaulting to its environment variables.
type testingFlags struct {
	mockConfig string
	waitScale  string
}

// addTestingFlags adds --mock-config and --wait-time-scale to fs.
func addTestingFlags(fs *flag.FlagSet) *testingFlags {
	f := &testingFlags{}
	fs.StringVar(&f.mockConfig, "mock-config", os.Getenv(mockConfigEnv), "Step Functions Local's mock configuration `FILE` (default $"+mockConfigEnv+"): "+
		"executions started with STATE_MACHINE_ARN#TEST_CASE answer the Task states that test case mocks from it; reloaded on SIGHUP")
	fs.StringVar(&f.waitScale, "wait-time-scale", os.Getenv(waitTimeScaleEnv), "multiply the time Wait states and retry intervals take by this `FACTOR` "+
		"(default $"+waitTimeScaleEnv+", else 1): 0 ends them at once; definitions and the events they write are unchanged")
	return f
}

// apply loads the mock configuration and sets the engine's test settings
// from the flags; a malformed file is an error naming its JSON pointer.
// With a mock configuration, SIGHUP reloads it until ctx ends. nil flags
// (options built without a flag set) leave the defaults.
func (f *testingFlags) apply(ctx context.Context, cfg *engine.Config, out, stderr io.Writer) error {
	if f == nil {
		return nil
	}
	if f.waitScale != "" {
		scale, err := strconv.ParseFloat(f.waitScale, 64)
		if err != nil || scale < 0 {
			return fmt.Errorf("--wait-time-scale (or $%s) %q: want a factor of 0 or more, such as 0 or 0.01", waitTimeScaleEnv, f.waitScale)
		}
		cfg.WaitTimeScale = &scale
	}
	if f.mockConfig == "" {
		return nil
	}
	src, err := mockconfig.NewSource(f.mockConfig)
	if err != nil {
		return err
	}
	cfg.Mocks = src
	go reloadOnHangup(ctx, src, out, stderr)
	return nil
}

// reloadOnHangup reloads src on every SIGHUP until ctx ends, keeping the
// configuration in use when the file has become malformed.
func reloadOnHangup(ctx context.Context, src *mockconfig.Source, out, stderr io.Writer) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if err := src.Reload(); err != nil {
				fmt.Fprintf(stderr, "stepwise: the mock configuration was not reloaded, the previous one stays in use: %v\n", err)
				continue
			}
			fmt.Fprintf(out, "stepwise: mock configuration reloaded from %s\n", src.Path())
		}
	}
}
