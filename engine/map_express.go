package engine

import (
	"context"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// A Distributed Map whose ProcessorConfig.ExecutionType is EXPRESS runs
// each child as an Express execution: the child's row is created with the
// Map run's other children (it is counted, listed and described like
// them), but it runs in memory, with no history, in the worker of a River
// job (mapExpressArgs). The job's one transaction records how the child
// ended and moves the parent on; a process that dies mid-run leaves the
// job to be run again by another, so a child runs at least once, as AWS
// promises for Express.

// mapExpressArgs runs the Express child ExecutionID of a Map run.
type mapExpressArgs struct {
	ExecutionID int64 `json:"execution_id"`
}

// Kind names the job kind in River.
func (mapExpressArgs) Kind() string { return "stepwise_map_express" }

// InsertOpts puts the jobs on the engine queue, retried on failure.
func (mapExpressArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: engineQueue, MaxAttempts: 25}
}

type mapExpressWorker struct {
	river.WorkerDefaults[mapExpressArgs]
	e *Engine
}

// Work runs the child.
func (w *mapExpressWorker) Work(ctx context.Context, job *river.Job[mapExpressArgs]) error {
	return w.e.runMapExpress(ctx, job)
}

// Timeout lets the child run for as long as an Express execution may.
func (w *mapExpressWorker) Timeout(*river.Job[mapExpressArgs]) time.Duration {
	return w.e.cfg.ExpressTimeout + time.Minute
}

// mapExpressJob is the job that runs Express child id.
func mapExpressJob(id int64) river.InsertManyParams {
	opts := mapExpressArgs{}.InsertOpts()
	return river.InsertManyParams{Args: mapExpressArgs{ExecutionID: id}, InsertOpts: &opts}
}

// runMapExpress runs an Express child in memory and records its end.
func (e *Engine) runMapExpress(ctx context.Context, job *river.Job[mapExpressArgs]) error {
	child, err := store.GetExecution(ctx, e.pool, job.Args.ExecutionID)
	if err != nil || child.Status != store.StatusRunning {
		return e.completions.submit(ctx, &work{execution: job.Args.ExecutionID, job: job.ID, apply: func(*change) error { return errStale }})
	}
	x, err := e.mapExpressRun(ctx, child)
	if err != nil {
		return err
	}
	if err := e.runExpress(ctx, x); err != nil {
		return err
	}
	return e.completions.submit(ctx, &work{execution: child.ID, job: job.ID, apply: func(t *change) error {
		return t.expressChildEnded(x.res)
	}})
}

// mapExpressRun is the Express run of child: its parent's machine
// version, with the Map's item processor as its machine.
func (e *Engine) mapExpressRun(ctx context.Context, child *store.Execution) (*expressRun, error) {
	top, err := e.machine(ctx, e.pool, child.StateMachineID, child.Version)
	if err != nil {
		return nil, err
	}
	m, err := e.machines.sub(top, *child.MachinePath)
	if err != nil {
		return nil, err
	}
	parent, err := store.GetExecution(ctx, e.pool, *child.ParentID)
	if err != nil {
		return nil, err
	}
	name, _ := StateMachineOf(parent)
	name, _, _ = strings.Cut(name, "/") // a Map run's child's machine is MACHINE/LABEL
	mv, err := e.machineVersion(ctx, name, child.Version)
	if err != nil {
		return nil, err
	}
	input, err := asl.DecodeJSON([]byte(child.Input))
	if err != nil {
		return nil, err
	}
	start := child.StartedAt
	if child.RedriveCount > 0 {
		start = e.now() // a redriven child has its whole time again
	}
	res := &ExpressResult{ExecutionARN: child.ARN, StateMachineARN: mv.ARN, Name: child.Name, Version: child.Version,
		Input: child.Input, StartDate: start, BilledMemoryMB: 64}
	return &expressRun{mv: mv, m: m, input: input, testCase: deref(child.TestCase), res: res}, nil
}

// expressChildEnded records how this Express child ended and moves its
// Map run on; a child stopped meanwhile keeps its end.
func (t *change) expressChildEnded(res *ExpressResult) error {
	if t.exec.Status != store.StatusRunning {
		return errStale
	}
	now := t.now
	t.exec.Status, t.exec.StoppedAt, t.ended = res.Status, &now, true
	t.exec.Output = res.Output
	if res.Status != store.StatusSucceeded {
		t.exec.Error, t.exec.Cause = &res.Error, &res.Cause
	}
	t.notifyParent()
	return nil
}
