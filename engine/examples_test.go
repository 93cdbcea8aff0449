package engine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/examples"
	"github.com/stepwise-run/stepwise/examples/orders"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/store"
)

func TestOrderProcessing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("order-processing", testkit.Example(t, "order-processing"))

	exec := h.run("order-processing", "ok", `{"orderId":"op-1","amount":120,"customer":{"name":"Ada","email":"a@example.com"},
		"items":[{"sku":"kettle","quantity":1}],"restockAfter":2,"flakyValidation":2}`)
	requireSucceeded(t, exec, "")
	require.Equal(t, 3, h.orders.Count("op-1", orders.ValidateOrder), "two ServiceExceptions retried, then success")
	require.Equal(t, 3, h.orders.Count("op-1", orders.CheckInventory), "the Wait loop ran twice")
	for _, fn := range []string{orders.ShipOrder, orders.SendInvoice, orders.NotifyCustomer} {
		require.Equal(t, 1, h.orders.Count("op-1", fn), fn)
	}
	events := h.events(exec)
	require.Contains(t, events, history.WaitStateEntered)
	require.Contains(t, events, history.ParallelStateSucceeded)
	require.Equal(t, history.ExecutionSucceeded, events[len(events)-1])

	rejected := h.run("order-processing", "rejected", `{"orderId":"op-2","amount":5,"items":[{"sku":"x","quantity":1}],"invalid":true}`)
	requireFailed(t, rejected, "OrderRejected")
	require.Equal(t, 1, h.orders.Count("op-2", orders.ValidateOrder), "ValidationError is caught, not retried")
}

func TestApprovalCallbacks(t *testing.T) {
	t.Parallel()
	requests := make(chan orders.ApprovalRequest, 4)
	h := newHarness(t)
	h.orders.OnApprovalRequest = func(r orders.ApprovalRequest) { requests <- r }
	h.machine("approval", testkit.Example(t, "approval"))
	ctx := context.Background()

	start := func(name string) *store.Execution {
		exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "approval", Name: name, Input: `{"orderId":"` + name + `","amount":10}`})
		require.NoError(t, err)
		return exec
	}
	token := func() string {
		r := testkit.Receive(t, requests, 10*time.Second, "approval request")
		require.Len(t, r.TaskToken, 43)
		return r.TaskToken
	}

	approved := start("approve-me")
	tok := token()
	require.NoError(t, h.e.SendTaskHeartbeat(ctx, tok))
	require.NoError(t, h.e.SendTaskSuccess(ctx, tok, `{"approver":"grace","ok":true}`))
	requireSucceeded(t, h.wait(approved.ARN), `{"orderId":"approve-me","status":"APPROVED","approval":{"approver":"grace","ok":true}}`)
	err := h.e.SendTaskSuccess(ctx, tok, `{}`)
	require.ErrorIs(t, err, engine.ErrTaskTimedOut, "a second callback changes nothing and says so")

	rejected := start("reject-me")
	tok = token()
	require.NoError(t, h.e.SendTaskFailure(ctx, tok, "Rejected", "too expensive"))
	exec := h.wait(rejected.ARN)
	requireFailed(t, exec, "Rejected")
	require.Equal(t, "too expensive", *exec.Cause)

	require.ErrorIs(t, h.e.SendTaskSuccess(ctx, "not-a-token", `{}`), engine.ErrInvalidToken)
	require.ErrorIs(t, h.e.SendTaskSuccess(ctx, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", `{}`), engine.ErrTaskDoesNotExist)
	pending := start("bad-output")
	tok = token()
	require.ErrorIs(t, h.e.SendTaskSuccess(ctx, tok, `{oops`), engine.ErrInvalidOutput)
	_, err = h.e.StopExecution(ctx, pending.ARN, "Cancelled", "test over")
	require.NoError(t, err)
	require.True(t, errors.Is(h.e.SendTaskSuccess(ctx, tok, `{}`), engine.ErrTaskTimedOut))
}

// TestOrderBatch runs order-notify as a nested execution per order; the
// duplicate order's child fails and the batch reports its error.
func TestOrderBatch(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("order-notify", testkit.Example(t, "order-notify"))
	h.machine("order-batch", testkit.Example(t, "order-batch"))
	input, err := examples.Input("order-batch")
	require.NoError(t, err)
	exec := h.run("order-batch", "batch", input)
	requireSucceeded(t, exec, `[{"orderId":"order-5001","status":"PLACED"},{"orderId":"order-5002","status":"PLACED"},
		{"orderId":"order-5001","status":"REFUSED","reason":"DuplicateOrder"}]`)
	require.Len(t, h.orders.Published(), 2, "one notice per placed order")
	children, _, err := h.e.ListExecutions(context.Background(), engine.ExecutionQuery{StateMachine: "order-notify"})
	require.NoError(t, err)
	require.Len(t, children, 3)
	for _, c := range children {
		require.Equal(t, exec.ID, *c.ParentID)
		require.Contains(t, c.Input, exec.ARN, "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID")
	}
}

func TestOrderNotify(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("order-notify", testkit.Example(t, "order-notify"))
	input, err := examples.Input("order-notify")
	require.NoError(t, err)

	exec := h.run("order-notify", "placed", input)
	published := h.orders.Published()
	require.Len(t, published, 1)
	requireSucceeded(t, exec, `{"orderId":"order-4001","status":"PLACED","messageId":"`+published[0].MessageID+`"}`)
	item, ok := h.orders.Order("order-4001")
	require.True(t, ok)
	require.Equal(t, map[string]any{"S": "PLACED"}, item["status"])
	require.Equal(t, []string{history.ExecutionStarted,
		history.TaskStateEntered, history.TaskScheduled, history.TaskStarted, history.TaskSucceeded, history.TaskStateExited,
		history.TaskStateEntered, history.TaskScheduled, history.TaskStarted, history.TaskSucceeded, history.TaskStateExited,
		history.PassStateEntered, history.PassStateExited, history.ExecutionSucceeded}, h.events(exec))

	duplicate := h.run("order-notify", "duplicate", input)
	requireFailed(t, duplicate, "DuplicateOrder")
	require.Equal(t, "The conditional request failed", *duplicate.Cause)
	require.Len(t, h.orders.Published(), 1, "a duplicate order notifies nobody")
}
