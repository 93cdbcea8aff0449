package orders

import (
	"context"
	"errors"
	"sync"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
)

// Config holds the shared state of the example functions: call counters,
// the call log, the payment ledger, approval requests, the steering
// remembered per order, the Orders table and the messages published to SNS. Its zero value is ready to use; it is safe for
// concurrent use and must not be copied after first use.
type Config struct {
	// OnApprovalRequest, when set, is called with each new approval request
	// after it is recorded and before request-approval returns; nil means
	// requests are only recorded.
	OnApprovalRequest func(ApprovalRequest)

	mu        sync.Mutex
	counts    map[callKey]int
	calls     []Call
	steering  map[string]Steering
	payments  []*Payment
	approvals []ApprovalRequest
	// orders is the in-memory DynamoDB Orders table, by orderId.
	orders map[string]storedItem
	// published are the messages published to SNS topics.
	published []SNSMessage
}

// callKey counts the calls of one function for one order.
type callKey struct{ orderID, function string }

// Call is one call of an example function.
type Call struct {
	Function string
	OrderID  string
	// StateName, Attempt and IdempotencyKey come from the task's
	// activities.TaskInfo; they are zero when the function ran outside a
	// task.
	StateName      string
	Attempt        int
	IdempotencyKey string
	// Error is the name of the error the call raised; empty on success.
	Error string
}

// Calls returns every call so far, in the order they finished.
func (c *Config) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Call(nil), c.calls...)
}

// CallsFor returns the calls for one order, in the order they finished.
func (c *Config) CallsFor(orderID string) []Call {
	var out []Call
	for _, call := range c.Calls() {
		if call.OrderID == orderID {
			out = append(out, call)
		}
	}
	return out
}

// Count returns how many times function has been called for orderID.
func (c *Config) Count(orderID, function string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[callKey{orderID, function}]
}

// Payments returns a copy of the payment ledger, in the order the charges
// were made.
func (c *Config) Payments() []Payment {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Payment, len(c.payments))
	for i, p := range c.payments {
		out[i] = *p
	}
	return out
}

// Approvals returns the approval requests recorded so far, one per task
// token, in the order they arrived.
func (c *Config) Approvals() []ApprovalRequest {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]ApprovalRequest(nil), c.approvals...)
}

// next counts a call of function for orderID and returns its number,
// starting at 1.
func (c *Config) next(orderID, function string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[callKey]int{}
	}
	k := callKey{orderID, function}
	c.counts[k]++
	return c.counts[k]
}

// steer returns s when it sets anything, and otherwise the steering last
// seen for orderID; it remembers a non-empty s for the order.
func (c *Config) steer(orderID string, s Steering) Steering {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !s.empty() {
		if c.steering == nil {
			c.steering = map[string]Steering{}
		}
		c.steering[orderID] = s
		return s
	}
	return c.steering[orderID]
}

// record logs a finished call.
func (c *Config) record(ctx context.Context, function, orderID string, err error) {
	info, _ := activities.Info(ctx)
	call := Call{
		Function:       function,
		OrderID:        orderID,
		StateName:      info.StateName,
		Attempt:        info.Attempt,
		IdempotencyKey: info.IdempotencyKey,
	}
	var e *asl.Error
	switch {
	case errors.As(err, &e):
		call.Error = e.Name
	case err != nil:
		call.Error = asl.ErrorTaskFailed
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, call)
}
