package engine

import (
	"fmt"
	"sync"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// Mock configuration (Step Functions Local's): an execution started with
// StateMachineArn#TestCase answers every Task state its test case mocks
// from Config.Mocks, never reaching a worker, and writes the events a
// real run of the task writes. A STANDARD execution counts a state's
// invocations in its history; an EXPRESS one, which has none, counts
// them as it runs (expressMocks).

// checkTestCase refuses a start whose test case the mock configuration
// does not define for the machine.
func (e *Engine) checkTestCase(machine, testCase string) error {
	if testCase == "" {
		return nil
	}
	cfg := e.cfg.Mocks.Current()
	if cfg == nil {
		return fmt.Errorf("%w: %s#%s: this server has no mock configuration (start it with --mock-config FILE or SFN_MOCK_CONFIG)", ErrTestCaseDoesNotExist, machine, testCase)
	}
	if !cfg.HasCase(machine, testCase) {
		return fmt.Errorf("%w: the mock configuration %s defines no test case %q for state machine %s (it defines %v)",
			ErrTestCaseDoesNotExist, e.cfg.Mocks.Path(), testCase, machine, cfg.Cases(machine))
	}
	return nil
}

// mocked answers run l's task from the execution's test case, if it mocks
// the state: it records the task's events and returns the decision the
// answer leads to. ok is false when the task runs for real.
func (t *change) mocked(l *live, call *asl.TaskCall) (d *asl.Decision, ok bool, err error) {
	if t.exec.TestCase == nil {
		return nil, false, nil
	}
	invocation, err := t.invocations(l.run.State)
	if err != nil {
		return nil, false, err
	}
	result, failure, ok := t.e.mockAnswer(t.machineName(), *t.exec.TestCase, l.run.State, invocation)
	if !ok {
		return nil, false, nil
	}
	t.scheduled(l, call, asl.EncodeJSON(call.Input))
	t.runEvent(l, taskEvent(l, history.TaskStarted, history.ActivityStarted), nil)
	next := t.answered(l, result, failure)
	return &next, true, nil
}

// mockAnswer is the answer test case testCase of machine gives to the
// invocation-th (from 0) task of state: its result or its failure (a
// Throw, or States.Runtime when no response answers that invocation). ok
// is false when the test case does not mock the state.
func (e *Engine) mockAnswer(machine, testCase, state string, invocation int) (result any, failure *asl.Error, ok bool) {
	answer, ok, err := e.cfg.Mocks.Current().Response(machine, testCase, state, invocation)
	switch {
	case !ok:
		return nil, nil, false
	case err != nil:
		return nil, asl.NewError(asl.ErrorRuntime, "%v", err), true
	}
	return answer.Return, answer.Throw, true
}

// expressMocks answers the mocked tasks of an EXPRESS execution run with
// a test case, counting each state's invocations within the run (Map
// iterations and Parallel branches may call at once).
type expressMocks struct {
	e                 *Engine
	machine, testCase string
	mu                sync.Mutex
	calls             map[string]int
}

// expressMocks is the mock answers of x; nil, which mocks nothing, when
// x runs with no test case.
func (e *Engine) expressMocks(x *expressRun) *expressMocks {
	if x.testCase == "" {
		return nil
	}
	return &expressMocks{e: e, machine: x.mv.Name, testCase: x.testCase, calls: map[string]int{}}
}

// answer counts a task of state and answers it as mockAnswer does; nil
// answers none.
func (m *expressMocks) answer(state string) (result any, failure *asl.Error, ok bool) {
	if m == nil {
		return nil, nil, false
	}
	m.mu.Lock()
	invocation := m.calls[state]
	m.calls[state]++
	m.mu.Unlock()
	return m.e.mockAnswer(m.machine, m.testCase, state, invocation)
}

// answered records a mocked task's result or failure and applies it.
func (t *change) answered(l *live, result any, failure *asl.Error) asl.Decision {
	if failure == nil && asl.TooLarge(result) {
		failure = asl.ResultTooLarge(l.run.State)
	}
	if failure == nil {
		t.runEvent(l, taskEvent(l, history.TaskSucceeded, history.ActivitySucceeded), map[string]any{"output": result})
		return l.m.Complete(l.run.State, l.in(), result, t.context(l))
	}
	typ := taskEvent(l, history.TaskFailed, history.ActivityFailed)
	if failure.Name == asl.ErrorTimeout || failure.Name == asl.ErrorHeartbeatTimeout {
		typ = taskEvent(l, history.TaskTimedOut, history.ActivityTimedOut)
	}
	t.runEvent(l, typ, map[string]any{"error": failure.Name, "cause": failure.Cause})
	return l.m.Failed(l.run.State, l.in(), failure, t.context(l))
}

// invocations counts the times state's task was scheduled in this
// execution before now: the committed events and this change's own.
func (t *change) invocations(state string) (int, error) {
	n, err := store.CountScheduled(t.ctx, t.pg, t.exec.ID, state)
	if err != nil {
		return 0, err
	}
	for _, ev := range t.events {
		if ev.State != nil && *ev.State == state && (ev.Type == history.TaskScheduled || ev.Type == history.ActivityScheduled) {
			n++
		}
	}
	return int(n), nil
}
