package orders

import (
	"context"
	"fmt"

	"github.com/stepwise-run/stepwise/activities"
)

// Reservation is what reserve-inventory returns.
type Reservation struct {
	ReservationID string `json:"reservationId"`
	// Units is how many units were reserved across the order's items.
	Units int `json:"units"`
}

func (c *Config) reserveInventory(ctx context.Context, o Order) (Reservation, error) {
	return do(ctx, c, stepReserve, o.OrderID, o.Steering, func(call) (Reservation, error) {
		units := 0
		for _, it := range o.Items {
			units += it.Quantity
		}
		return Reservation{ReservationID: "res-" + o.OrderID, Units: units}, nil
	})
}

// PaymentRequest is the input of process-payment: the saga passes only
// these fields; order processing passes them too, and a whole order
// decodes as well.
type PaymentRequest struct {
	OrderID string  `json:"orderId"`
	Amount  float64 `json:"amount"`
	// IdempotencyKey identifies the charge; empty means the task's key.
	IdempotencyKey string `json:"idempotencyKey,omitempty"`
	Steering
}

// Payment is a charge in the ledger, and what process-payment returns.
type Payment struct {
	PaymentID      string  `json:"paymentId"`
	OrderID        string  `json:"orderId"`
	Amount         float64 `json:"amount"`
	IdempotencyKey string  `json:"idempotencyKey"`
	// Status is CAPTURED, or REFUNDED once refund-payment has run.
	Status string `json:"status"`
}

func (c *Config) processPayment(ctx context.Context, r PaymentRequest) (Payment, error) {
	return do(ctx, c, stepPay, r.OrderID, r.Steering, func(call) (Payment, error) {
		key := r.IdempotencyKey
		if key == "" {
			info, _ := activities.Info(ctx)
			key = info.IdempotencyKey
		}
		return c.charge(r.OrderID, r.Amount, key), nil
	})
}

// charge records a payment once per idempotency key; an empty key always
// charges.
func (c *Config) charge(orderID string, amount float64, key string) Payment {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 1
	for _, p := range c.payments {
		if key != "" && p.IdempotencyKey == key {
			return *p
		}
		if p.OrderID == orderID {
			n++
		}
	}
	p := &Payment{
		PaymentID:      fmt.Sprintf("pay-%s-%d", orderID, n),
		OrderID:        orderID,
		Amount:         amount,
		IdempotencyKey: key,
		Status:         "CAPTURED",
	}
	c.payments = append(c.payments, p)
	return *p
}

// Confirmation is what confirm-order returns.
type Confirmation struct {
	ConfirmationID string `json:"confirmationId"`
	Status         string `json:"status"`
}

func (c *Config) confirmOrder(ctx context.Context, o Order) (Confirmation, error) {
	return do(ctx, c, stepConfirm, o.OrderID, o.Steering, func(call) (Confirmation, error) {
		return Confirmation{ConfirmationID: "conf-" + o.OrderID, Status: "CONFIRMED"}, nil
	})
}

// RefundRequest is the input of refund-payment: the order with the
// payment that process-payment placed in it (the saga's $.payment).
type RefundRequest struct {
	OrderID string `json:"orderId"`
	Payment struct {
		PaymentID string `json:"paymentId"`
	} `json:"payment"`
	Steering
}

// Refund is what refund-payment returns.
type Refund struct {
	RefundID  string  `json:"refundId"`
	PaymentID string  `json:"paymentId"`
	Amount    float64 `json:"amount"`
}

func (c *Config) refundPayment(ctx context.Context, r RefundRequest) (Refund, error) {
	return do(ctx, c, stepRefund, r.OrderID, r.Steering, func(call) (Refund, error) {
		return c.refund(r.OrderID, r.Payment.PaymentID)
	})
}

// refund marks the order's payment (the one named paymentID, or else the
// order's last) refunded; refunding twice returns the same refund.
func (c *Config) refund(orderID, paymentID string) (Refund, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var found *Payment
	for _, p := range c.payments {
		if p.OrderID == orderID && (paymentID == "" || p.PaymentID == paymentID) {
			found = p
		}
	}
	if found == nil {
		return Refund{}, activities.NewError("PaymentNotFound",
			fmt.Sprintf("order %s has no payment %q to refund", orderID, paymentID))
	}
	found.Status = "REFUNDED"
	return Refund{RefundID: "ref-" + found.PaymentID, PaymentID: found.PaymentID, Amount: found.Amount}, nil
}

// Release is what release-inventory returns.
type Release struct {
	ReservationID string `json:"reservationId"`
	Released      bool   `json:"released"`
}

func (c *Config) releaseInventory(ctx context.Context, o Order) (Release, error) {
	return do(ctx, c, stepRelease, o.OrderID, o.Steering, func(call) (Release, error) {
		return Release{ReservationID: "res-" + o.OrderID, Released: true}, nil
	})
}
