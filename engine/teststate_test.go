package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/examples/orders"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/store"
)

// visit is one state's entry in an execution's history, with what its
// work returned and where the state went.
type visit struct {
	state string
	input json.RawMessage
	// result is the last TaskSucceeded output; failure the last
	// TaskFailed error, failures how many there were.
	result   json.RawMessage
	failure  *engine.TestStateMockError
	failures int
}

// recorded is an execution's history as TestState checks it.
type recorded struct {
	events []*store.Event
	m      *asl.StateMachine
	// scope numbers the machine, branch or item processor of each state.
	scope map[string]int
}

// TestTestStateReplaysExamples runs each example, then tests every state
// its history entered on the input the history recorded (a Task with a
// mock of its recorded result or error, a Parallel or Map with a mock of
// its result, recovered from its output): each answer's output must be
// one the state exited with, and its next state the one the history
// entered next with that output.
func TestTestStateReplaysExamples(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"order-processing", "order-saga", "order-notify", "shipping-quote", "approval", "order-batch"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.orders.OnApprovalRequest = func(r orders.ApprovalRequest) {
				go func() { _ = h.e.SendTaskSuccess(context.Background(), r.TaskToken, `{"approver":"ada"}`) }()
			}
			if name == "order-batch" {
				h.machine("order-notify", testkit.Example(t, "order-notify"))
			}
			// shipping-quote's hour-long Wait would outlast the test.
			def := strings.Replace(testkit.Example(t, name), `"Seconds": 3600`, `"Seconds": 1`, 1)
			h.machine(name, def)
			exec := h.run(name, "replay", testkit.ExampleInput(t, name))
			rec := newRecorded(t, h, exec, def)
			for i, v := range rec.visits(t) {
				t.Run(fmt.Sprintf("%02d-%s", i, v.state), func(t *testing.T) {
					rec.check(t, h.e, def, exec, v)
				})
			}
		})
	}
}

func newRecorded(t *testing.T, h *harness, exec *store.Execution, def string) *recorded {
	t.Helper()
	events, err := h.e.History(context.Background(), exec.ID, 0, 100000, false)
	require.NoError(t, err)
	m, err := asl.Parse([]byte(def))
	require.NoError(t, err)
	r := &recorded{events: events, m: m, scope: map[string]int{}}
	r.number(m)
	return r
}

// number gives the states of m and of its nested machines their scopes.
func (r *recorded) number(m *asl.StateMachine) {
	id := len(r.scope) + 1000*len(m.States)
	for name, st := range m.States {
		r.scope[name] = id
		switch s := st.(type) {
		case *asl.Parallel:
			for _, b := range s.Branches {
				r.number(b)
			}
		case *asl.Map:
			r.number(s.Processor)
		}
	}
}

// details decodes an event's details.
func details(t *testing.T, e *store.Event) map[string]json.RawMessage {
	t.Helper()
	out := map[string]json.RawMessage{}
	if e.Details != nil {
		require.NoError(t, json.Unmarshal([]byte(*e.Details), &out))
	}
	return out
}

func stateOf(e *store.Event) string {
	if e.State == nil {
		return ""
	}
	return *e.State
}

// visits lists the states entered, with the task outcome of each (the
// first task events of the state after its entry).
func (r *recorded) visits(t *testing.T) []visit {
	var out []visit
	for i, e := range r.events {
		if !history.IsStateEntered(e.Type) {
			continue
		}
		v := visit{state: stateOf(e), input: details(t, e)["input"]}
		r.taskOutcome(t, i, &v)
		out = append(out, v)
	}
	return out
}

// taskOutcome reads the task events of the visit entered at event i.
func (r *recorded) taskOutcome(t *testing.T, i int, v *visit) {
	for _, e := range r.events[i+1:] {
		if stateOf(e) != v.state {
			continue
		}
		d := details(t, e)
		switch e.Type {
		case history.TaskSucceeded:
			v.result = d["output"]
			return
		case history.TaskFailed:
			v.failures++
			var name, cause string
			_ = json.Unmarshal(d["error"], &name)
			_ = json.Unmarshal(d["cause"], &cause)
			v.failure = &engine.TestStateMockError{Error: name, Cause: cause}
		}
		if history.IsStateExited(e.Type) || history.IsStateEntered(e.Type) {
			return
		}
	}
}

// check tests the visit's state and compares the answer with the history.
func (r *recorded) check(t *testing.T, e *engine.Engine, def string, exec *store.Execution, v visit) {
	t.Helper()
	input := string(v.input)
	in := &engine.TestStateInput{Definition: def, StateName: v.state, Input: &input, InspectionLevel: "DEBUG"}
	st, _ := r.m.Find(v.state)
	in.Mock, in.StateConfiguration = r.mock(t, st, v)
	res, err := e.TestState(context.Background(), in)
	require.NoError(t, err)
	if res.Status == "FAILED" {
		require.Equal(t, store.StatusFailed, exec.Status, "%s: %s", deref(res.Error), deref(res.Cause))
		require.Equal(t, deref(exec.Error), deref(res.Error))
		return
	}
	want := "SUCCEEDED"
	if v.failure != nil && v.result == nil {
		want = "CAUGHT_ERROR"
	}
	require.Equal(t, want, res.Status, "%s: %s", deref(res.Error), deref(res.Cause))
	exit := r.exit(t, v.state, *res.Output)
	require.GreaterOrEqual(t, exit, 0, "state %s never exited with %s", v.state, *res.Output)
	require.Equal(t, r.next(t, exit, v.state, *res.Output), text(res.NextState))
	require.JSONEq(t, input, *res.InspectionData.Input)
}

// mock is the visit's mock: a Task's recorded result or error, or a
// Parallel's or Map's result read back from the output it exited with.
func (r *recorded) mock(t *testing.T, st asl.State, v visit) (*engine.TestStateMock, *engine.TestStateConfiguration) {
	switch st.(type) {
	case *asl.Task:
		if v.result != nil {
			s := string(v.result)
			return &engine.TestStateMock{Result: &s}, nil
		}
		retries := v.failures - 1
		return &engine.TestStateMock{ErrorOutput: v.failure}, &engine.TestStateConfiguration{RetrierRetryCount: &retries}
	case *asl.Parallel, *asl.Map:
		if result, ok := r.resultOf(t, st, v); ok {
			return &engine.TestStateMock{Result: &result}, nil
		}
	}
	return nil, nil
}

// resultOf reads a Parallel's or Map's result from the output of its
// exit, for a state without ResultSelector or OutputPath.
func (r *recorded) resultOf(t *testing.T, st asl.State, v visit) (string, bool) {
	b := st.Common()
	if b.ResultSelector != nil || b.OutputPath.Path != nil || b.ResultPath.Null {
		return "", false
	}
	for _, e := range r.events {
		if stateOf(e) != v.state || !history.IsStateExited(e.Type) {
			continue
		}
		var out any = mustDecode(t, details(t, e)["output"])
		if p := b.ResultPath.Path; p != nil {
			for _, key := range strings.Split(strings.TrimPrefix(fmt.Sprint(p), "$"), ".")[1:] {
				out = out.(map[string]any)[key]
			}
		}
		return asl.EncodeJSON(out), true
	}
	return "", false
}

// text is *s, "" for nil.
func text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func mustDecode(t *testing.T, raw json.RawMessage) any {
	t.Helper()
	v, err := asl.DecodeJSON(raw)
	require.NoError(t, err)
	return v
}

// exit finds the event where state exited with output, -1 for none.
func (r *recorded) exit(t *testing.T, state, output string) int {
	for i, e := range r.events {
		if stateOf(e) == state && history.IsStateExited(e.Type) && jsonEqual(t, details(t, e)["output"], output) {
			return i
		}
	}
	return -1
}

// next is the state of the same scope entered after event i with the
// output as its input; "" when none was.
func (r *recorded) next(t *testing.T, i int, state, output string) string {
	for _, e := range r.events[i+1:] {
		if history.IsStateEntered(e.Type) && r.scope[stateOf(e)] == r.scope[state] && jsonEqual(t, details(t, e)["input"], output) {
			return stateOf(e)
		}
	}
	return ""
}

func jsonEqual(t *testing.T, raw json.RawMessage, text string) bool {
	return asl.EncodeJSON(mustDecode(t, raw)) == asl.EncodeJSON(mustDecode(t, json.RawMessage(text)))
}
