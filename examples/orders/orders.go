package orders

import "github.com/stepwise-run/stepwise/activities"

// The names the example functions are registered under.
const (
	ReserveInventory = "reserve-inventory"
	ProcessPayment   = "process-payment"
	ConfirmOrder     = "confirm-order"
	RefundPayment    = "refund-payment"
	ReleaseInventory = "release-inventory"
	ValidateOrder    = "validate-order"
	CheckInventory   = "check-inventory"
	ShipOrder        = "ship-order"
	SendInvoice      = "send-invoice"
	NotifyCustomer   = "notify-customer"
	RequestApproval  = "request-approval"
)

// Order is the input of the functions that take a whole order. Fields it
// does not name (earlier steps' results) are ignored.
type Order struct {
	OrderID  string   `json:"orderId"`
	Amount   float64  `json:"amount"`
	Customer Customer `json:"customer"`
	Items    []Item   `json:"items,omitempty"`
	Steering
}

// Customer is who placed an order.
type Customer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
}

// Item is one line of an order.
type Item struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
}

// Register binds every example function to reg under the names above, and
// the service integrations DynamoDBPutItem and SNSPublish, sharing cfg; a
// nil cfg means a private Config nobody can inspect.
func Register(reg *activities.Registry, cfg *Config) {
	if cfg == nil {
		cfg = &Config{}
	}
	activities.Register(reg, ReserveInventory, cfg.reserveInventory)
	activities.Register(reg, ProcessPayment, cfg.processPayment)
	activities.Register(reg, ConfirmOrder, cfg.confirmOrder)
	activities.Register(reg, RefundPayment, cfg.refundPayment)
	activities.Register(reg, ReleaseInventory, cfg.releaseInventory)
	activities.Register(reg, ValidateOrder, cfg.validateOrder)
	activities.Register(reg, CheckInventory, cfg.checkInventory)
	activities.Register(reg, ShipOrder, cfg.shipOrder)
	activities.Register(reg, SendInvoice, cfg.sendInvoice)
	activities.Register(reg, NotifyCustomer, cfg.notifyCustomer)
	activities.Register(reg, RequestApproval, cfg.requestApproval)
	activities.RegisterIntegration(reg, DynamoDBPutItem, cfg.putItem)
	activities.RegisterIntegration(reg, SNSPublish, cfg.publish)
}
