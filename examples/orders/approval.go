package orders

import (
	"context"
	"fmt"

	"github.com/stepwise-run/stepwise/activities"
)

// ApprovalRequest is the input of request-approval, and what the Config
// records for each request.
type ApprovalRequest struct {
	OrderID  string  `json:"orderId"`
	Amount   float64 `json:"amount"`
	Approver string  `json:"approver,omitempty"`
	// TaskToken answers the request (SendTaskSuccess or SendTaskFailure);
	// empty means the task's own token.
	TaskToken string `json:"taskToken,omitempty"`
	Steering
}

// ApprovalSent is what request-approval returns. With
// .waitForTaskToken the engine ignores it: the task's result is what the
// approver sends back.
type ApprovalSent struct {
	Requested bool   `json:"requested"`
	Approver  string `json:"approver"`
}

func (c *Config) requestApproval(ctx context.Context, r ApprovalRequest) (ApprovalSent, error) {
	return do(ctx, c, stepApproval, r.OrderID, r.Steering, func(call) (ApprovalSent, error) {
		if r.TaskToken == "" {
			info, _ := activities.Info(ctx)
			r.TaskToken = info.TaskToken
		}
		if r.TaskToken == "" {
			return ApprovalSent{}, activities.NewError("ValidationError",
				fmt.Sprintf("approval for order %s has no task token to answer with", r.OrderID))
		}
		if r.Approver == "" {
			r.Approver = "approvals@example.com"
		}
		if c.addApproval(r) && c.OnApprovalRequest != nil {
			c.OnApprovalRequest(r)
		}
		return ApprovalSent{Requested: true, Approver: r.Approver}, nil
	})
}

// addApproval records r unless a request with its task token is already
// recorded (a redelivery), and reports whether it did.
func (c *Config) addApproval(r ApprovalRequest) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range c.approvals {
		if a.TaskToken == r.TaskToken {
			return false
		}
	}
	c.approvals = append(c.approvals, r)
	return true
}
