package runner

import (
	"context"

	"github.com/stepwise-run/stepwise/asl"
)

// Branches runs the branches of a KindParallel decision d in memory, as
// Run runs a machine, in the context c of the Parallel state (its
// variables are the branches' enclosing scope). It returns the branches'
// outputs in order, or the failure of the first branch that failed; the
// error is only for a run that could not be carried out (see Run).
// Config.Start is ignored: the branches start at c.Now.
func Branches(ctx context.Context, d asl.Decision, c *asl.Context, cfg *Config) ([]any, *asl.Error, error) {
	r := partRun(ctx, c, cfg)
	results, failure, _ := r.branches(d, c.Variables, c.Now)
	return results, failure, r.err
}

// Iterations runs the iterations of a Map state's run in memory, in the
// context c of the Map state, applying the run's tolerated-failure
// settings. It returns the iterations' outputs in item order (a tolerated
// failure's place holds its Error and Cause), or the error that fails the
// Map; the error is only for a run that could not be carried out.
// Config.Start is ignored: the iterations start at c.Now.
func Iterations(ctx context.Context, run *asl.MapRun, c *asl.Context, cfg *Config) ([]any, *asl.Error, error) {
	if run.Err != nil {
		return nil, run.Err, nil
	}
	r := partRun(ctx, c, cfg)
	results, failure, _ := r.iterations(c.StateName, c, run, c.Now, run.State.Mode == asl.ModeDistributed)
	return results, failure, r.err
}

// partRun is a run of a part of an execution, in the context c of the
// state that holds it: it records no events.
func partRun(ctx context.Context, c *asl.Context, cfg *Config) *run {
	if cfg == nil {
		cfg = &Config{}
	}
	quiet := *cfg
	quiet.NoEvents = true
	r := newRun(ctx, &asl.StateMachine{}, nil, &quiet)
	r.base = *c
	r.base.Invalidate()
	r.start, r.now = c.Now, c.Now
	return r
}
