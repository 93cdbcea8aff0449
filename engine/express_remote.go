package engine

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// Tasks of EXPRESS executions served by workers in other processes. An
// Express execution runs in memory, so nothing of it is stored for a
// worker to record a result into: the engine running it inserts an
// expressTaskArgs job on the function's River queue with a fresh reply
// key and waits. The worker that takes the job runs the function (with
// the task's time limit; heartbeats have no lease to renew) and writes
// its result or error with store.InsertExpressReply, which sends NOTIFY
// on store.ExpressReplyChannel at commit; the engine's LISTEN connection
// (waiters.go) wakes the waiting run, which takes (reads and deletes)
// the reply. A run that stops waiting (the task's TimeoutSeconds, the
// execution's limit) cancels the job, and a worker that takes it later
// skips it; a reply written anyway is deleted once it is older than
// ExpressTimeout. A worker that dies leaves its job to River, which
// hands it to another one: at least once, as Express is.

// expressTaskArgs runs one task of an EXPRESS execution on a worker.
type expressTaskArgs struct {
	// Reply is the key the worker writes its reply under.
	Reply          string `json:"reply"`
	ExecutionARN   string `json:"execution_arn"`
	State          string `json:"state"`
	Resource       string `json:"resource"`
	Input          string `json:"input"`
	IdempotencyKey string `json:"idempotency_key"`
	// Deadline is when the execution stops waiting for the reply.
	Deadline time.Time `json:"deadline"`
}

// Kind names the job kind in River.
func (expressTaskArgs) Kind() string { return "stepwise_express_task" }

type expressTaskWorker struct {
	river.WorkerDefaults[expressTaskArgs]
	e *Engine
}

// Work runs the task and writes its reply.
func (w *expressTaskWorker) Work(ctx context.Context, job *river.Job[expressTaskArgs]) error {
	return w.e.runExpressTask(ctx, job.Args)
}

// Timeout lets the task run until its execution stops waiting.
func (w *expressTaskWorker) Timeout(job *river.Job[expressTaskArgs]) time.Duration {
	return max(time.Until(job.Args.Deadline), 0) + time.Second
}

// expressTaskInfo is what the function of an EXPRESS execution's task
// learns of it (activities.TaskFrom), wherever it runs.
func expressTaskInfo(execARN string, call *asl.TaskCall) activities.TaskInfo {
	return activities.TaskInfo{ExecutionARN: execARN, StateName: call.State, Resource: call.Resource, Attempt: 1,
		IdempotencyKey: execARN + ":" + call.State}
}

// remoteTask runs call on a worker of function in another process and
// returns its result, or its error as an *asl.Error. It waits until ctx
// ends (the task's TimeoutSeconds, the execution's limit), woken by the
// reply's NOTIFY, never by polling.
func (e *Engine) remoteTask(ctx context.Context, call *asl.TaskCall, function string, info activities.TaskInfo) (any, error) {
	if err := e.listening(ctx); err != nil {
		return nil, err
	}
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(e.cfg.ExpressTimeout)
	}
	args := expressTaskArgs{Reply: newToken(), ExecutionARN: info.ExecutionARN, State: call.State, Resource: call.Resource,
		Input: asl.EncodeJSON(call.Input), IdempotencyKey: info.IdempotencyKey, Deadline: deadline}
	wake, remove := e.replies.add(args.Reply)
	defer remove()
	job, err := e.river.Insert(ctx, args, &river.InsertOpts{Queue: queueFor(function), MaxAttempts: 25})
	if err != nil {
		return nil, err
	}
	for {
		select {
		case <-ctx.Done():
			e.abandonRemote(args.Reply, job.Job.ID)
			return nil, ctx.Err()
		case <-wake:
			reply, err := store.TakeExpressReply(ctx, e.pool, args.Reply)
			if errors.Is(err, store.ErrNotFound) {
				continue // woken after a reconnection: not there yet
			}
			if err != nil {
				return nil, err
			}
			return replied(reply)
		}
	}
}

// replyWaiters are the tasks of this process's EXPRESS executions waiting
// for a worker's reply, by reply key: the listener of
// store.ExpressReplyChannel, whose payload is the key.
type replyWaiters struct {
	mu   sync.Mutex
	keys map[string]chan struct{}
}

// add registers a waiter for the reply under key; remove unregisters it.
// The waiter is woken when the reply may be there.
func (r *replyWaiters) add(key string) (wake <-chan struct{}, remove func()) {
	ch := make(chan struct{}, 1)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keys == nil {
		r.keys = map[string]chan struct{}{}
	}
	r.keys[key] = ch
	return ch, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(r.keys, key)
	}
}

// notified wakes the waiter of the reply a notification names.
func (r *replyWaiters) notified(key string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ch, ok := r.keys[key]; ok {
		signal(ch, struct{}{})
	}
}

// lost wakes every waiter, to look again.
func (r *replyWaiters) lost() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ch := range r.keys {
		signal(ch, struct{}{})
	}
}

// replied is the result or error a worker's reply carries.
func replied(r *store.ExpressReply) (any, error) {
	if r.Output == nil {
		return nil, &asl.Error{Name: r.Error, Cause: r.Cause}
	}
	result, err := asl.DecodeJSON([]byte(*r.Output))
	if err != nil {
		return nil, asl.NewError(asl.ErrorRuntime, "the worker's result is not JSON: %v", err)
	}
	return result, nil
}

// abandonRemote cancels the job of a task nobody waits for any more and
// deletes its reply, if one came meanwhile.
func (e *Engine) abandonRemote(reply string, job int64) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := e.river.JobCancel(ctx, job); err != nil {
		e.log.Debug("cancel an abandoned EXPRESS task", "job", job, "error", err)
	}
	if _, err := store.TakeExpressReply(ctx, e.pool, reply); err != nil && !errors.Is(err, store.ErrNotFound) {
		e.log.Debug("delete the reply of an abandoned EXPRESS task", "job", job, "error", err)
	}
}

// runExpressTask works a task job of an EXPRESS execution: it runs the
// function and writes the reply. A task whose execution stopped waiting
// is dropped; one cut short by this worker stopping is left to River.
func (e *Engine) runExpressTask(ctx context.Context, a expressTaskArgs) error {
	if !time.Now().Before(a.Deadline) {
		return nil
	}
	ctx, cancel := context.WithDeadline(ctx, a.Deadline)
	defer cancel()
	result, err := e.invokeExpressTask(ctx, a)
	if !time.Now().Before(a.Deadline) {
		return nil
	}
	if err != nil && ctx.Err() != nil {
		return err
	}
	return store.InsertExpressReply(context.WithoutCancel(ctx), e.pool, a.Reply, expressReply(result, err))
}

// invokeExpressTask runs the function of task a.
func (e *Engine) invokeExpressTask(ctx context.Context, a expressTaskArgs) (any, error) {
	input, err := asl.DecodeJSON([]byte(a.Input))
	if err != nil {
		return nil, asl.NewError(asl.ErrorRuntime, "task input: %v", err)
	}
	if e.cfg.Functions == nil {
		return nil, asl.NewError(asl.ErrorRuntime, "this worker serves no functions (resource %s)", a.Resource)
	}
	call := &asl.TaskCall{State: a.State, Resource: a.Resource, Input: input}
	info := expressTaskInfo(a.ExecutionARN, call)
	info.IdempotencyKey = a.IdempotencyKey
	return e.invokeHere(ctx, call, info)
}

// expressReply is the reply of a task that returned result or failed
// with err.
func expressReply(result any, err error) store.ExpressReply {
	if err != nil {
		failure := asl.AsError(err)
		return store.ExpressReply{Error: failure.Name, Cause: failure.Cause}
	}
	output := asl.EncodeJSON(result)
	return store.ExpressReply{Output: &output}
}

// pruneExpressReplies deletes the replies older than any EXPRESS
// execution of this engine waits, which nobody will read.
func (e *Engine) pruneExpressReplies(ctx context.Context) {
	if _, err := store.DeleteStaleExpressReplies(ctx, e.pool, e.cfg.ExpressTimeout+time.Minute); err != nil {
		e.log.Warn("delete stale replies of EXPRESS tasks", "error", err)
	}
}
