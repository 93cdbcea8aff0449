package engine

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// An EXPRESS execution started by StartSyncExpress runs in memory in this
// process, on the wall clock, with the asl/runner package: nothing but
// its log records is written for it (no execution row, no history), so it
// cannot be described, listed, stopped or redriven afterwards, as on AWS.
// Its Task states call the functions this process serves
// (Config.Functions) right here, and those of workers in other processes
// through River (express_remote.go); they start nested executions
// through StartExecution (nested.go), and a start with a test case of
// the mock configuration answers the states it mocks from it (mocks.go).

// ExpressResult is how an EXPRESS execution ended: AWS's
// StartSyncExecution answer.
type ExpressResult struct {
	// ExecutionARN is arn:PARTITION:states:REGION:ACCOUNT:express:MACHINE:NAME:ID.
	ExecutionARN    string
	StateMachineARN string
	Name            string
	// Version is the machine version it ran.
	Version int
	// Status is SUCCEEDED, FAILED or TIMED_OUT.
	Status string
	// Input is the execution's input; Output its output, nil unless it
	// succeeded.
	Input  string
	Output *string
	// Error and Cause say why it did not succeed; empty when it did.
	Error, Cause        string
	StartDate, StopDate time.Time
	// BilledDuration is the run time rounded up to the next 100 ms, as
	// AWS bills Express executions; BilledMemoryMB is 64, AWS's smallest
	// billed memory (Stepwise does not measure an execution's memory).
	BilledDuration time.Duration
	BilledMemoryMB int
}

// MachineType returns the type of machine nameOrARN (store.TypeStandard
// or store.TypeExpress), read through the cache StartExecution uses. A
// missing machine or version (0 means the latest) is
// ErrStateMachineDoesNotExist.
func (e *Engine) MachineType(ctx context.Context, nameOrARN string, version int) (string, error) {
	mv, err := e.machineVersion(ctx, arn.Name(nameOrARN), version)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("%w: %s (version %d)", ErrStateMachineDoesNotExist, nameOrARN, version)
	}
	if err != nil {
		return "", err
	}
	return mv.Type, nil
}

// StartSyncExpress runs an execution of an EXPRESS machine to its end in
// this process and returns how it ended; it writes nothing to the
// database but its log records (see express_logs.go). An execution still
// running after Config.ExpressTimeout (or the machine's TimeoutSeconds,
// if shorter) ends TIMED_OUT. A STANDARD machine is
// ErrStateMachineTypeNotSupported; a bad input is
// ErrInvalidExecutionInput. It returns an error only when the execution
// could not run, or when ctx ended first.
func (e *Engine) StartSyncExpress(ctx context.Context, in StartInput) (*ExpressResult, error) {
	release, err := e.admit() // held while the execution runs in memory
	if err != nil {
		return nil, err
	}
	defer release()
	x, err := e.acceptExpress(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := e.runExpress(ctx, x); err != nil {
		return nil, err
	}
	return x.res, nil
}

// expressRun is an accepted EXPRESS execution: its machine version, its
// parsed definition and input, the test case it runs with (empty for
// none), and the result it fills as it runs.
type expressRun struct {
	mv       *store.MachineVersion
	m        *asl.StateMachine
	input    any
	testCase string
	res      *ExpressResult
	// logged says its run handed log records to the log sink.
	logged bool
}

// acceptExpress checks a start of an EXPRESS execution and names it; it
// runs nothing.
func (e *Engine) acceptExpress(ctx context.Context, in StartInput) (*expressRun, error) {
	mv, input, err := e.prepareStart(ctx, &in)
	if err != nil {
		return nil, err
	}
	return e.newExpressRun(ctx, mv, input, in)
}

// newExpressRun is the execution that start in of version mv, on input
// (checked already), makes, named now; a STANDARD machine is refused.
func (e *Engine) newExpressRun(ctx context.Context, mv *store.MachineVersion, input any, in StartInput) (*expressRun, error) {
	if mv.Type != store.TypeExpress {
		return nil, fmt.Errorf("%w: %s is a %s state machine; StartSyncExpress runs EXPRESS ones", ErrStateMachineTypeNotSupported, mv.ARN, mv.Type)
	}
	m, err := e.machine(ctx, e.pool, mv.ID, mv.Version)
	if err != nil {
		return nil, err
	}
	res := &ExpressResult{
		ExecutionARN: e.arns.Express(mv.Name, in.Name, newExecutionName()), StateMachineARN: mv.ARN,
		Name: in.Name, Version: mv.Version, Input: in.Input, StartDate: e.now(), BilledMemoryMB: 64,
	}
	return &expressRun{mv: mv, m: m, input: input, testCase: in.TestCase, res: res}, nil
}

// runExpress runs x to its end, filling x.res, logs its events and tells
// the Observer. Its time limit counts from x.res.StartDate (a start run
// again after a crash has less time left). It returns an error only when
// ctx ended first.
func (e *Engine) runExpress(ctx context.Context, x *expressRun) error {
	mv, res := x.mv, x.res
	stream, logs := e.expressStream(mv.ID)
	runCtx, cancel := context.WithTimeout(ctx, e.expressLimit(x.m)-e.now().Sub(res.StartDate))
	defer cancel()
	out, err := runner.Run(runCtx, x.m, x.input, &runner.Config{
		Tasks: e.expressTasks(x), Start: res.StartDate, Seed: rand.Uint64(),
		ExecutionName: res.Name, StateMachineName: mv.Name, ExecutionARN: res.ExecutionARN, StateMachineARN: mv.ARN,
		NoEvents: !logs, RealTime: true,
	})
	if ctx.Err() != nil {
		return ctx.Err()
	}
	res.StopDate = e.now()
	res.BilledDuration = billed(res.StopDate.Sub(res.StartDate))
	// A run that reached its end before the limit stands, even if the
	// limit passed as it returned.
	timedOut := runCtx.Err() != nil && (err != nil || out.Status != runner.StatusSucceeded)
	expressEnded(res, out, err, timedOut)
	if logs {
		e.logExpress(stream, res, out)
		x.logged = true
	}
	e.observeExpress(mv.Name, res.Status, out)
	return nil
}

// observeExpress tells the Observer of an EXPRESS execution of machine
// that ended with status, and of its transitions (none known when the
// run could not be carried out, out nil).
func (e *Engine) observeExpress(machine, status string, out *runner.Result) {
	obs := e.cfg.Observer
	if obs == nil {
		return
	}
	obs.ExecutionStarted(machine)
	if out != nil {
		obs.Transitions(out.Transitions)
	}
	obs.ExecutionFinished(machine, status)
}

// expressLimit is how long an EXPRESS execution of m may run.
func (e *Engine) expressLimit(m *asl.StateMachine) time.Duration {
	limit := e.cfg.ExpressTimeout
	if m.TimeoutSeconds > 0 {
		limit = min(limit, time.Duration(m.TimeoutSeconds)*time.Second)
	}
	return limit
}

// expressEnded fills res from the run's result out or its error err;
// timedOut says the run's time limit had passed.
func expressEnded(res *ExpressResult, out *runner.Result, err error, timedOut bool) {
	switch {
	case timedOut:
		res.Status, res.Error, res.Cause = runner.StatusTimedOut, asl.ErrorTimeout, "The execution ran past its time limit."
	case err != nil:
		res.Status, res.Error, res.Cause = runner.StatusFailed, asl.ErrorRuntime, err.Error()
	case out.Status == runner.StatusSucceeded:
		output := asl.EncodeJSON(out.Output)
		if len(output) > asl.PayloadLimit {
			res.Status, res.Error = runner.StatusFailed, asl.ErrorDataLimitExceeded
			res.Cause = fmt.Sprintf("The execution output is %d bytes, over the limit of %d.", len(output), asl.PayloadLimit)
			return
		}
		res.Status, res.Output = runner.StatusSucceeded, &output
	default:
		res.Status = out.Status
		if out.Error != nil {
			res.Error, res.Cause = out.Error.Name, out.Error.Cause
		}
	}
}

// billed rounds a run time up to the next 100 ms.
func billed(d time.Duration) time.Duration {
	const unit = 100 * time.Millisecond
	return max(unit, (d+unit-1)/unit*unit)
}

// expressTasks runs the Task states of the EXPRESS execution x: from
// its test case when that mocks the state, else with the function of
// this process or of a worker elsewhere that serves the resource, or by
// starting a nested execution. A task that nothing serves, or that
// Express workflows do not allow (a resource known only at run time may
// be one), fails with States.Runtime.
func (e *Engine) expressTasks(x *expressRun) runner.TaskHandler {
	mocks := e.expressMocks(x)
	return func(ctx context.Context, call *asl.TaskCall, _ string) (any, error) {
		if result, failure, ok := mocks.answer(call.State); ok {
			return answerOf(result, failure)
		}
		b, _, err := activities.Resolve(call.Resource, call.Input)
		if err != nil {
			return nil, err
		}
		if problem := expressBindingProblem(b, call.Resource); problem != "" {
			return nil, asl.NewError(asl.ErrorRuntime, "Express executions do not support %s: state %q", problem, call.State)
		}
		if b.Kind == activities.KindNested {
			return e.startNestedExpress(ctx, call)
		}
		return e.expressTask(ctx, call, b, expressTaskInfo(x.res.ExecutionARN, call))
	}
}

// answerOf is a task handler's answer for result or failure.
func answerOf(result any, failure *asl.Error) (any, error) {
	if failure != nil {
		return nil, failure
	}
	return result, nil
}

// expressTask runs call, of binding b, with the function that serves it:
// this process's, or a worker's in another process.
func (e *Engine) expressTask(ctx context.Context, call *asl.TaskCall, b activities.Binding, info activities.TaskInfo) (any, error) {
	function, activity, err := e.serving(ctx, e.pool, b)
	switch {
	case err != nil:
		return nil, err
	case activity != "":
		return nil, asl.NewError(asl.ErrorRuntime, "Express executions do not support activities: state %q calls %s, which is bound to activity %s",
			call.State, call.Resource, activity)
	case function == "":
		return nil, activities.Unbound(b, call.Resource)
	case e.cfg.Functions == nil || !e.cfg.Functions.Has(function):
		return e.remoteTask(ctx, call, function, info)
	}
	result, err := e.invokeHere(ctx, call, info)
	if err != nil {
		return nil, asl.AsError(err)
	}
	return result, nil
}

// invokeHere runs call with the function of this process that serves it,
// for a task that runs in memory (Express, TestState): no lease, so
// heartbeats have nothing to renew.
func (e *Engine) invokeHere(ctx context.Context, call *asl.TaskCall, info activities.TaskInfo) (any, error) {
	ctx = activities.WithTask(ctx, info, func(context.Context) error { return nil })
	return e.cfg.Functions.Invoke(ctx, call.Resource, call.Input)
}
