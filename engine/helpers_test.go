package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/examples/orders"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// harness is a running engine on a fresh database with the example
// functions registered in process.
type harness struct {
	t      *testing.T
	e      *engine.Engine
	orders *orders.Config
	reg    *activities.Registry
}

func newHarness(t *testing.T, register ...func(*activities.Registry)) *harness {
	t.Helper()
	return newBoundHarness(t, nil, register...)
}

// newBoundHarness is newHarness with Config.ActivityBindings.
func newBoundHarness(t *testing.T, bindings map[string]string, register ...func(*activities.Registry)) *harness {
	t.Helper()
	pool := testkit.NewPool(t)
	reg := activities.NewRegistry()
	cfg := &orders.Config{}
	orders.Register(reg, cfg)
	for _, r := range register {
		r(reg)
	}
	e := testengine.Start(t, pool, &engine.Config{Functions: reg, Drive: true, FetchPollInterval: testengine.FetchPollInterval,
		ActivityBindings: bindings})
	return &harness{t: t, e: e, orders: cfg, reg: reg}
}

// with returns the harness reporting to test t (for subtests).
func (h *harness) with(t *testing.T) *harness {
	c := *h
	c.t = t
	return &c
}

func (h *harness) machine(name, definition string) {
	h.t.Helper()
	_, _, err := h.e.CreateStateMachine(context.Background(), name, engine.MachineSpec{Definition: definition})
	require.NoError(h.t, err)
}

// run starts an execution and waits for it to end.
func (h *harness) run(machine, name, input string) *store.Execution {
	h.t.Helper()
	exec, _, err := h.e.StartExecution(context.Background(), engine.StartInput{StateMachine: machine, Name: name, Input: input})
	require.NoError(h.t, err)
	return h.wait(exec.ARN)
}

func (h *harness) wait(arn string) *store.Execution {
	h.t.Helper()
	return h.waitFor(arn, 30*time.Second)
}

func (h *harness) waitFor(arn string, limit time.Duration) *store.Execution {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	exec, err := h.e.Wait(ctx, arn)
	require.NoError(h.t, err, "execution %s did not finish", arn)
	return exec
}

// events lists an execution's event types.
func (h *harness) events(exec *store.Execution) []string {
	h.t.Helper()
	evs, err := h.e.History(context.Background(), exec.ID, 0, 100000, false)
	require.NoError(h.t, err)
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Type
		require.Equal(h.t, int64(i+1), e.ID, "event ids are dense and ordered")
		require.Equal(h.t, int64(i), e.PreviousID)
	}
	return out
}

func requireSucceeded(t *testing.T, exec *store.Execution, output string) {
	t.Helper()
	require.Equal(t, store.StatusSucceeded, exec.Status, "error %v cause %v", deref(exec.Error), deref(exec.Cause))
	if output != "" {
		require.JSONEq(t, output, *exec.Output)
	}
}

func requireFailed(t *testing.T, exec *store.Execution, errName string) {
	t.Helper()
	require.Equal(t, store.StatusFailed, exec.Status, "output %v", deref(exec.Output))
	require.Equal(t, errName, deref(exec.Error), "cause %s", deref(exec.Cause))
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func decode(t *testing.T, s string) any {
	t.Helper()
	v, err := asl.DecodeJSON([]byte(s))
	require.NoError(t, err)
	return v
}
