package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
)

// parked parks n executions, half on a Wait of an hour and half on a
// callback, then runs the one-Task workload's size beside them: parked
// executions should cost neither throughput nor engine memory.
func parked(ctx context.Context, r *runner, n int) (*Result, error) {
	v, err := r.open(ctx, noopFunctions())
	if err != nil {
		return nil, err
	}
	defer v.close()
	machines := map[string]string{
		"wait": oneState(`{"Type":"Wait","Seconds":3600,"End":true}`),
		"callback": oneState(`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
			"Parameters":{"FunctionName":"noop","Payload":{"token.$":"$$.Task.Token"}},"End":true}`),
		"one": oneTaskMachine,
	}
	for name, def := range machines {
		if _, _, err := v.e.CreateStateMachine(ctx, name, engine.MachineSpec{Definition: def}); err != nil {
			return nil, err
		}
	}
	load := 2 * n
	// Warmed up as the one-Task workload it is compared with is.
	if err := v.warmUp(ctx, "one", load, plain); err != nil {
		return nil, err
	}
	before := heapNow()
	if err := v.park(ctx, n); err != nil {
		return nil, err
	}
	after := heapNow()
	res := &Result{Count: load, Unit: "executions"}
	if err := v.begin(ctx); err != nil {
		return nil, err
	}
	if err := v.startAll(ctx, "one", load, plain); err == nil {
		err = v.waitStopped(ctx, int64(n))
	}
	if err != nil {
		return nil, err
	}
	if err := v.end(ctx, res); err != nil {
		return nil, err
	}
	res.Note = fmt.Sprintf("%d parked: heap %.1f MB before parking, %.1f MB parked, %.1f MB after the load", n, before, after, heapNow())
	if base := r.results["one-task"]; base != nil {
		res.Note += fmt.Sprintf("; one-Task at %.0f%% of its unparked rate", 100*res.PerSecond/base.PerSecond)
	}
	return res, nil
}

// park starts n executions that wait, half on a timer and half on a
// callback, and returns once all of them wait.
func (v *env) park(ctx context.Context, n int) error {
	timers, callbacks := n/2, n-n/2
	if err := v.startAll(ctx, "wait", timers, plain); err != nil {
		return err
	}
	if err := v.startAll(ctx, "callback", callbacks, plain); err != nil {
		return err
	}
	for {
		waiting, err := countEvents(ctx, v.pool, history.WaitStateEntered)
		if err != nil {
			return err
		}
		called, err := countEvents(ctx, v.pool, history.TaskStarted)
		if err != nil {
			return err
		}
		if waiting >= int64(timers) && called >= int64(callbacks) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
