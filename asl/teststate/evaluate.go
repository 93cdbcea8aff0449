package teststate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
)

// evaluation is one run of Evaluate: the state in a machine of its own,
// the step context, and what the state's work produced, for the
// inspection data.
type evaluation struct {
	ctx  context.Context
	req  *Request
	m    *asl.StateMachine
	name string
	c    *asl.Context
	// args is a Task's or Parallel's input after Parameters (Arguments),
	// set when hasArgs; mapRun is a Map's run.
	args    any
	hasArgs bool
	mapRun  *asl.MapRun
	// res is the work's result, set when hasRes.
	res    any
	hasRes bool
	// blocked is the error of an inner Task that needs a mock; stop ends
	// the inner run then.
	blocked error
	stop    context.CancelFunc
}

func newEvaluation(ctx context.Context, req *Request) *evaluation {
	st := req.State
	name := st.Common().Name
	c := asl.Context{}
	if req.Context != nil {
		c = *req.Context
	}
	c.StateName = name
	if req.Settings.RetrierRetryCount > 0 {
		c.StateRetryCount = req.Settings.RetrierRetryCount
	}
	// Whichever retrier handles the error has retried this often: the
	// step function consults only the first retrier that matches.
	c.Retries = make([]int, len(st.Common().Retry))
	for i := range c.Retries {
		c.Retries[i] = req.Settings.RetrierRetryCount
	}
	c.Invalidate()
	m := &asl.StateMachine{StartAt: name, States: map[string]asl.State{name: st}, QueryLanguage: st.Common().QueryLanguage}
	return &evaluation{ctx: ctx, req: req, m: m, name: name, c: &c, stop: func() {}}
}

// decide enters the state, obtains the result of its work if it has any,
// and returns the decision that ends the state's attempt.
func (ev *evaluation) decide() (asl.Decision, error) {
	d := ev.m.Enter(ev.name, ev.req.Input, ev.c)
	var (
		result  any
		failure *asl.Error
		err     error
	)
	switch d.Kind {
	case asl.KindTask:
		ev.args, ev.hasArgs = d.Task.Input, true
		result, failure, err = ev.task(d.Task)
	case asl.KindParallel:
		ev.args, ev.hasArgs = d.Input, true
		result, failure, err = ev.parallel(d)
	case asl.KindMap:
		ev.mapRun = d.Map
		result, failure, err = ev.mapState(d.Map)
	default:
		return d, nil
	}
	if err != nil {
		return asl.Decision{}, err
	}
	if failure != nil {
		return ev.m.Failed(ev.name, ev.req.Input, failure, ev.c), nil
	}
	ev.res, ev.hasRes = result, true
	return ev.m.Complete(ev.name, ev.req.Input, result, ev.c), nil
}

// mocked returns the mock's outcome.
func (ev *evaluation) mocked() (any, *asl.Error) {
	m := ev.req.Mock
	if m.Error != nil {
		e := *m.Error
		return nil, &e
	}
	return m.Result, nil
}

// task runs a Task's call, or takes its mock.
func (ev *evaluation) task(call *asl.TaskCall) (any, *asl.Error, error) {
	if ev.req.Mock != nil {
		result, failure := ev.mocked()
		return result, failure, nil
	}
	ctx, cancel := ev.taskContext(call)
	defer cancel()
	result, err := ev.tasks()(ctx, call, ev.c.TaskToken)
	if ev.blocked != nil {
		return nil, nil, ev.blocked
	}
	if err == nil {
		return result, nil, nil
	}
	switch {
	case errors.Is(ev.ctx.Err(), context.Canceled):
		return nil, nil, ev.ctx.Err()
	case errors.Is(ev.ctx.Err(), context.DeadlineExceeded):
		return nil, asl.NewError(asl.ErrorTimeout, "The state ran longer than the TestState run may last"), nil
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return nil, asl.NewError(asl.ErrorTimeout, "Task timed out after %d seconds", call.TimeoutSeconds), nil
	}
	return nil, asl.AsError(err), nil
}

// taskContext bounds a call by its TimeoutSeconds.
func (ev *evaluation) taskContext(call *asl.TaskCall) (context.Context, context.CancelFunc) {
	if call.TimeoutSeconds <= 0 || call.TimeoutSeconds >= asl.DefaultTaskTimeout {
		return context.WithCancel(ev.ctx)
	}
	return context.WithTimeout(ev.ctx, time.Duration(call.TimeoutSeconds)*time.Second)
}

// tasks is Request.Tasks, remembering a call that needs a mock.
func (ev *evaluation) tasks() runner.TaskHandler {
	return func(ctx context.Context, call *asl.TaskCall, token string) (any, error) {
		if ev.req.Tasks == nil {
			ev.block(fmt.Errorf("%w: state %q calls %s, which this server cannot run here", ErrMockRequired, call.State, call.Resource))
			return nil, ev.blocked
		}
		out, err := ev.req.Tasks(ctx, call, token)
		if errors.Is(err, ErrMockRequired) {
			ev.block(err)
		}
		return out, err
	}
}

// block records the first Task that needs a mock and stops the inner run.
func (ev *evaluation) block(err error) {
	if ev.blocked == nil {
		ev.blocked = err
	}
	ev.stop()
}

// innerContext is the context of an inner run, which block stops.
func (ev *evaluation) innerContext() context.Context {
	ctx, cancel := context.WithCancel(ev.ctx)
	ev.stop = cancel
	return ctx
}

// parallel runs a Parallel's branches in memory, or takes its mock.
func (ev *evaluation) parallel(d asl.Decision) (any, *asl.Error, error) {
	if ev.req.Mock != nil {
		result, failure := ev.mocked()
		return result, failure, nil
	}
	results, failure, err := runner.Branches(ev.innerContext(), d, ev.c, &runner.Config{Tasks: ev.tasks()})
	ev.stop()
	return ev.inner(results, failure, err)
}

// mapState runs a Map's iterations in memory, or takes its mock judged
// against the Map's tolerated failures.
func (ev *evaluation) mapState(run *asl.MapRun) (any, *asl.Error, error) {
	if ev.req.Mock == nil {
		results, failure, err := runner.Iterations(ev.innerContext(), run, ev.c, &runner.Config{Tasks: ev.tasks()})
		ev.stop()
		return ev.inner(results, failure, err)
	}
	if run.Err != nil {
		return nil, run.Err, nil
	}
	if n := ev.req.Settings.MapIterationFailureCount; n != nil && run.Exceeded(*n, max(len(run.Items), 1)) {
		if !run.ToleratesNone() || ev.req.Mock.Error == nil {
			return nil, asl.NewError(asl.ErrorExceedToleratedFailureThreshold,
				"The specified tolerated failure threshold was exceeded"), nil
		}
	}
	result, failure := ev.mocked()
	return result, failure, nil
}

// inner ends a run of branches or iterations: an inner Task that needs a
// mock, or a run that could not be carried out, is the request's error.
func (ev *evaluation) inner(results []any, failure *asl.Error, err error) (any, *asl.Error, error) {
	switch {
	case ev.blocked != nil:
		return nil, nil, ev.blocked
	case err != nil:
		return nil, nil, err
	case failure != nil:
		return nil, failure, nil
	}
	return results, nil, nil
}
