package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
)

// machine runs m from StartAt on a virtual clock that starts at now, with
// the workflow variables vars of the enclosing scope visible (and never
// changed: assignments live in this run of m). It returns the output or
// the failure, and the virtual time it ended.
func (r *run) machine(m *asl.StateMachine, input any, vars map[string]any, now time.Time) (any, *asl.Error, time.Time) {
	name, in := m.StartAt, input
	for {
		now = r.clock(now)
		if err := r.check(now); err != nil {
			return nil, err, now
		}
		typ := m.States[name].Common().Type
		r.now = now
		entered := r.emit(history.StateEntered(typ), name, nil)
		if entered != 0 {
			r.events[len(r.events)-1].Input = in
		}
		var d asl.Decision
		c := r.context(name, now, entered)
		c.Variables = vars
		d, now = r.state(m, name, in, c, now)
		r.now = now
		switch d.Kind {
		case asl.KindNext:
			r.exited(typ, name, d.Output, d.Assign)
			name, in = d.Next, d.Output
			vars = asl.Merge(vars, d.Assign)
		case asl.KindSucceed:
			r.exited(typ, name, d.Output, d.Assign)
			return d.Output, nil, now
		default:
			return nil, d.Error, now
		}
	}
}

// evaluationFailed records AWS's EvaluationFailed event for a state that
// failed evaluating a JSONata expression (then MapStateFailed or
// ParallelStateFailed for those states).
func (r *run) evaluationFailed(typ, name string, e *asl.Error) {
	if e == nil || e.Name != asl.ErrorQueryEvaluationError {
		return
	}
	r.emit(history.EvaluationFailed, name, e)
	if typ == "Map" || typ == "Parallel" {
		r.emit(typ+"StateFailed", name, e)
	}
}

// exited records a state's exit with its output and the variables it
// assigned.
func (r *run) exited(typ, name string, output any, assign map[string]any) {
	if r.emit(history.StateExited(typ), name, nil) == 0 {
		return
	}
	ev := &r.events[len(r.events)-1]
	ev.Output = output
	if len(assign) == 0 {
		return
	}
	ev.AssignedVariables = make(map[string]string, len(assign))
	for k, v := range assign {
		ev.AssignedVariables[k] = asl.EncodeJSON(v)
	}
}

// context is the step context for entering state name at now.
func (r *run) context(name string, now time.Time, entered int64) *asl.Context {
	c := r.base
	c.StateName = name
	c.StateEnteredTime = now
	c.EnteredEventID = entered
	c.Now = now
	c.TaskToken = fmt.Sprintf("local-token-%s-%d", c.Execution.Name, entered)
	return &c
}

// state steps state name until it moves on, succeeds or fails, running
// the tasks, timers, branches and retries it asks for on the way.
func (r *run) state(m *asl.StateMachine, name string, in any, c *asl.Context, now time.Time) (asl.Decision, time.Time) {
	d := m.Enter(name, in, c)
	if d.Kind == asl.KindFail {
		r.evaluationFailed(m.States[name].Common().Type, name, d.Error)
	}
	for {
		switch d.Kind {
		case asl.KindTask:
			d, now = r.task(m, name, in, c, d.Task, now)
		case asl.KindParallel:
			d, now = r.parallel(m, name, in, c, d, now)
		case asl.KindMap:
			d, now = r.mapState(m, name, in, c, d.Map, now)
		case asl.KindWait:
			var failure *asl.Error
			if now, failure = r.sleepUntil(now, d.Until); failure != nil {
				return asl.Decision{Kind: asl.KindFail, Error: failure}, now
			}
			if d.Next == "" {
				return asl.Decision{Kind: asl.KindSucceed, Output: d.Output, Assign: d.Assign}, now
			}
			return asl.Decision{Kind: asl.KindNext, Next: d.Next, Output: d.Output, Assign: d.Assign}, now
		case asl.KindRetry:
			if err := r.ctx.Err(); err != nil {
				return asl.Decision{Kind: asl.KindFail, Error: r.abort(err)}, now
			}
			var failure *asl.Error
			if now, failure = r.sleepUntil(now, now.Add(d.Delay)); failure != nil {
				return asl.Decision{Kind: asl.KindFail, Error: failure}, now
			}
			c = retried(c, d.Retrier, now)
			d = m.Enter(name, in, c)
		default:
			return d, now
		}
	}
}

// retried is c after one more use of retrier i.
func retried(c *asl.Context, i int, now time.Time) *asl.Context {
	next := *c
	next.Retries = make([]int, max(len(c.Retries), i+1))
	copy(next.Retries, c.Retries)
	next.Retries[i]++
	next.StateRetryCount++
	next.Now = now
	next.Invalidate()
	return &next
}

func (r *run) task(m *asl.StateMachine, name string, in any, c *asl.Context, call *asl.TaskCall, now time.Time) (asl.Decision, time.Time) {
	r.now = now
	r.emit(history.TaskScheduled, name, nil)
	r.emit(history.TaskStarted, name, nil)
	result, err := r.callTask(call, c.TaskToken)
	now = r.clock(now)
	r.now = now
	if err != nil {
		e := asl.AsError(err)
		typ := history.TaskFailed
		if e.Name == asl.ErrorTimeout {
			typ = history.TaskTimedOut
		}
		r.emit(typ, name, e)
		return m.Failed(name, in, e, c), now
	}
	r.emit(history.TaskSucceeded, name, nil)
	return m.Complete(name, in, result, c), now
}

func (r *run) callTask(call *asl.TaskCall, token string) (any, error) {
	if r.cfg.Tasks == nil {
		return nil, asl.NewError(asl.ErrorTaskFailed, "no task handler is configured for resource %s", call.Resource)
	}
	ctx, cancel := context.WithTimeout(r.ctx, time.Duration(call.TimeoutSeconds)*time.Second)
	defer cancel()
	result, err := r.cfg.Tasks(ctx, call, token)
	if err != nil && ctx.Err() == context.DeadlineExceeded && r.ctx.Err() == nil {
		return nil, asl.NewError(asl.ErrorTimeout, "Task timed out after %d seconds", call.TimeoutSeconds)
	}
	return result, err
}

func (r *run) parallel(m *asl.StateMachine, name string, in any, c *asl.Context, d asl.Decision, now time.Time) (asl.Decision, time.Time) {
	r.now = now
	r.emit(history.ParallelStateStarted, name, nil)
	results, failure, end := r.branches(d, c.Variables, now)
	r.now = end
	if failure != nil {
		return r.failed(m, name, in, c, failure, history.ParallelStateFailed), end
	}
	r.emit(history.ParallelStateSucceeded, name, nil)
	return m.Complete(name, in, results, c), end
}

// branches runs a Parallel decision's branches from now, each seeing the
// variables vars, and returns their outputs in branch order, or the first
// failure, with the virtual time they ended.
func (r *run) branches(d asl.Decision, vars map[string]any, now time.Time) ([]any, *asl.Error, time.Time) {
	if r.concurrent() {
		return r.branchesAtOnce(d, vars, now)
	}
	results := make([]any, len(d.Branches))
	end := now
	for i, branch := range d.Branches {
		out, failure, t := r.machine(branch, d.Input, vars, now)
		if failure != nil {
			return nil, failure, t
		}
		results[i] = out
		end = later(end, t)
	}
	return results, nil, end
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// failed applies Retry and Catch to a Parallel or Map state's failure and
// records the state's failed event unless it is retried.
func (r *run) failed(m *asl.StateMachine, name string, in any, c *asl.Context, failure *asl.Error, event string) asl.Decision {
	d := m.Failed(name, in, failure, c)
	if d.Kind != asl.KindRetry {
		r.emit(event, name, failure)
	}
	return d
}
