package engine

import (
	"fmt"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// DefaultMaxHistoryEvents is AWS's hard quota on the events in one
// execution's history.
const DefaultMaxHistoryEvents = 25000

// AWS documents what happens at its history quota ("Avoid reaching the
// history quota"): when an execution has 24,999 events, event 25,000
// ends it. If that event is ExecutionSucceeded, the execution succeeds;
// otherwise ExecutionFailed is logged as event 25,000 and the execution
// fails. AWS does not document the error and cause it records; Stepwise
// records States.Runtime with historyLimitCause.
//
// An event that would pass the quota is not appended: emitRaw marks the
// change full instead, advance stops stepping, an end the change reaches
// anyway is a failure (endExecution), and otherwise commit ends the
// execution (historyFull) before anything the change collected is
// written. Express executions keep no history, and AWS sets them no such
// quota: asl/runner applies none.

// historyLimitError is the failure of an execution that reached the
// quota.
func (t *change) historyLimitError() *asl.Error {
	return &asl.Error{Name: asl.ErrorRuntime,
		Cause: fmt.Sprintf("The execution reached the maximum number of events in its history (%d).", t.e.cfg.MaxHistoryEvents)}
}

// fits reports whether an event of type typ may be appended to the
// history: below the quota every event fits; at it only the event that
// ends the execution does. It marks the change full when typ does not.
func (t *change) fits(typ string) bool {
	if t.exec.LastEventID+1 < int64(t.e.cfg.MaxHistoryEvents) || endsExecution(typ) {
		return true
	}
	t.full = true
	return false
}

// endsExecution reports whether typ is an event that ends an execution.
func endsExecution(typ string) bool {
	switch typ {
	case history.ExecutionSucceeded, history.ExecutionFailed, history.ExecutionAborted, history.ExecutionTimedOut:
		return true
	}
	return false
}

// historyFull fails the execution of a change that reached the history
// quota and has not ended: what the change scheduled (jobs, local tasks,
// timers) is dropped, every run is aborted and ExecutionFailed is the
// last event.
func (t *change) historyFull() error {
	if !t.full || t.ended || t.exec.Status != store.StatusRunning {
		return nil
	}
	t.jobs, t.locals, t.timers = nil, nil, nil
	return t.stopExecution(store.StatusFailed, history.ExecutionFailed, t.historyLimitError())
}
