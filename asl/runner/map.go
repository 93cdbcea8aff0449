package runner

import (
	"time"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
)

// mapState runs a Map's iterations in item order. Each starts on the
// virtual clock when one of MaxConcurrency slots frees up, so the Map takes
// the virtual time a real run with that concurrency would.
func (r *run) mapState(m *asl.StateMachine, name string, in any, c *asl.Context, run *asl.MapRun, now time.Time) (asl.Decision, time.Time) {
	r.now = now
	r.emit(history.MapStateStarted, name, nil)
	if run.Err != nil {
		return asl.Decision{Kind: asl.KindFail, Error: run.Err}, now
	}
	distributed := run.State.Mode == asl.ModeDistributed
	if distributed {
		r.emit(history.MapRunStarted, name, nil)
	}
	results, failure, end := r.iterations(name, c, run, now, distributed)
	r.now = end
	if failure != nil {
		if distributed {
			r.emit(history.MapRunFailed, name, failure)
		}
		return r.failed(m, name, in, c, failure, history.MapStateFailed), end
	}
	if distributed {
		r.emit(history.MapRunSucceeded, name, nil)
	}
	r.emit(history.MapStateSucceeded, name, nil)
	return m.Complete(name, in, results, c), end
}

func (r *run) iterations(name string, c *asl.Context, run *asl.MapRun, now time.Time, distributed bool) ([]any, *asl.Error, time.Time) {
	if r.concurrent() {
		return r.iterationsAtOnce(name, c, run, now, distributed)
	}
	n := len(run.Items)
	results := make([]any, n)
	slots := newSlots(run.MaxConcurrency, n, now)
	failed := 0
	for i := range run.Items {
		start := slots.next()
		out, failure, t := r.iteration(name, c, run, i, start, distributed)
		slots.release(t)
		if failure == nil {
			results[i] = out
			continue
		}
		failed++
		if run.Exceeded(failed, n) {
			return nil, thresholdError(run, failure), slots.end()
		}
		results[i] = map[string]any{"Error": failure.Name, "Cause": failure.Cause}
	}
	return results, nil, slots.end()
}

// thresholdError is the error a Map fails with when its tolerance is
// broken: the iteration's own error when no tolerance was set.
func thresholdError(run *asl.MapRun, failure *asl.Error) *asl.Error {
	if run.ToleratesNone() {
		return failure
	}
	return asl.NewError(asl.ErrorExceedToleratedFailureThreshold,
		"The specified tolerated failure threshold was exceeded")
}

func (r *run) iteration(name string, c *asl.Context, run *asl.MapRun, i int, start time.Time, distributed bool) (any, *asl.Error, time.Time) {
	ic := *c
	ic.MapItem = &asl.MapItem{Index: i, Value: run.Items[i]}
	ic.Invalidate()
	input, err := run.ItemInput(i, &ic)
	if err != nil {
		return nil, err, start
	}
	if distributed {
		r.quiet++
		defer func() { r.quiet-- }()
	}
	r.now = start
	r.emit(history.MapIterationStarted, name, nil)
	vars := c.Variables
	if distributed {
		// A distributed Map's iterations are child executions on AWS: they
		// do not see the variables of the scopes around the Map.
		vars = nil
	}
	out, failure, end := r.machine(run.State.Processor, input, vars, start)
	r.now = end
	if failure != nil {
		r.emit(history.MapIterationFailed, name, failure)
	} else {
		r.emit(history.MapIterationSucceeded, name, nil)
	}
	return out, failure, end
}

// slots tracks when each of a Map's concurrent slots is next free.
type slots struct {
	free []time.Time
	cur  int
}

func newSlots(limit, items int, now time.Time) *slots {
	n := limit
	if n <= 0 || n > items {
		n = max(items, 1)
	}
	s := &slots{free: make([]time.Time, n)}
	for i := range s.free {
		s.free[i] = now
	}
	return s
}

// next picks the slot that frees first and returns when it does.
func (s *slots) next() time.Time {
	s.cur = 0
	for i, t := range s.free {
		if t.Before(s.free[s.cur]) {
			s.cur = i
		}
	}
	return s.free[s.cur]
}

func (s *slots) release(t time.Time) { s.free[s.cur] = t }

func (s *slots) end() time.Time {
	end := s.free[0]
	for _, t := range s.free {
		end = later(end, t)
	}
	return end
}
