package orders

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/internal/history"
)

// callback answers a .waitForTaskToken task in place of the callback: it
// gets the approval request the function recorded.
type callback func(r ApprovalRequest) (any, error)

// run executes the example definition in ../example on input (JSON, or ""
// for the example's input.json) with the example functions, in memory.
func run(t *testing.T, example, input string, answer callback) (*runner.Result, *Config) {
	t.Helper()
	dir := filepath.Join("..", example)
	def, err := os.ReadFile(filepath.Join(dir, "definition.asl.json"))
	require.NoError(t, err)
	require.Empty(t, asl.Validate(def))
	m, err := asl.Parse(def)
	require.NoError(t, err)
	if input == "" {
		data, err := os.ReadFile(filepath.Join(dir, "input.json"))
		require.NoError(t, err)
		input = string(data)
	}
	in, err := asl.DecodeJSON([]byte(input))
	require.NoError(t, err)
	reg, cfg := newRegistry()
	res, err := runner.Run(context.Background(), m, in, &runner.Config{Tasks: handler(reg, cfg, answer), ExecutionName: example})
	require.NoError(t, err)
	return res, cfg
}

// handler runs Task states through the registry as the engine would,
// numbering attempts per state.
func handler(reg *activities.Registry, cfg *Config, answer callback) runner.TaskHandler {
	var mu sync.Mutex
	attempts := map[string]int{}
	return func(ctx context.Context, call *asl.TaskCall, token string) (any, error) {
		mu.Lock()
		attempt := attempts[call.State]
		attempts[call.State]++
		mu.Unlock()
		ctx = activities.WithTask(ctx, activities.TaskInfo{
			ExecutionARN:   "arn:aws:states:us-east-1:123456789012:execution:examples:test",
			StateName:      call.State,
			Attempt:        attempt,
			IdempotencyKey: fmt.Sprintf("test/%s/%d", call.State, attempt),
			TaskToken:      token,
		}, nil)
		out, err := reg.Invoke(ctx, call.Resource, call.Input)
		if err != nil || !call.WaitForToken {
			return out, err
		}
		approvals := cfg.Approvals()
		return answer(approvals[len(approvals)-1])
	}
}

// functions lists the functions called for an order, with the error each
// raised after a slash.
func functions(cfg *Config, orderID string) []string {
	var out []string
	for _, c := range cfg.CallsFor(orderID) {
		s := c.Function
		if c.Error != "" {
			s += "/" + c.Error
		}
		out = append(out, s)
	}
	return out
}

func TestOrderSaga(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		steering string
		status   string
		errName  string
		calls    []string
		payments []string
	}{
		{"confirmed", ``, runner.StatusSucceeded, "",
			[]string{ReserveInventory, ProcessPayment, ConfirmOrder}, []string{"CAPTURED"}},
		{"reservation fails", `"failAt":"ReserveInventory"`, runner.StatusFailed, "OutOfStock",
			[]string{ReserveInventory + "/OutOfStock"}, nil},
		{"reservation retried", `"failAt":"ReserveInventory","failError":"ServiceException","failTimes":2`, runner.StatusSucceeded, "",
			[]string{ReserveInventory + "/ServiceException", ReserveInventory + "/ServiceException", ReserveInventory, ProcessPayment, ConfirmOrder},
			[]string{"CAPTURED"}},
		{"payment declined", `"failAt":"ProcessPayment"`, runner.StatusFailed, "PaymentDeclined",
			[]string{ReserveInventory, ProcessPayment + "/PaymentDeclined", ReleaseInventory}, nil},
		{"confirmation fails", `"failAt":"ConfirmOrder"`, runner.StatusFailed, "ConfirmationFailed",
			[]string{ReserveInventory, ProcessPayment, ConfirmOrder + "/ConfirmationFailed", RefundPayment, ReleaseInventory},
			[]string{"REFUNDED"}},
		{"refund retried", `"failAt":["ConfirmOrder","RollbackPayment"],"failTimes":2`, runner.StatusFailed, "ConfirmationFailed",
			[]string{ReserveInventory, ProcessPayment, ConfirmOrder + "/ConfirmationFailed",
				RefundPayment + "/RefundFailed", RefundPayment + "/RefundFailed", RefundPayment, ReleaseInventory},
			[]string{"REFUNDED"}},
		{"release retried", `"failAt":["ProcessPayment","ReleaseInventory"],"failError":"ServiceException","failTimes":1`,
			runner.StatusFailed, "ServiceException",
			[]string{ReserveInventory, ProcessPayment + "/ServiceException", ReleaseInventory + "/ServiceException", ReleaseInventory},
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			input := `{"orderId":"o-1","amount":42,"items":[{"sku":"kettle","quantity":1}]}`
			if tt.steering != "" {
				input = input[:len(input)-1] + "," + tt.steering + "}"
			}
			res, cfg := run(t, "order-saga", input, nil)
			require.Equal(t, tt.status, res.Status, "%+v", res.Error)
			if tt.errName != "" {
				require.Equal(t, tt.errName, res.Error.Name)
			}
			require.Equal(t, tt.calls, functions(cfg, "o-1"))
			var statuses []string
			for _, p := range cfg.Payments() {
				statuses = append(statuses, p.Status)
			}
			require.Equal(t, tt.payments, statuses)
		})
	}
}

func TestOrderSagaCompensationRetried(t *testing.T) {
	t.Parallel()
	input := `{"orderId":"o-1","amount":42,"failAt":"ConfirmOrder"}`
	res, cfg := run(t, "order-saga", input, nil)
	require.Equal(t, runner.StatusFailed, res.Status)
	require.Equal(t, "ConfirmationFailed", res.Error.Name)
	require.Equal(t, "ConfirmOrder failed for order o-1 (steered by failAt, call 1)", res.Error.Cause)
	calls := cfg.CallsFor("o-1")
	require.Equal(t, "RollbackPayment", calls[3].StateName)
	require.Equal(t, "RollbackInventory", calls[4].StateName)
}

func TestOrderProcessing(t *testing.T) {
	t.Parallel()
	const happy = `{"inventoryChecks":%d,"invoiceId":"inv-order-2001","notified":true,"orderId":"order-2001",` +
		`"paymentId":"pay-order-2001-1","status":"FULFILLED","trackingNumber":"TRK-order-2001"}`
	order := `{"orderId":"order-2001","amount":120,"customer":{"email":"ada@example.com"},"items":[{"sku":"kettle","quantity":1}]`
	tests := []struct {
		name     string
		input    string
		status   string
		output   string
		errName  string
		validate int
		checks   int
	}{
		{"example input", "", runner.StatusSucceeded, fmt.Sprintf(happy, 2), "", 1, 2},
		{"in stock", order + "}", runner.StatusSucceeded, fmt.Sprintf(happy, 1), "", 1, 1},
		{"restock after three", order + `,"restockAfter":3}`, runner.StatusSucceeded, fmt.Sprintf(happy, 4), "", 1, 4},
		{"flaky validation", order + `,"flakyValidation":2}`, runner.StatusSucceeded, fmt.Sprintf(happy, 1), "", 3, 1},
		{"too flaky", order + `,"flakyValidation":4}`, runner.StatusFailed, "", "ServiceException", 4, 0},
		{"invalid", order + `,"invalid":true}`, runner.StatusFailed, "", "OrderRejected", 1, 0},
		{"payment declined", order + `,"failAt":"ProcessPayment"}`, runner.StatusFailed, "", "PaymentDeclined", 1, 1},
		{"shipping fails", order + `,"failAt":"ShipOrder"}`, runner.StatusFailed, "", "ShippingFailed", 1, 1},
		{"notification retried", order + `,"failAt":"NotifyCustomer","failTimes":1}`, runner.StatusSucceeded, fmt.Sprintf(happy, 1), "", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, cfg := run(t, "order-processing", tt.input, nil)
			require.Equal(t, tt.status, res.Status, "%+v", res.Error)
			if tt.output != "" {
				require.JSONEq(t, tt.output, asl.EncodeJSON(res.Output))
			}
			if tt.errName != "" {
				require.Equal(t, tt.errName, res.Error.Name)
			}
			require.Equal(t, tt.validate, cfg.Count("order-2001", ValidateOrder))
			require.Equal(t, tt.checks, cfg.Count("order-2001", CheckInventory))
		})
	}
}

func TestOrderProcessingWaitsForRestock(t *testing.T) {
	t.Parallel()
	res, _ := run(t, "order-processing", "", nil)
	require.Equal(t, runner.StatusSucceeded, res.Status)
	waits := 0
	for _, e := range res.Events {
		if e.Type == history.WaitStateEntered {
			waits++
		}
	}
	require.Equal(t, 1, waits)
}

func TestApproval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		answer  callback
		status  string
		output  string
		errName string
		cause   string
	}{
		{"approved", func(r ApprovalRequest) (any, error) {
			return map[string]any{"approvedBy": "cfo", "token": r.TaskToken}, nil
		}, runner.StatusSucceeded,
			`{"orderId":"order-3001","status":"APPROVED","approval":{"approvedBy":"cfo","token":"%s"}}`, "", ""},
		{"rejected", func(ApprovalRequest) (any, error) {
			return nil, activities.NewError("Rejected", "over budget")
		}, runner.StatusFailed, "", "Rejected", "over budget"},
		{"expired", func(ApprovalRequest) (any, error) {
			return nil, asl.NewError(asl.ErrorHeartbeatTimeout, "no heartbeat")
		}, runner.StatusFailed, "", "ApprovalExpired", "no approver answered in time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, cfg := run(t, "approval", "", tt.answer)
			require.Equal(t, tt.status, res.Status, "%+v", res.Error)
			approvals := cfg.Approvals()
			require.Len(t, approvals, 1)
			require.Equal(t, "order-3001", approvals[0].OrderID)
			require.NotEmpty(t, approvals[0].TaskToken)
			if tt.output != "" {
				require.JSONEq(t, fmt.Sprintf(tt.output, approvals[0].TaskToken), asl.EncodeJSON(res.Output))
			}
			if tt.errName != "" {
				require.Equal(t, tt.errName, res.Error.Name)
				require.Equal(t, tt.cause, res.Error.Cause)
			}
		})
	}
}
