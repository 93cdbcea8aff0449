package spectest

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/mockconfig"
)

// Modes of a run, as reports name them.
const (
	ModeMemory  = "memory"
	ModeDurable = "durable"
)

// Options hold a run's settings; the zero value runs in memory.
type Options struct {
	// Engine runs the cases durably when set: it must drive executions
	// (Config.Drive, here or in another process on its database) and
	// have been built with Mocks as its Config.Mocks. nil runs the cases
	// in memory on a virtual clock.
	Engine *engine.Engine
	// Mocks is the engine's mock configuration source; a durable Run
	// serves the spec's mocks from it while it runs the spec's cases.
	// Required with Engine, unused without.
	Mocks *mockconfig.Source
	// Tasks serves, in memory, the Task states that a case allowing real
	// calls does not mock; nil fails them with States.Runtime.
	Tasks runner.TaskHandler
	// Timeout bounds each durable case; 0 means a minute.
	Timeout time.Duration
}

// Run runs every case of s and reports how each did against its
// expectations. A case whose execution could not run has its Err set.
func Run(ctx context.Context, s *Spec, o Options) *Report {
	r := &Report{Spec: s.Path, Mode: ModeMemory}
	start := time.Now()
	var setup error
	if o.Engine != nil {
		r.Mode = ModeDurable
		setup = prepareDurable(ctx, s, o)
	}
	for _, c := range s.Cases {
		r.Cases = append(r.Cases, runCase(ctx, s, c, o, setup))
	}
	r.Duration = time.Since(start)
	return r
}

// runCase runs one case and checks it; setup is why the durable run could
// not be prepared, if it could not.
func runCase(ctx context.Context, s *Spec, c *Case, o Options, setup error) CaseResult {
	res := CaseResult{Name: c.Name, Err: setup, Skipped: c.DurableOnly && o.Engine == nil}
	if setup != nil || res.Skipped {
		return res
	}
	start := time.Now()
	var out *outcome
	if o.Engine != nil {
		out, res.Err = runDurable(ctx, s, c, o)
	} else {
		out, res.Err = runMemory(ctx, s, c, o)
	}
	res.Duration = time.Since(start)
	if res.Err == nil {
		res.Failures = check(c.Expect, out)
	}
	return res
}
