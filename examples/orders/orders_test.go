package orders

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
)

const arn = "arn:aws:lambda:us-east-1:123456789012:function:"

// newRegistry returns a registry with the example functions sharing a new
// Config.
func newRegistry() (*activities.Registry, *Config) {
	reg, cfg := activities.NewRegistry(), &Config{}
	Register(reg, cfg)
	return reg, cfg
}

// invoke invokes function as Task state state would, on input given as JSON.
func invoke(reg *activities.Registry, state, function, input string, attempt int) (any, error) {
	in, err := asl.DecodeJSON([]byte(input))
	if err != nil {
		panic(err)
	}
	ctx := activities.WithTask(context.Background(), activities.TaskInfo{
		ExecutionARN:   "arn:aws:states:us-east-1:123456789012:execution:orders:test",
		StateName:      state,
		Attempt:        attempt,
		IdempotencyKey: fmt.Sprintf("test/%s/%d", state, attempt),
		TaskToken:      "token-" + state,
	}, nil)
	return reg.Invoke(ctx, arn+function, in)
}

func TestRegister(t *testing.T) {
	t.Parallel()
	reg := activities.NewRegistry()
	Register(reg, nil)
	require.Equal(t, []string{
		CheckInventory, ConfirmOrder, DynamoDBPutItem, NotifyCustomer, ProcessPayment, RefundPayment, ReleaseInventory,
		RequestApproval, ReserveInventory, SendInvoice, ShipOrder, SNSPublish, ValidateOrder,
	}, reg.Names())
}

func TestFunctions(t *testing.T) {
	t.Parallel()
	const order = `{"orderId":"o-1","amount":42,"customer":{"email":"ada@example.com"},"items":[{"sku":"kettle","quantity":2},{"sku":"cup","quantity":3}]}`
	tests := []struct {
		function string
		input    string
		want     string
	}{
		{ReserveInventory, order, `{"reservationId":"res-o-1","units":5}`},
		{ProcessPayment, `{"orderId":"o-1","amount":42,"idempotencyKey":"o-1-payment"}`,
			`{"paymentId":"pay-o-1-1","orderId":"o-1","amount":42,"idempotencyKey":"o-1-payment","status":"CAPTURED"}`},
		{ProcessPayment, order,
			`{"paymentId":"pay-o-1-1","orderId":"o-1","amount":42,"idempotencyKey":"test/S/0","status":"CAPTURED"}`},
		{ConfirmOrder, order, `{"confirmationId":"conf-o-1","status":"CONFIRMED"}`},
		{ReleaseInventory, order, `{"reservationId":"res-o-1","released":true}`},
		{ValidateOrder, order, `{"valid":true,"lines":2}`},
		{CheckInventory, order, `{"available":true,"checks":1}`},
		{ShipOrder, order, `{"trackingNumber":"TRK-o-1","carrier":"ground"}`},
		{SendInvoice, `{"orderId":"o-1","amount":42.5,"paymentId":"pay-o-1-1"}`, `{"invoiceId":"inv-o-1","amount":42.5,"paymentId":"pay-o-1-1"}`},
		{NotifyCustomer, order, `{"notified":true,"channel":"email","recipient":"ada@example.com"}`},
		{NotifyCustomer, `{"orderId":"o-1"}`, `{"notified":true,"channel":"email","recipient":"customer of order o-1"}`},
		{RequestApproval, `{"orderId":"o-1","amount":42,"taskToken":"tok"}`, `{"requested":true,"approver":"approvals@example.com"}`},
		{RequestApproval, `{"orderId":"o-1","approver":"cfo@example.com"}`, `{"requested":true,"approver":"cfo@example.com"}`},
	}
	for _, tt := range tests {
		t.Run(tt.function, func(t *testing.T) {
			t.Parallel()
			reg, _ := newRegistry()
			out, err := invoke(reg, "S", tt.function, tt.input, 0)
			require.NoError(t, err)
			require.JSONEq(t, tt.want, asl.EncodeJSON(out))
		})
	}
}

func TestSteeredFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		state    string
		function string
		input    string
		errName  string
		cause    string
	}{
		{"step name", "ProcessPayment", ProcessPayment, `{"orderId":"o-1","amount":5,"failAt":"ProcessPayment"}`,
			"PaymentDeclined", "ProcessPayment failed for order o-1 (steered by failAt, call 1)"},
		{"function name", "Pay", ProcessPayment, `{"orderId":"o-1","amount":5,"failAt":"process-payment"}`,
			"PaymentDeclined", ""},
		{"state name", "RollbackPayment", RefundPayment, `{"orderId":"o-1","failAt":"RollbackPayment"}`, "RefundFailed", ""},
		{"failError", "ReserveInventory", ReserveInventory, `{"orderId":"o-1","failAt":"ReserveInventory","failError":"ServiceException"}`,
			"ServiceException", ""},
		{"reserve", "X", ReserveInventory, `{"orderId":"o-1","failAt":"ReserveInventory"}`, "OutOfStock", ""},
		{"confirm", "X", ConfirmOrder, `{"orderId":"o-1","failAt":"ConfirmOrder"}`, "ConfirmationFailed", ""},
		{"release", "X", ReleaseInventory, `{"orderId":"o-1","failAt":"ReleaseInventory"}`, "ReleaseFailed", ""},
		{"validate", "X", ValidateOrder, `{"orderId":"o-1","amount":1,"failAt":"ValidateOrder"}`, "ValidationError", ""},
		{"check", "X", CheckInventory, `{"orderId":"o-1","failAt":"CheckInventory"}`, "InventoryUnavailable", ""},
		{"ship", "X", ShipOrder, `{"orderId":"o-1","failAt":"ShipOrder"}`, "ShippingFailed", ""},
		{"invoice", "X", SendInvoice, `{"orderId":"o-1","failAt":"SendInvoice"}`, "InvoiceFailed", ""},
		{"notify", "X", NotifyCustomer, `{"orderId":"o-1","failAt":"NotifyCustomer"}`, "NotificationFailed", ""},
		{"approval", "X", RequestApproval, `{"orderId":"o-1","failAt":"RequestApproval"}`, "ApprovalUnavailable", ""},
		{"invalid", "X", ValidateOrder, `{"orderId":"o-1","amount":1,"invalid":true}`,
			"ValidationError", "order o-1 is invalid: it is marked invalid"},
		{"no order id", "X", ValidateOrder, `{"amount":1}`, "ValidationError", "order  is invalid: it has no orderId"},
		{"no amount", "X", ValidateOrder, `{"orderId":"o-1"}`, "ValidationError", "order o-1 is invalid: its amount 0 is not positive"},
		{"bad quantity", "X", ValidateOrder, `{"orderId":"o-1","amount":3,"items":[{"sku":"cup","quantity":0}]}`,
			"ValidationError", "order o-1 is invalid: item cup has quantity 0"},
		{"refund without payment", "X", RefundPayment, `{"orderId":"o-1","payment":{"paymentId":"pay-x"}}`,
			"PaymentNotFound", `order o-1 has no payment "pay-x" to refund`},
		{"approval without token", "", RequestApproval, `{"orderId":"o-1"}`,
			"ValidationError", "approval for order o-1 has no task token to answer with"},
		{"bad input", "X", ReserveInventory, `{"orderId":7}`, activities.ErrorInvalidInput, ""},
		{"bad failAt", "X", ReserveInventory, `{"orderId":"o-1","failAt":7}`, activities.ErrorInvalidInput,
			"function reserve-inventory cannot decode its input into orders.Order: failAt must be a step name or an array of step names: json: cannot unmarshal number into Go value of type []string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg, cfg := newRegistry()
			var err error
			if tt.state == "" {
				in, _ := asl.DecodeJSON([]byte(tt.input))
				_, err = reg.Invoke(context.Background(), arn+tt.function, in)
			} else {
				_, err = invoke(reg, tt.state, tt.function, tt.input, 0)
			}
			var e *asl.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tt.errName, e.Name)
			if tt.cause != "" {
				require.Equal(t, tt.cause, e.Cause)
			}
			if tt.errName != activities.ErrorInvalidInput {
				require.Equal(t, tt.errName, cfg.Calls()[0].Error)
			}
		})
	}
}

// outcomes calls function n times for one order and returns the error
// name of each call, "" for success.
func outcomes(reg *activities.Registry, function, input string, n int) []string {
	var out []string
	for i := range n {
		_, err := invoke(reg, "S", function, input, i)
		name := ""
		var e *asl.Error
		if errors.As(err, &e) {
			name = e.Name
		}
		out = append(out, name)
	}
	return out
}

func TestCountedSteering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		function string
		input    string
		want     []string
	}{
		{"flaky validation", ValidateOrder, `{"orderId":"o-1","amount":1,"flakyValidation":2}`,
			[]string{"ServiceException", "ServiceException", "", ""}},
		{"failTimes", ShipOrder, `{"orderId":"o-1","failAt":"ShipOrder","failTimes":1}`,
			[]string{"ShippingFailed", "", ""}},
		{"failAt always", ShipOrder, `{"orderId":"o-1","failAt":"ShipOrder"}`,
			[]string{"ShippingFailed", "ShippingFailed", "ShippingFailed"}},
		{"other step", ShipOrder, `{"orderId":"o-1","failAt":"SendInvoice"}`, []string{"", ""}},
		{"list", ShipOrder, `{"orderId":"o-1","failAt":["SendInvoice","ShipOrder"],"failTimes":2}`,
			[]string{"ShippingFailed", "ShippingFailed", ""}},
		{"empty list", ShipOrder, `{"orderId":"o-1","failAt":[]}`, []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg, _ := newRegistry()
			require.Equal(t, tt.want, outcomes(reg, tt.function, tt.input, len(tt.want)))
		})
	}
}

func TestRestock(t *testing.T) {
	t.Parallel()
	reg, cfg := newRegistry()
	var got []any
	for i := range 4 {
		out, err := invoke(reg, "CheckInventory", CheckInventory, `{"orderId":"o-1","restockAfter":2}`, i)
		require.NoError(t, err)
		got = append(got, out.(map[string]any)["available"])
	}
	require.Equal(t, []any{false, false, true, true}, got)
	out, err := invoke(reg, "CheckInventory", CheckInventory, `{"orderId":"o-2","restockAfter":2}`, 0)
	require.NoError(t, err)
	require.Equal(t, false, out.(map[string]any)["available"], "counters are per order")
	require.Equal(t, 4, cfg.Count("o-1", CheckInventory))
	require.Equal(t, 1, cfg.Count("o-2", CheckInventory))
	require.Equal(t, 0, cfg.Count("o-3", CheckInventory))
}

func TestRememberedSteering(t *testing.T) {
	t.Parallel()
	reg, cfg := newRegistry()
	_, err := invoke(reg, "ReserveInventory", ReserveInventory, `{"orderId":"o-1","amount":5,"failAt":"ProcessPayment"}`, 0)
	require.NoError(t, err)
	_, err = invoke(reg, "ProcessPayment", ProcessPayment, `{"orderId":"o-1","amount":5,"idempotencyKey":"k"}`, 0)
	require.ErrorContains(t, err, "PaymentDeclined")
	_, err = invoke(reg, "ProcessPayment", ProcessPayment, `{"orderId":"o-2","amount":5,"idempotencyKey":"k2"}`, 0)
	require.NoError(t, err, "steering belongs to its order")
	require.Len(t, cfg.Payments(), 1)
}

func TestPaymentLedger(t *testing.T) {
	t.Parallel()
	reg, cfg := newRegistry()
	pay := func(input string, attempt int) string {
		out, err := invoke(reg, "ProcessPayment", ProcessPayment, input, attempt)
		require.NoError(t, err)
		return out.(map[string]any)["paymentId"].(string)
	}
	first := pay(`{"orderId":"o-1","amount":5,"idempotencyKey":"o-1-payment"}`, 0)
	again := pay(`{"orderId":"o-1","amount":5,"idempotencyKey":"o-1-payment"}`, 1)
	require.Equal(t, "pay-o-1-1", first)
	require.Equal(t, first, again, "the same idempotency key charges once")
	byTask := pay(`{"orderId":"o-1","amount":7}`, 0)
	byTaskAgain := pay(`{"orderId":"o-1","amount":7}`, 0)
	require.Equal(t, "pay-o-1-2", byTask)
	require.Equal(t, byTask, byTaskAgain, "a redelivered attempt has the same task key")
	require.Equal(t, "pay-o-1-3", pay(`{"orderId":"o-1","amount":7}`, 1))

	refund := func(input string) any {
		out, err := invoke(reg, "RollbackPayment", RefundPayment, input, 0)
		require.NoError(t, err)
		return out
	}
	want := map[string]any{"refundId": "ref-pay-o-1-1", "paymentId": "pay-o-1-1", "amount": int64(5)}
	require.Equal(t, want, refund(`{"orderId":"o-1","payment":{"paymentId":"pay-o-1-1"}}`))
	require.Equal(t, want, refund(`{"orderId":"o-1","payment":{"paymentId":"pay-o-1-1"}}`))
	require.Equal(t, "ref-pay-o-1-3", refund(`{"orderId":"o-1"}`).(map[string]any)["refundId"])

	var statuses []string
	for _, p := range cfg.Payments() {
		statuses = append(statuses, p.PaymentID+" "+p.Status)
	}
	require.Equal(t, []string{"pay-o-1-1 REFUNDED", "pay-o-1-2 CAPTURED", "pay-o-1-3 REFUNDED"}, statuses)
}

func TestApprovals(t *testing.T) {
	t.Parallel()
	reg := activities.NewRegistry()
	var hooked []string
	cfg := &Config{OnApprovalRequest: func(r ApprovalRequest) { hooked = append(hooked, r.TaskToken) }}
	Register(reg, cfg)
	for _, input := range []string{
		`{"orderId":"o-1","amount":10,"taskToken":"t-1"}`,
		`{"orderId":"o-1","amount":10,"taskToken":"t-1"}`,
		`{"orderId":"o-2","amount":20}`,
	} {
		_, err := invoke(reg, "RequestApproval", RequestApproval, input, 0)
		require.NoError(t, err)
	}
	require.Equal(t, []ApprovalRequest{
		{OrderID: "o-1", Amount: 10, Approver: "approvals@example.com", TaskToken: "t-1"},
		{OrderID: "o-2", Amount: 20, Approver: "approvals@example.com", TaskToken: "token-RequestApproval"},
	}, cfg.Approvals())
	require.Equal(t, []string{"t-1", "token-RequestApproval"}, hooked, "a redelivered request is not announced twice")
}

func TestCallLog(t *testing.T) {
	t.Parallel()
	reg, cfg := newRegistry()
	_, err := invoke(reg, "ValidateOrder", ValidateOrder, `{"orderId":"o-1","amount":1,"flakyValidation":1}`, 0)
	require.Error(t, err)
	_, err = invoke(reg, "ValidateOrder", ValidateOrder, `{"orderId":"o-1","amount":1}`, 1)
	require.NoError(t, err)
	_, err = invoke(reg, "ShipOrder", ShipOrder, `{"orderId":"o-2"}`, 0)
	require.NoError(t, err)
	_, err = reg.Invoke(context.Background(), arn+ShipOrder, map[string]any{"orderId": "o-3"})
	require.NoError(t, err)

	require.Equal(t, []Call{
		{Function: ValidateOrder, OrderID: "o-1", StateName: "ValidateOrder", Attempt: 0, IdempotencyKey: "test/ValidateOrder/0", Error: "ServiceException"},
		{Function: ValidateOrder, OrderID: "o-1", StateName: "ValidateOrder", Attempt: 1, IdempotencyKey: "test/ValidateOrder/1"},
		{Function: ShipOrder, OrderID: "o-2", StateName: "ShipOrder", IdempotencyKey: "test/ShipOrder/0"},
		{Function: ShipOrder, OrderID: "o-3"},
	}, cfg.Calls())
	require.Equal(t, cfg.Calls()[:2], cfg.CallsFor("o-1"))
	require.Empty(t, cfg.CallsFor("o-9"))
}

func TestConcurrentCalls(t *testing.T) {
	t.Parallel()
	reg, cfg := newRegistry()
	done := make(chan error)
	for i := range 20 {
		go func() {
			_, err := invoke(reg, "CheckInventory", CheckInventory, `{"orderId":"o-1","restockAfter":100}`, i)
			done <- err
		}()
	}
	for range 20 {
		require.NoError(t, <-done)
	}
	require.Equal(t, 20, cfg.Count("o-1", CheckInventory))
	require.Len(t, cfg.Calls(), 20)
}
