package testengine

import (
	"testing"
	"time"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/examples/orders"
	"github.com/stepwise-run/stepwise/internal/testkit"
)

// Orders is an engine of New with the example order functions registered;
// Approvals receives each approval request they make.
type Orders struct {
	*engine.Engine
	Config    *orders.Config
	Approvals chan orders.ApprovalRequest
}

// NewOrders starts an engine (see New) with the order functions and the
// observer obs (nil means none).
func NewOrders(t testing.TB, obs engine.Observer) *Orders {
	t.Helper()
	reg := activities.NewRegistry()
	approvals := make(chan orders.ApprovalRequest, 16)
	oc := &orders.Config{OnApprovalRequest: func(r orders.ApprovalRequest) { approvals <- r }}
	orders.Register(reg, oc)
	return &Orders{Engine: New(t, reg, obs), Config: oc, Approvals: approvals}
}

// Token waits for the next approval request and returns its task token.
func (o *Orders) Token(t testing.TB) string {
	t.Helper()
	return testkit.Receive(t, o.Approvals, 10*time.Second, "approval request").TaskToken
}
