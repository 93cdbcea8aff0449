package engine

import (
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// advance applies decisions to run l until it parks on an effect (a task,
// a timer, a retry, a fork) or ends.
func (t *change) advance(l *live, d asl.Decision) error {
	for {
		var next *asl.Decision
		var err error
		switch d.Kind {
		case asl.KindNext:
			if t.full {
				return nil // the execution fails at its history quota
			}
			if err := t.assign(l, d.Assign); err != nil {
				return err
			}
			t.exitState(l, d.Output, d.Assign)
			t.enterState(l, d.Next, d.Output)
			d = t.enter(l)
			continue
		case asl.KindSucceed:
			if err := t.assign(l, d.Assign); err != nil {
				return err
			}
			t.exitState(l, d.Output, d.Assign)
			return t.finishRun(l, d.Output, nil)
		case asl.KindFail:
			return t.finishRun(l, nil, d.Error)
		case asl.KindRetry:
			return t.retry(l, d)
		case asl.KindWait:
			if err := t.assign(l, d.Assign); err != nil {
				return err
			}
			return t.wait(l, d)
		case asl.KindTask:
			next, err = t.dispatch(l, d.Task)
		case asl.KindParallel:
			next, err = t.forkParallel(l, d)
		case asl.KindMap:
			next, err = t.forkMap(l, d.Map)
		}
		if err != nil || next == nil {
			return err
		}
		d = *next
	}
}

// enterState moves run l to state name with input and records the entry.
func (t *change) enterState(l *live, name string, input any) {
	t.touch(l)
	l.run.State = name
	l.input, l.decoded, l.changed = input, true, true
	l.run.Retries = nil
	l.run.Waiting = nil
	l.run.Fork = nil
	l.run.TaskToken = nil
	now := t.now
	l.run.StateEnteredAt = &now
	l.run.EnteredEventID = t.runEvent(l, history.StateEntered(l.stateType()), map[string]any{"input": input})
}

// enter runs the step function on run l's current state.
func (t *change) enter(l *live) asl.Decision {
	if l.stateType() == "Task" {
		token := newToken()
		l.run.TaskToken = &token
	}
	d := l.m.Enter(l.run.State, l.in(), t.context(l))
	if d.Kind == asl.KindFail {
		t.evaluationFailed(l, d.Error)
	}
	return d
}

// exitState records run l leaving its state with output, and the
// variables the state assigned.
func (t *change) exitState(l *live, output any, assign map[string]any) {
	details := map[string]any{"output": output}
	if len(assign) > 0 {
		details["assignedVariables"] = assigned(assign)
		details["assignedVariablesDetails"] = map[string]any{"truncated": false}
	}
	t.runEvent(l, history.StateExited(l.stateType()), details)
}

// finishRun ends run l; the execution ends with its top-level run, and a
// child's end moves its parent on.
func (t *change) finishRun(l *live, output any, failure *asl.Error) error {
	t.touch(l)
	if failure == nil && asl.TooLarge(output) {
		failure = asl.ResultTooLarge(l.run.State)
	}
	if failure != nil {
		l.run.Status = store.RunFailed
		l.run.Error, l.run.Cause = &failure.Name, &failure.Cause
	} else {
		l.run.Status = store.RunSucceeded
		out := asl.EncodeJSON(output)
		l.run.Output = &out
	}
	l.run.TaskToken = nil
	t.save(l)
	if l.run.ParentID == nil {
		t.endExecution(l, failure)
		return nil
	}
	return t.childFinished(l, failure)
}

// endExecution records the end of the execution with its top-level run.
func (t *change) endExecution(l *live, failure *asl.Error) {
	now := t.now
	t.exec.StoppedAt = &now
	t.ended = true
	t.notifyParent()
	if failure == nil && t.full {
		failure = t.historyLimitError() // ExecutionSucceeded came too late
	}
	if failure == nil {
		t.exec.Status = store.StatusSucceeded
		t.exec.Output = l.run.Output
		t.emitRaw(history.ExecutionSucceeded, "", `{"output":`+*l.run.Output+`}`)
		return
	}
	t.exec.Status = store.StatusFailed
	t.exec.Error, t.exec.Cause = &failure.Name, &failure.Cause
	t.emit(history.ExecutionFailed, "", map[string]any{"error": failure.Name, "cause": failure.Cause})
}
