package spectest

import (
	"context"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/internal/history"
)

// runMemory runs c in memory on a virtual clock: mocked Tasks answer from
// the spec's mocks, others from o.Tasks when the case allows real calls.
func runMemory(ctx context.Context, s *Spec, c *Case, o Options) (*outcome, error) {
	res, err := runner.Run(ctx, s.Machine, c.Input, &runner.Config{
		Tasks:            mockedTasks(s, c, o.Tasks),
		ExecutionName:    "spectest",
		StateMachineName: s.StateMachine,
	})
	if err != nil {
		return nil, err
	}
	out := &outcome{Status: res.Status, Output: res.Output}
	if res.Error != nil {
		out.Error, out.Cause = res.Error.Name, res.Error.Cause
	}
	for _, ev := range res.Events {
		switch {
		case history.IsStateEntered(ev.Type):
			out.entered(ev.State, ev.Input)
		case history.IsStateExited(ev.Type):
			out.exited(ev.State, ev.Output)
		case ev.Type == history.TaskScheduled:
			out.scheduled(ev.State)
		}
	}
	return out, nil
}

// mockedTasks answers the Tasks of one run of c: invocations are counted
// from 0 per state, as the mock configuration counts them.
func mockedTasks(s *Spec, c *Case, real runner.TaskHandler) runner.TaskHandler {
	invocations := map[string]int{}
	return func(ctx context.Context, call *asl.TaskCall, token string) (any, error) {
		n := invocations[call.State]
		invocations[call.State]++
		answer, ok, err := s.Mocks.Response(s.StateMachine, c.TestCase, call.State, n)
		switch {
		case err != nil:
			return nil, asl.NewError(asl.ErrorRuntime, "%v", err)
		case ok && answer.Throw != nil:
			return nil, &asl.Error{Name: answer.Throw.Name, Cause: answer.Throw.Cause}
		case ok:
			return answer.Return, nil
		case c.RealCalls && real != nil:
			return real(ctx, call, token)
		}
		return nil, notMocked(c, call.State, call.Resource, "in memory no handler serves it; run with --durable for registered workers")
	}
}

// notMocked is the failure of a Task state the case does not mock; how
// says why no real call serves it when the case allows real calls.
func notMocked(c *Case, state, resource, how string) *asl.Error {
	if !c.RealCalls {
		how = `the case does not allow real calls ("realCalls": true)`
	}
	return asl.NewError(asl.ErrorRuntime, "Task state %s (resource %s) is not mocked in case %q and %s", state, resource, c.Name, how)
}
