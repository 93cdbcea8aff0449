package runner

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/asl"
)

// In real time without events (Config.RealTime and Config.NoEvents, as
// Express executions run), Parallel branches and Map iterations run at
// once, each in a fork of the run on its own goroutine, so their Waits
// and Tasks overlap as on AWS. The first failure cancels the forks still
// running. On the virtual clock, or with events, they run one after
// another, which keeps runs deterministic and histories ordered.

// concurrent reports whether branches and iterations run at once.
func (r *run) concurrent() bool { return r.cfg.RealTime && r.cfg.NoEvents }

// fork is a copy of r for one branch or iteration, under ctx, with its
// own random source (seeded from r's, in the caller's goroutine) and
// transition count, allowed the transitions r has left.
func (r *run) fork(ctx context.Context) *run {
	f := *r
	f.ctx, f.err, f.events = ctx, nil, nil
	f.transitions, f.limit = 0, r.limit-r.transitions
	f.base.Rand = rand.New(rand.NewPCG(r.base.Rand.Uint64(), r.base.Rand.Uint64()))
	return &f
}

// join takes the forks' transitions, time-outs and run errors back into
// r. A fork that stopped only because a sibling's failure cancelled it
// brings back nothing but its transitions.
func (r *run) join(forks []*run, cancelled func(*run) bool) {
	for _, f := range forks {
		r.transitions += f.transitions
		r.timedOut = r.timedOut || f.timedOut
		if f.err != nil && !cancelled(f) && r.err == nil {
			r.err = f.err
		}
	}
}

// forked runs each of n jobs in a fork of r at once, at most limit at a
// time (0: no limit). A job reports whether it failed; the first failure
// for which stop says so cancels the jobs still to finish. It returns the
// forks, with a test for those stopped by that cancellation.
func (r *run) forked(n, limit int, job func(f *run, i int) (failed bool), stop func() bool) ([]*run, func(*run) bool) {
	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	forks := make([]*run, n)
	for i := range forks {
		forks[i] = r.fork(ctx)
	}
	if limit <= 0 || limit > n {
		limit = max(n, 1)
	}
	slots := make(chan struct{}, limit)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, f := range forks {
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			if err := ctx.Err(); err != nil {
				f.err = err // never started
				return
			}
			if job(f, i) {
				mu.Lock()
				if stop() {
					cancel()
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	cancelled := func(f *run) bool { return r.ctx.Err() == nil && errors.Is(f.err, context.Canceled) }
	return forks, cancelled
}

// branchesAtOnce is branches for concurrent runs: the outputs in branch
// order, or the failure of the lowest-numbered branch that failed on its
// own, and the time they ended.
func (r *run) branchesAtOnce(d asl.Decision, vars map[string]any, now time.Time) ([]any, *asl.Error, time.Time) {
	results := make([]any, len(d.Branches))
	failures := make([]*asl.Error, len(d.Branches))
	forks, cancelled := r.forked(len(d.Branches), 0, func(f *run, i int) bool {
		results[i], failures[i], _ = f.machine(d.Branches[i], d.Input, vars, now)
		return failures[i] != nil
	}, func() bool { return true })
	r.join(forks, cancelled)
	for i, failure := range failures {
		if failure != nil && !cancelled(forks[i]) {
			return nil, failure, r.clock(now)
		}
	}
	if err := r.ctx.Err(); err != nil {
		return nil, r.abort(err), r.clock(now)
	}
	return results, nil, r.clock(now)
}

// iterationsAtOnce is iterations for concurrent runs: at most
// MaxConcurrency at a time, each failure counted against the Map's
// tolerance, whose breach cancels the iterations still running.
func (r *run) iterationsAtOnce(name string, c *asl.Context, mr *asl.MapRun, now time.Time, distributed bool) ([]any, *asl.Error, time.Time) {
	n := len(mr.Items)
	results := make([]any, n)
	failures := make([]*asl.Error, n)
	failed := 0
	forks, cancelled := r.forked(n, atOnce(mr, distributed), func(f *run, i int) bool {
		results[i], failures[i], _ = f.iteration(name, c, mr, i, now, distributed)
		return failures[i] != nil
	}, func() bool {
		failed++
		return mr.Exceeded(failed, n)
	})
	r.join(forks, cancelled)
	failed = 0
	for i, failure := range failures {
		if failure == nil || cancelled(forks[i]) {
			continue
		}
		failed++
		if mr.Exceeded(failed, n) {
			return nil, thresholdError(mr, failure), r.clock(now)
		}
		results[i] = map[string]any{"Error": failure.Name, "Cause": failure.Cause}
	}
	if err := r.ctx.Err(); err != nil {
		return nil, r.abort(err), r.clock(now)
	}
	return results, nil, r.clock(now)
}

// Most iterations a Map runs at once: AWS runs an inline Map's iterations
// up to 40 at a time; a distributed Map's children are bounded here to
// keep goroutines in check.
const (
	inlineAtOnce      = 40
	distributedAtOnce = 1000
)

// atOnce is how many iterations of mr run at once: its MaxConcurrency,
// within the bound of its mode.
func atOnce(mr *asl.MapRun, distributed bool) int {
	bound := inlineAtOnce
	if distributed {
		bound = distributedAtOnce
	}
	if mr.MaxConcurrency <= 0 {
		return bound
	}
	return min(mr.MaxConcurrency, bound)
}
