package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"

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
// With a mock configuration, SIGHUP (hup) reloads it until ctx ends. nil
// flags (options built without a flag set) leave the defaults.
func (f *testingFlags) apply(ctx context.Context, cfg *engine.Config, hup *hangup) error {
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
	hup.add(ctx, reloader{what: "mock configuration", files: src.Path(), reload: src.Reload})
	return nil
}
