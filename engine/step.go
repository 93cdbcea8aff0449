package engine

import (
	"github.com/stepwise-run/stepwise/asl"
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

// stateType is the Type of run l's current state.
func (l *live) stateType() string {
	if st, ok := l.m.States[l.run.State]; ok {
		return st.Common().Type
	}
	return ""
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
	l.run.EnteredEventID = t.runEvent(l, l.stateType()+"StateEntered", map[string]any{"input": input})
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

func (t *change) exitState(l *live, output any, assign map[string]any) {
	details := map[string]any{"output": output}
	if len(assign) > 0 {
		details["assignedVariables"] = assigned(assign)
		details["assignedVariablesDetails"] = map[string]any{"truncated": false}
	}
	t.runEvent(l, l.stateType()+"StateExited", details)
}

// retry parks run l until its state is entered again.
func (t *change) retry(l *live, d asl.Decision) error {
	t.touch(l)
	for len(l.run.Retries) <= d.Retrier {
		l.run.Retries = append(l.run.Retries, 0)
	}
	l.run.Retries[d.Retrier]++
	t.schedule(l, reasonRetry, t.now.Add(d.Delay))
	return t.save(l)
}

// waiting is what a Wait state does when its time comes.
type waiting struct {
	Next   string `json:"next"`
	Output any    `json:"output"`
}

// wait parks run l until the Wait state's time.
func (t *change) wait(l *live, d asl.Decision) error {
	t.touch(l)
	w := asl.EncodeJSON(map[string]any{"next": d.Next, "output": d.Output})
	l.run.Waiting = &w
	t.schedule(l, reasonTimer, d.Until)
	return t.save(l)
}

// timerFired resumes a run whose Wait state's time has come.
func (t *change) timerFired(l *live) error {
	if l.run.Waiting == nil {
		return errStale
	}
	v, err := asl.DecodeJSON([]byte(*l.run.Waiting))
	if err != nil {
		return err
	}
	w, _ := v.(map[string]any)
	next, _ := w["next"].(string)
	t.touch(l)
	l.run.Waiting = nil
	if next == "" {
		return t.advance(l, asl.Decision{Kind: asl.KindSucceed, Output: w["output"]})
	}
	return t.advance(l, asl.Decision{Kind: asl.KindNext, Next: next, Output: w["output"]})
}

// finishRun ends run l; the execution ends with its top-level run, and a
// child's end moves its parent on.
func (t *change) finishRun(l *live, output any, failure *asl.Error) error {
	t.touch(l)
	if failure == nil && tooLarge(output) {
		failure = asl.NewError(asl.ErrorDataLimitExceeded, "The state/task '%s' returned a result with a size exceeding the maximum number of bytes service limit.", l.run.State)
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
	if err := t.save(l); err != nil {
		return err
	}
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
	if failure == nil {
		t.exec.Status = store.StatusSucceeded
		t.exec.Output = l.run.Output
		t.emitRaw("ExecutionSucceeded", "", `{"output":`+*l.run.Output+`}`)
		return
	}
	t.exec.Status = store.StatusFailed
	t.exec.Error, t.exec.Cause = &failure.Name, &failure.Cause
	t.emit("ExecutionFailed", "", map[string]any{"error": failure.Name, "cause": failure.Cause})
}

// tooLarge reports whether a value is over the payload limit.
func tooLarge(v any) bool { return len(asl.EncodeJSON(v)) > asl.PayloadLimit }
