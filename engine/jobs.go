package engine

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/stepwise-run/stepwise/store"
)

// Why a drive job runs.
const (
	reasonStart       = "start"       // a child run begins (jobs of earlier versions: children now begin in the change that claims them)
	reasonRetry       = "retry"       // a retried state is entered again
	reasonUnbound     = "unbound"     // a task looks again for a worker
	reasonTimer       = "timer"       // a Wait state's time has come
	reasonTaskTimeout = "taskTimeout" // a task's TimeoutSeconds passed
	reasonHeartbeat   = "heartbeat"   // check a task's heartbeat
	reasonExecTimeout = "execTimeout" // the execution's TimeoutSeconds passed
	reasonChildren    = "children"    // a fork has more children to begin than one change begins
	// reasonBegin begins a nested execution a parent's Task created.
	reasonBegin = "begin"
	// reasonNested completes a .sync Task with its ended child, Child.
	reasonNested = "nested"
	// reasonParentStopped stops a .sync child whose parent's task ended
	// otherwise; Child holds the parent execution's id.
	reasonParentStopped = "parentStopped"
	// reasonMapChild moves a Map run on after its child, Child, ended.
	reasonMapChild = "mapChild"
	// reasonRedrive redrives a Map run's child that did not succeed.
	reasonRedrive = "redrive"
)

// driveArgs moves run RunID on, if it is still at Seq.
type driveArgs struct {
	ExecutionID int64  `json:"execution_id"`
	RunID       int64  `json:"run_id"`
	Seq         int64  `json:"seq"`
	Reason      string `json:"reason"`
	// Seconds is the heartbeat interval of a heartbeat check.
	Seconds int64 `json:"seconds,omitempty"`
	// Child is the ended child of a nested Task (reasonNested), or the
	// parent of a child to stop (reasonParentStopped).
	Child int64 `json:"child,omitempty"`
}

// Kind names the job kind in River.
func (driveArgs) Kind() string { return "stepwise_drive" }

// InsertOpts puts drive jobs on the engine queue, retried on failure.
func (driveArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: engineQueue, MaxAttempts: 25}
}

// taskArgs runs one attempt of a Task state on a worker.
type taskArgs struct {
	ExecutionID      int64  `json:"execution_id"`
	ExecutionARN     string `json:"execution_arn"`
	RunID            int64  `json:"run_id"`
	Seq              int64  `json:"seq"`
	State            string `json:"state"`
	Resource         string `json:"resource"`
	Function         string `json:"function"`
	Input            string `json:"input"`
	Attempt          int    `json:"attempt"`
	EnteredEventID   int64  `json:"entered_event_id"`
	TimeoutSeconds   int64  `json:"timeout_seconds"`
	HeartbeatSeconds int64  `json:"heartbeat_seconds"`
	Token            string `json:"token,omitempty"`
}

// Kind names the job kind in River.
func (taskArgs) Kind() string { return "stepwise_task" }

type driveWorker struct {
	river.WorkerDefaults[driveArgs]
	e *Engine
}

// Work drives the run.
func (w *driveWorker) Work(ctx context.Context, job *river.Job[driveArgs]) error {
	return w.e.drive(ctx, job)
}

type taskWorker struct {
	river.WorkerDefaults[taskArgs]
	e *Engine
}

// Work runs the task.
func (w *taskWorker) Work(ctx context.Context, job *river.Job[taskArgs]) error {
	return w.e.runTask(ctx, job)
}

// Timeout lets a task run for as long as Engine.taskTimeout says. A
// finite timeout is also what lets River hand the task to another worker
// when this one dies.
func (w *taskWorker) Timeout(job *river.Job[taskArgs]) time.Duration {
	return w.e.taskTimeout(job.Args)
}

// newToken returns an unguessable task token: 256 random bits.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// validToken reports whether s has the shape newToken gives.
func validToken(s string) bool {
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 32
}

// lockedRand is a random source safe for concurrent use, for retry jitter
// and intrinsic functions.
type lockedRand struct {
	mu sync.Mutex
	r  *mrand.Rand
}

func newLockedRand() *lockedRand {
	return &lockedRand{r: mrand.New(mrand.NewPCG(mrand.Uint64(), mrand.Uint64()))}
}

// float64 returns a number in [0, 1).
func (l *lockedRand) float64() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Float64()
}

// derive returns a private random source seeded from the shared one.
func (l *lockedRand) derive() *mrand.Rand {
	l.mu.Lock()
	defer l.mu.Unlock()
	return mrand.New(mrand.NewPCG(l.r.Uint64(), l.r.Uint64()))
}

// drive works a drive job: it moves its run on if the run is still at the
// job's sequence number, in one transaction that completes the job.
func (e *Engine) drive(ctx context.Context, job *river.Job[driveArgs]) error {
	a := job.Args
	return e.completions.submit(ctx, &work{execution: a.ExecutionID, run: a.RunID, job: job.ID, apply: func(t *change) error {
		switch a.Reason {
		case reasonExecTimeout:
			return t.executionTimedOut(a.Seq)
		case reasonParentStopped:
			return t.parentStopped(a.Child)
		case reasonRedrive:
			return t.redriveChild()
		}
		if t.exec.Status != store.StatusRunning {
			return errStale
		}
		if a.Reason == reasonChildren {
			return t.moreChildren(a.RunID) // whatever the run's sequence number: it begins only what has room
		}
		l, err := t.loadRun(a.RunID)
		if err != nil {
			return err
		}
		if a.Reason == reasonMapChild {
			return t.mapChildEnded(l, a.Child)
		}
		if l.run.Seq != a.Seq {
			return errStale
		}
		return t.resume(l, a)
	}})
}

// resume moves run l on as drive job a asks, if the run still waits for
// it.
func (t *change) resume(l *live, a driveArgs) error {
	switch a.Reason {
	case reasonStart:
		return t.startChild(l)
	case reasonBegin:
		return t.beginNested(l)
	}
	if l.run.Status != store.RunRunning {
		return errStale
	}
	switch a.Reason {
	case reasonRetry, reasonUnbound:
		t.touch(l)
		return t.advance(l, t.enter(l))
	case reasonTimer:
		return t.timerFired(l)
	case reasonTaskTimeout:
		return t.taskTimedOut(l)
	case reasonHeartbeat:
		return t.checkHeartbeat(l, a.Seconds)
	case reasonNested:
		return t.nestedEnded(l, a.Child)
	}
	return errStale
}
