package engine

import (
	"time"

	"github.com/stepwise-run/stepwise/internal/history"
)

// Observer is told what this process's engine did, after the transaction
// that did it commits: work that is rolled back and retried is told once,
// when it commits, so counts built on it are exact. Its methods are
// called from many goroutines at once and must return quickly (count; do
// not block). Config.Observer nil means none; web.NewObserver turns the
// calls into Prometheus metrics.
type Observer interface {
	// ExecutionStarted is told of each execution this engine created (not
	// of an idempotent repeat of a start, nor of a redrive); of an EXPRESS
	// execution, once it has ended, just before ExecutionFinished.
	ExecutionStarted(stateMachine string)
	// ExecutionFinished is told of each execution that ended in one of
	// this engine's transactions (or, EXPRESS, in this process), with its
	// status: SUCCEEDED, FAILED, TIMED_OUT or ABORTED. A redriven
	// execution that ends again is told again.
	ExecutionFinished(stateMachine, status string)
	// Transitions is told how many states one transaction entered (each
	// state entered is a transition, as AWS counts them). The iterations
	// of a distributed Map, which write no events to the execution's
	// history, are not counted.
	Transitions(n int)
	// TaskFinished is told of each Task whose function this engine's
	// workers ran, once its result is recorded: the function, the time
	// from a worker picking the task up to the result's commit, and
	// whether the function succeeded. For a callback
	// (.waitForTaskToken) task it is the function that sent the token.
	TaskFinished(function string, d time.Duration, ok bool)
	// RetentionSwept is told of each retention sweep this engine ran
	// (see SweepExecutions): how many executions it deleted, child
	// executions of Map runs included, and how long it took.
	RetentionSwept(deleted int64, d time.Duration)
}

// Observer returns Config.Observer; nil means none.
func (e *Engine) Observer() Observer { return e.cfg.Observer }

// observe tells the Observer what the committed transaction t did: the
// executions it started and ended, the states it entered and the task
// results it recorded.
func (e *Engine) observe(t *change) {
	o := e.cfg.Observer
	if o == nil {
		return
	}
	machine := t.machineName()
	entered := 0
	for i := range t.events {
		switch typ := t.events[i].Type; {
		case typ == history.ExecutionStarted:
			o.ExecutionStarted(machine)
		case history.IsStateEntered(typ):
			entered++
		}
	}
	if entered > 0 {
		o.Transitions(entered)
	}
	if t.ended {
		o.ExecutionFinished(machine, t.exec.Status)
	}
	now := e.now()
	for _, d := range t.tasks {
		o.TaskFinished(d.args.Function, now.Sub(d.started), d.failure == nil)
	}
}
