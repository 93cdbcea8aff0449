package engine

import (
	"context"
	"errors"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// Leases of asynchronous EXPRESS starts, in the shape of task leases
// (task_lease.go): every ExpressStartLease/3, an engine pushes the leases
// of the starts it runs forward (one statement for all) and claims the
// records whose leases ran out, whatever engine accepted them, to run
// them again from the beginning. It renews only the starts it runs: a
// record it owns but does not run (its delete failed at the end, its
// insert committed after StartExecution gave up, its claimed run could
// not start) runs out, and is run again.

// claimBatch is the most expired starts one sweep claims.
const claimBatch = 100

// keepExpressStarts renews and claims leases of EXPRESS starts, and
// deletes the stale replies of their tasks, until the engine closes.
func (e *Engine) keepExpressStarts() {
	e.every(e.cfg.ExpressStartLease/3, func() {
		ctx, cancel := context.WithTimeout(context.Background(), e.cfg.ExpressStartLease)
		defer cancel()
		if _, err := store.RenewExpressStarts(ctx, e.pool, e.owner, e.runningExpress(), e.now().Add(e.cfg.ExpressStartLease)); err != nil {
			e.log.Warn("renew the leases of EXPRESS starts", "error", err)
		}
		if err := e.claimExpressStarts(ctx); err != nil {
			e.log.Warn("claim expired EXPRESS starts", "error", err)
		}
		e.pruneExpressReplies(ctx)
	})
}

// claimExpressStarts claims the starts whose leases ran out and runs
// them, until none is left.
func (e *Engine) claimExpressStarts(ctx context.Context) error {
	for {
		starts, err := store.ClaimExpressStarts(ctx, e.pool, e.owner, e.now().Add(e.cfg.ExpressStartLease), claimBatch)
		if err != nil {
			return err
		}
		for _, s := range starts {
			e.rerunExpress(ctx, s)
		}
		if len(starts) < claimBatch {
			return nil
		}
	}
}

// rerunExpress runs the claimed start s again from the beginning. A
// start that cannot run any more (its machine or version deleted) is
// dropped.
func (e *Engine) rerunExpress(ctx context.Context, s store.ExpressStart) {
	x, err := e.expressRunOf(ctx, s)
	if errors.Is(err, store.ErrNotFound) {
		e.log.Warn("EXPRESS start dropped: its state machine version is gone", "execution_arn", s.ARN)
		err = store.DeleteExpressStarts(ctx, e.pool, []string{s.ARN})
	}
	if err != nil {
		e.log.Warn("claimed EXPRESS start not run; it is claimed again once its lease runs out", "execution_arn", s.ARN, "error", err)
		return
	}
	e.runAsync(x)
}

// expressRunOf is the execution a recorded start describes, under its
// ARN and start date.
func (e *Engine) expressRunOf(ctx context.Context, s store.ExpressStart) (*expressRun, error) {
	mv, err := e.machineVersion(ctx, s.StateMachine, s.Version)
	if err != nil {
		return nil, err
	}
	m, err := e.machine(ctx, e.pool, mv.ID, mv.Version)
	if err != nil {
		return nil, err
	}
	input, err := asl.DecodeJSON([]byte(s.Input))
	if err != nil {
		return nil, err
	}
	res := &ExpressResult{ExecutionARN: s.ARN, StateMachineARN: mv.ARN, Name: s.Name, Version: mv.Version, Input: s.Input,
		StartDate: s.StartedAt, BilledMemoryMB: 64}
	return &expressRun{mv: mv, m: m, input: input, testCase: s.TestCase, res: res}, nil
}

// expressOwner names this engine as the owner of the EXPRESS starts it
// runs.
func expressOwner() string { return "engine-" + newExecutionName() }
