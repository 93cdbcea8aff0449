package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// A Task state's life: dispatch writes its job (or hands it to this
// process, see task_local.go), a worker performs it, and recordTask applies
// its result with taskDone, which moves the run on.

// dispatch writes the task job for a Task state, with its timeout and
// heartbeat checks. A resource nothing can serve fails the task at once.
func (t *change) dispatch(l *live, call *asl.TaskCall) (*asl.Decision, error) {
	t.touch(l)
	if d, ok, err := t.mocked(l, call); ok || err != nil {
		return d, err
	}
	binding, _, err := activities.Resolve(call.Resource, call.Input)
	if err != nil {
		return t.taskFailedNow(l, call, asl.AsError(err)), nil
	}
	if binding.Kind == activities.KindNested {
		return t.startNested(l, call, binding)
	}
	function, activity, err := t.e.serving(t.ctx, t.pg, binding)
	if err != nil {
		return nil, err
	}
	if activity != "" {
		return t.parkActivity(l, call, activity)
	}
	if function == "" {
		return t.unbound(l, call, binding)
	}
	args := t.taskArgs(l, call, function)
	if t.e.accept(function, len(args.Input)) {
		t.locals = append(t.locals, localTask{args: args, input: call.Input})
	} else {
		t.jobs = append(t.jobs, taskJob(args))
	}
	if call.WaitForToken {
		tok := &store.TaskToken{Token: args.Token, ExecutionID: t.exec.ID, RunID: l.run.ID, Seq: l.run.Seq}
		if err := store.InsertTaskToken(t.ctx, t.pg, tok); err != nil {
			return nil, err
		}
	}
	t.scheduleChecks(l, call)
	t.scheduled(l, call, args.Input)
	t.save(l)
	return nil, nil
}

// unbound fails a task no worker serves, or, within Config.UnboundGrace
// of entering its state, enters the state again a second later to look
// for one.
func (t *change) unbound(l *live, call *asl.TaskCall, b activities.Binding) (*asl.Decision, error) {
	grace := t.e.cfg.UnboundGrace
	if grace <= 0 || l.run.StateEnteredAt == nil || t.now.Sub(*l.run.StateEnteredAt) >= grace {
		return t.taskFailedNow(l, call, activities.Unbound(b, call.Resource)), nil
	}
	t.schedule(l, reasonUnbound, t.now.Add(unboundPoll))
	t.save(l)
	return nil, nil
}

// unboundPoll is how often a task waiting for a worker looks again.
const unboundPoll = time.Second

// scheduled records that a task went to its worker or activity: for an
// activity resource ActivityScheduled with its input, for any other
// resource (a service integration bound to an activity too)
// TaskScheduled with its parameters.
func (t *change) scheduled(l *live, call *asl.TaskCall, encoded string) {
	typ, input := history.TaskScheduled, "parameters"
	if taskEvent(l, typ, history.ActivityScheduled) == history.ActivityScheduled {
		typ, input = history.ActivityScheduled, "input"
	}
	t.runEvent(l, typ, map[string]any{
		"resource": call.Resource, input: encoded,
		"timeoutInSeconds": call.TimeoutSeconds, "heartbeatInSeconds": call.HeartbeatSeconds,
	})
}

// taskJob is the River job of a task, for any worker of its function.
func taskJob(args taskArgs) river.InsertManyParams {
	return river.InsertManyParams{Args: args, InsertOpts: &river.InsertOpts{Queue: queueFor(args.Function), MaxAttempts: 25}}
}

// serving returns what serves binding b: the function registered (by
// this process or any worker) under the first of b.Names, or the activity
// that name is bound to (Config.ActivityBindings), a function first at the
// same name; failing those, an activity resource's own activity. Both are
// empty when nothing serves b.
func (e *Engine) serving(ctx context.Context, q store.Querier, b activities.Binding) (function, activity string, err error) {
	for _, name := range b.Names() {
		known := e.cfg.Functions != nil && e.cfg.Functions.Has(name)
		if !known {
			if known, err = store.FunctionKnown(ctx, q, name); err != nil {
				return "", "", err
			}
		}
		if known {
			return name, "", nil
		}
		if activity, ok := e.boundActivity(b, name); ok {
			return "", activity, nil
		}
	}
	if b.Kind == activities.KindActivity {
		return "", b.Function, nil
	}
	return "", "", nil
}

func (t *change) taskArgs(l *live, call *asl.TaskCall, function string) taskArgs {
	args := taskArgs{
		ExecutionID: t.exec.ID, ExecutionARN: t.exec.ARN, RunID: l.run.ID, Seq: l.run.Seq,
		State: l.run.State, Resource: call.Resource, Function: function, Input: asl.EncodeJSON(call.Input),
		Attempt: t.context(l).StateRetryCount, EnteredEventID: l.run.EnteredEventID, TimeoutSeconds: call.TimeoutSeconds, HeartbeatSeconds: call.HeartbeatSeconds,
	}
	if call.WaitForToken && l.run.TaskToken != nil {
		args.Token = *l.run.TaskToken
	}
	return args
}

// taskFailedNow records a task that failed before it was sent to a worker.
func (t *change) taskFailedNow(l *live, call *asl.TaskCall, failure *asl.Error) *asl.Decision {
	t.runEvent(l, taskEvent(l, history.TaskScheduled, history.ActivityScheduled), map[string]any{"resource": call.Resource, "parameters": asl.EncodeJSON(call.Input)})
	t.runEvent(l, taskEvent(l, history.TaskFailed, history.ActivityFailed), map[string]any{"error": failure.Name, "cause": failure.Cause})
	d := l.m.Failed(l.run.State, l.in(), failure, t.context(l))
	return &d
}

// runTask works a task job: it runs the function, then records the result
// and moves the execution on in one transaction that completes the job.
func (e *Engine) runTask(ctx context.Context, job *river.Job[taskArgs]) error {
	done, err := e.perform(ctx, job.Args, decodedInput(job.Args))
	if err != nil {
		return err
	}
	return e.completions.submit(ctx, &work{execution: job.Args.ExecutionID, run: job.Args.RunID, job: job.ID,
		apply: func(t *change) error { return t.recordTask(done) }})
}

// perform runs a task's function. An error means the attempt did not
// finish (the process is stopping or the task was cancelled) and must
// not be recorded.
func (e *Engine) perform(ctx context.Context, a taskArgs, input func() (any, error)) (*completion, error) {
	started := e.now()
	if a.Token != "" {
		if err := e.recordStarted(ctx, a, started); err != nil {
			return nil, err
		}
	}
	result, failure := e.invoke(ctx, a, input)
	if ctx.Err() != nil && failure != nil && failure.Name != asl.ErrorTimeout {
		return nil, ctx.Err() // shutting down or cancelled: River decides what happens next
	}
	return &completion{args: a, started: started, result: result, failure: failure}, nil
}

// taskTimeout is how long an attempt at a task may run: its
// TimeoutSeconds (the engine enforces the limit durably too), or
// Config.TaskJobTimeout when it sets none.
func (e *Engine) taskTimeout(a taskArgs) time.Duration {
	if a.TimeoutSeconds <= 0 || a.TimeoutSeconds >= asl.DefaultTaskTimeout {
		return e.cfg.TaskJobTimeout
	}
	return time.Duration(a.TimeoutSeconds)*time.Second + time.Second
}

// decodedInput returns a's input decoded from its JSON text, for a task
// whose input this process did not compute.
func decodedInput(a taskArgs) func() (any, error) {
	return func() (any, error) { return asl.DecodeJSON([]byte(a.Input)) }
}

func (e *Engine) invoke(ctx context.Context, a taskArgs, in func() (any, error)) (any, *asl.Error) {
	input, err := in()
	if err != nil {
		return nil, asl.NewError(asl.ErrorRuntime, "task input: %v", err)
	}
	if e.cfg.Functions == nil {
		return nil, asl.NewError(asl.ErrorRuntime, "no worker has registered function %s (resource %s)", a.Function, a.Resource)
	}
	info := activities.TaskInfo{
		ExecutionARN:   a.ExecutionARN,
		StateName:      a.State,
		Resource:       a.Resource,
		Attempt:        a.Attempt,
		IdempotencyKey: fmt.Sprintf("%s:%s:%d:%d", a.ExecutionARN, a.State, a.EnteredEventID, a.Attempt),
		TaskToken:      a.Token,
	}
	hb := func(ctx context.Context) error {
		if err := store.TouchHeartbeat(ctx, e.pool, a.RunID, a.Seq); err != nil {
			return fmt.Errorf("heartbeat: the task is no longer running: %w", err)
		}
		return nil
	}
	result, err := e.cfg.Functions.Invoke(activities.WithTask(ctx, info, hb), a.Resource, input)
	if err != nil {
		return nil, asl.AsError(err)
	}
	return result, nil
}

// recordStarted writes TaskStarted for a callback task before it runs.
func (e *Engine) recordStarted(ctx context.Context, a taskArgs, at time.Time) error {
	return e.inExecutionRun(ctx, a.ExecutionID, a.RunID, nil, func(t *change) error {
		l, err := t.current(a.RunID, a.Seq)
		if err != nil {
			return err
		}
		t.emitAt(l, taskEvent(l, history.TaskStarted, history.ActivityStarted), at)
		return nil
	})
}

// completion is a finished task.
type completion struct {
	args    taskArgs
	started time.Time
	result  any
	failure *asl.Error
}

// recordTask applies a finished task to its run, if the run still waits
// on it.
func (t *change) recordTask(d *completion) error {
	t.tasks = append(t.tasks, d) // told to the Observer once committed
	a := d.args
	l, err := t.current(a.RunID, a.Seq)
	if err != nil {
		return err
	}
	if a.Token == "" {
		t.emitAt(l, taskEvent(l, history.TaskStarted, history.ActivityStarted), d.started)
	}
	if a.Token != "" && d.failure == nil {
		return nil // the state waits for the callback
	}
	return t.taskDone(l, d.result, d.failure)
}

// taskDone applies a task's result or failure to run l.
func (t *change) taskDone(l *live, result any, failure *asl.Error) error {
	t.touch(l)
	if failure == nil && asl.TooLarge(result) {
		failure = asl.ResultTooLarge(l.run.State)
	}
	if failure != nil {
		typ := taskEvent(l, history.TaskFailed, history.ActivityFailed)
		if failure.Name == asl.ErrorTimeout || failure.Name == asl.ErrorHeartbeatTimeout {
			typ = taskEvent(l, history.TaskTimedOut, history.ActivityTimedOut)
		}
		t.runEvent(l, typ, map[string]any{"error": failure.Name, "cause": failure.Cause})
		return t.advance(l, l.m.Failed(l.run.State, l.in(), failure, t.context(l)))
	}
	t.runEvent(l, taskEvent(l, history.TaskSucceeded, history.ActivitySucceeded), map[string]any{"output": result})
	return t.advance(l, l.m.Complete(l.run.State, l.in(), result, t.context(l)))
}

// current loads run id and checks it still waits on the task at seq.
func (t *change) current(id, seq int64) (*live, error) {
	l, err := t.loadRun(id)
	if err != nil {
		return nil, err
	}
	if l.run.Seq != seq || l.run.Status != store.RunRunning || t.exec.Status != store.StatusRunning {
		return nil, errStale
	}
	return l, nil
}

// emitAt appends an event about run l that happened at a given time.
func (t *change) emitAt(l *live, typ string, at time.Time) {
	if t.runEvent(l, typ, nil) != 0 {
		t.events[len(t.events)-1].Timestamp = at
	}
}

// taskEvent names a Task state's event as AWS does: the activity event for
// an activity resource, the task event for anything else.
func taskEvent(l *live, task, activity string) string {
	if st, ok := l.m.States[l.run.State].(*asl.Task); ok && arn.IsActivity(st.Resource) {
		return activity
	}
	return task
}
