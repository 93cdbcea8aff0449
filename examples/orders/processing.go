package orders

import (
	"context"
	"fmt"

	"github.com/stepwise-run/stepwise/activities"
)

// Validation is what validate-order returns.
type Validation struct {
	Valid bool `json:"valid"`
	// Lines is the number of items in the order.
	Lines int `json:"lines"`
}

func (c *Config) validateOrder(ctx context.Context, o Order) (Validation, error) {
	return do(ctx, c, stepValidate, o.OrderID, o.Steering, func(cl call) (Validation, error) {
		if problem := invalidity(o, cl.steer); problem != "" {
			return Validation{}, activities.NewError("ValidationError", fmt.Sprintf("order %s is invalid: %s", o.OrderID, problem))
		}
		if cl.n <= cl.steer.FlakyValidation {
			return Validation{}, activities.NewError("ServiceException",
				fmt.Sprintf("the validation service is unavailable (call %d of %d flaky ones)", cl.n, cl.steer.FlakyValidation))
		}
		return Validation{Valid: true, Lines: len(o.Items)}, nil
	})
}

// invalidity says what is wrong with an order, or "".
func invalidity(o Order, s Steering) string {
	switch {
	case s.Invalid:
		return "it is marked invalid"
	case o.OrderID == "":
		return "it has no orderId"
	case o.Amount <= 0:
		return fmt.Sprintf("its amount %v is not positive", o.Amount)
	}
	for _, it := range o.Items {
		if it.Quantity <= 0 {
			return fmt.Sprintf("item %s has quantity %d", it.SKU, it.Quantity)
		}
	}
	return ""
}

// Availability is what check-inventory returns.
type Availability struct {
	Available bool `json:"available"`
	// Checks is how many times the order's stock has been checked.
	Checks int `json:"checks"`
}

func (c *Config) checkInventory(ctx context.Context, o Order) (Availability, error) {
	return do(ctx, c, stepCheck, o.OrderID, o.Steering, func(cl call) (Availability, error) {
		return Availability{Available: cl.n > cl.steer.RestockAfter, Checks: cl.n}, nil
	})
}

// Shipment is what ship-order returns.
type Shipment struct {
	TrackingNumber string `json:"trackingNumber"`
	Carrier        string `json:"carrier"`
}

func (c *Config) shipOrder(ctx context.Context, o Order) (Shipment, error) {
	return do(ctx, c, stepShip, o.OrderID, o.Steering, func(call) (Shipment, error) {
		return Shipment{TrackingNumber: "TRK-" + o.OrderID, Carrier: "ground"}, nil
	})
}

// InvoiceRequest is the input of send-invoice.
type InvoiceRequest struct {
	OrderID   string  `json:"orderId"`
	Amount    float64 `json:"amount"`
	PaymentID string  `json:"paymentId,omitempty"`
	Steering
}

// Invoice is what send-invoice returns.
type Invoice struct {
	InvoiceID string  `json:"invoiceId"`
	Amount    float64 `json:"amount"`
	PaymentID string  `json:"paymentId,omitempty"`
}

func (c *Config) sendInvoice(ctx context.Context, r InvoiceRequest) (Invoice, error) {
	return do(ctx, c, stepInvoice, r.OrderID, r.Steering, func(call) (Invoice, error) {
		return Invoice{InvoiceID: "inv-" + r.OrderID, Amount: r.Amount, PaymentID: r.PaymentID}, nil
	})
}

// Notification is what notify-customer returns.
type Notification struct {
	Notified  bool   `json:"notified"`
	Channel   string `json:"channel"`
	Recipient string `json:"recipient"`
}

func (c *Config) notifyCustomer(ctx context.Context, o Order) (Notification, error) {
	return do(ctx, c, stepNotify, o.OrderID, o.Steering, func(call) (Notification, error) {
		to := o.Customer.Email
		if to == "" {
			to = "customer of order " + o.OrderID
		}
		return Notification{Notified: true, Channel: "email", Recipient: to}, nil
	})
}
