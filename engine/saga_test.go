package engine_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

// functionsCalled lists the functions called for an order, in order,
// without failed attempts.
func (h *harness) functionsCalled(orderID string) []string {
	var out []string
	for _, c := range h.orders.CallsFor(orderID) {
		out = append(out, c.Function)
	}
	return out
}

func TestOrderSaga(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("order-saga", testkit.Example(t, "order-saga"))
	tests := []struct {
		failAt string
		err    string
		calls  []string
	}{
		{"", "", []string{"reserve-inventory", "process-payment", "confirm-order"}},
		{"ReserveInventory", "OutOfStock", []string{"reserve-inventory"}},
		{"ProcessPayment", "PaymentDeclined", []string{"reserve-inventory", "process-payment", "release-inventory"}},
		{"ConfirmOrder", "ConfirmationFailed", []string{"reserve-inventory", "process-payment", "confirm-order", "refund-payment", "release-inventory"}},
	}
	for i, tt := range tests {
		t.Run("fail at "+tt.failAt, func(t *testing.T) {
			h := h.with(t)
			order := fmt.Sprintf("saga-%d", i)
			input := fmt.Sprintf(`{"orderId":%q,"amount":42,"items":[{"sku":"kettle","quantity":1}],"failAt":%q}`, order, tt.failAt)
			exec := h.run("order-saga", order, input)
			if tt.err == "" {
				requireSucceeded(t, exec, "")
			} else {
				requireFailed(t, exec, tt.err)
			}
			require.Equal(t, tt.calls, h.functionsCalled(order), "each compensation once, in reverse order")
		})
	}
}
