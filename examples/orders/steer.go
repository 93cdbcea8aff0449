package orders

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/stepwise-run/stepwise/activities"
)

// Steering holds the fields of an order that steer the example functions
// into failures; the package documentation describes each.
type Steering struct {
	FailAt          Steps  `json:"failAt,omitempty"`
	FailError       string `json:"failError,omitempty"`
	FailTimes       int    `json:"failTimes,omitempty"`
	FlakyValidation int    `json:"flakyValidation,omitempty"`
	Invalid         bool   `json:"invalid,omitempty"`
	RestockAfter    int    `json:"restockAfter,omitempty"`
}

// Steps names the steps failAt fails. In JSON it is a string or an array
// of strings.
type Steps []string

// UnmarshalJSON reads a string or an array of strings.
func (s *Steps) UnmarshalJSON(data []byte) error {
	var one string
	if err := json.Unmarshal(data, &one); err == nil {
		*s = Steps{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(data, &many); err != nil {
		return fmt.Errorf("failAt must be a step name or an array of step names: %w", err)
	}
	*s = many
	return nil
}

// empty reports whether s steers nothing.
func (s Steering) empty() bool {
	return len(s.FailAt) == 0 && s.FailError == "" && s.FailTimes == 0 &&
		s.FlakyValidation == 0 && !s.Invalid && s.RestockAfter == 0
}

// step describes one example function.
type step struct {
	// function is the registered name, name the step name failAt uses and
	// failure the error failAt raises by default.
	function, name, failure string
}

// The example functions.
var (
	stepReserve  = step{ReserveInventory, "ReserveInventory", "OutOfStock"}
	stepPay      = step{ProcessPayment, "ProcessPayment", "PaymentDeclined"}
	stepConfirm  = step{ConfirmOrder, "ConfirmOrder", "ConfirmationFailed"}
	stepRefund   = step{RefundPayment, "RefundPayment", "RefundFailed"}
	stepRelease  = step{ReleaseInventory, "ReleaseInventory", "ReleaseFailed"}
	stepValidate = step{ValidateOrder, "ValidateOrder", "ValidationError"}
	stepCheck    = step{CheckInventory, "CheckInventory", "InventoryUnavailable"}
	stepShip     = step{ShipOrder, "ShipOrder", "ShippingFailed"}
	stepInvoice  = step{SendInvoice, "SendInvoice", "InvoiceFailed"}
	stepNotify   = step{NotifyCustomer, "NotifyCustomer", "NotificationFailed"}
	stepApproval = step{RequestApproval, "RequestApproval", "ApprovalUnavailable"}
)

// matches reports whether failAt names this step, its function or the
// Task state running it.
func (st step) matches(ctx context.Context, failAt Steps) bool {
	info, _ := activities.Info(ctx)
	for _, name := range failAt {
		if name != "" && (name == st.name || name == st.function || name == info.StateName) {
			return true
		}
	}
	return false
}

// steeredFailure is the error failAt raises on call n, or nil.
func (st step) steeredFailure(ctx context.Context, orderID string, s Steering, n int) error {
	if !st.matches(ctx, s.FailAt) || (s.FailTimes > 0 && n > s.FailTimes) {
		return nil
	}
	name := st.failure
	if s.FailError != "" {
		name = s.FailError
	}
	return activities.NewError(name, fmt.Sprintf("%s failed for order %s (steered by failAt, call %d)", st.name, orderID, n))
}

// call is one call of an example function: its order, the steering that
// applies and its number among the calls of the function for the order.
type call struct {
	orderID string
	steer   Steering
	n       int
}

// do runs body as a call of st for orderID under the steering s: it counts
// the call, raises a steered failure instead of running body, and logs the
// call.
func do[Out any](ctx context.Context, c *Config, st step, orderID string, s Steering, body func(call) (Out, error)) (Out, error) {
	cl := call{orderID: orderID, steer: c.steer(orderID, s), n: c.next(orderID, st.function)}
	var out Out
	err := st.steeredFailure(ctx, orderID, cl.steer, cl.n)
	if err == nil {
		out, err = body(cl)
	}
	c.record(ctx, st.function, orderID, err)
	return out, err
}
