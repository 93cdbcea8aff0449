package spectest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// historyPage is how many events one History call reads.
const historyPage = 1000

// prepareDurable creates the spec's state machine on the engine, or adds
// the spec's definition as a new version, and serves the spec's mocks.
func prepareDurable(ctx context.Context, s *Spec, o Options) error {
	if o.Mocks == nil {
		return errors.New("a durable run needs Options.Mocks, the engine's mock configuration source")
	}
	o.Mocks.Set(s.Mocks)
	spec := engine.MachineSpec{Definition: s.Definition}
	_, _, err := o.Engine.CreateStateMachine(ctx, s.StateMachine, spec)
	if errors.Is(err, engine.ErrStateMachineExists) {
		_, err = o.Engine.UpdateStateMachine(ctx, s.StateMachine, spec)
	}
	if err != nil {
		return fmt.Errorf("create state machine %s: %w", s.StateMachine, err)
	}
	return nil
}

// runDurable starts c on the engine, waits until it ends (stopping it at
// o.Timeout) and reads its outcome from the stored history.
func runDurable(ctx context.Context, s *Spec, c *Case, o Options) (*outcome, error) {
	exec, _, err := o.Engine.StartExecution(ctx, engine.StartInput{
		StateMachine: s.StateMachine, Input: asl.EncodeJSON(c.Input), TestCase: c.TestCase})
	if err != nil {
		return nil, fmt.Errorf("start execution: %w", err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, o.timeout())
	exec, err = o.Engine.Wait(waitCtx, exec.ARN)
	cancel()
	if err != nil && exec != nil && exec.Status == store.StatusRunning {
		_, _ = o.Engine.StopExecution(ctx, exec.ARN, "spectest.Timeout", "stepwise test stopped waiting")
		return nil, fmt.Errorf("execution %s still RUNNING after %s", exec.ARN, o.timeout())
	}
	if err != nil {
		return nil, err
	}
	return storedOutcome(ctx, o.Engine, exec)
}

// storedOutcome reads an ended execution and its history.
func storedOutcome(ctx context.Context, e *engine.Engine, exec *store.Execution) (*outcome, error) {
	out := &outcome{Status: exec.Status, Error: deref(exec.Error), Cause: deref(exec.Cause)}
	if exec.Output != nil {
		v, err := asl.DecodeJSON([]byte(*exec.Output))
		if err != nil {
			return nil, fmt.Errorf("output of %s: %w", exec.ARN, err)
		}
		out.Output = v
	}
	var after int64
	for {
		events, err := e.History(ctx, exec.ID, after, historyPage, false)
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", exec.ARN, err)
		}
		for _, ev := range events {
			record(out, ev)
			after = ev.ID
		}
		if len(events) < historyPage {
			return out, nil
		}
	}
}

// record adds a stored event to out.
func record(out *outcome, ev *store.Event) {
	state := deref(ev.State)
	switch {
	case history.IsStateEntered(ev.Type):
		out.entered(state, detail(ev, "input"))
	case history.IsStateExited(ev.Type):
		out.exited(state, detail(ev, "output"))
	case ev.Type == history.TaskScheduled || ev.Type == history.ActivityScheduled:
		out.scheduled(state)
	}
}

// detail is the value of field key in ev's details (the engine stores
// payloads as JSON values); nil when absent.
func detail(ev *store.Event, key string) any {
	if ev.Details == nil {
		return nil
	}
	raw, err := asl.DecodeJSON([]byte(*ev.Details))
	if err != nil {
		return nil
	}
	obj, _ := raw.(map[string]any)
	return obj[key]
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// timeout is how long a durable case may run; default a minute.
func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return time.Minute
}
