// Package orders holds the Go functions behind the example state machines
// in examples/: the order saga (examples/order-saga), order processing
// with a Wait loop and Parallel fulfilment (examples/order-processing) and
// human approval by callback (examples/approval), and an order recorded
// in DynamoDB and announced through SNS (examples/order-notify). Register
// binds them to a Registry under the names the definitions' Lambda ARNs
// use, and as the service integrations the definitions call:
//
//	saga:             reserve-inventory, process-payment, confirm-order,
//	                  refund-payment, release-inventory
//	order processing: validate-order, check-inventory, process-payment,
//	                  ship-order, send-invoice, notify-customer
//	approval:         request-approval
//	order notify:     dynamodb:putItem, sns:publish (RegisterIntegration)
//
// # Service integrations
//
// dynamodb:putItem writes to an in-memory table named Orders, keyed by its
// orderId attribute; it understands the ConditionExpression
// attribute_not_exists(ATTRIBUTE) and fails a write that breaks it with
// DynamoDB.ConditionalCheckFailedException, as DynamoDB does (other
// tables are DynamoDB.ResourceNotFoundException). sns:publish publishes to
// in-memory topics (any well-formed topic ARN) and returns a MessageId.
// Both return the SdkHttpMetadata and SdkResponseMetadata AWS adds, and
// both are idempotent per task attempt: a redelivered write does not fail
// its own condition, and a redelivered publish sends one message. Config's
// Order and Published show what they stored.
//
// # Steering
//
// The functions behave like a small shop, and fields of the order let a
// test steer them into failures:
//
//	failAt           string  the step that fails: a step name such as
//	                         "ProcessPayment", a function name such as
//	                         "process-payment", or the name of the Task state
//	                         running it (e.g. "RollbackPayment" in the saga);
//	                         or an array of such names. It raises the step's
//	                         own error (see below).
//	failError        string  the error name failAt raises instead, e.g.
//	                         "ServiceException" to exercise a Retry.
//	failTimes        int     failAt fails only the first N calls of each
//	                         step it names for this order, then the step
//	                         succeeds; 0 or absent means every call fails.
//	flakyValidation  int     validate-order fails with ServiceException on its
//	                         first N calls for this order, then succeeds.
//	invalid          bool    validate-order fails with ValidationError.
//	restockAfter     int     check-inventory reports {"available": false} on
//	                         its first N calls for this order, so the Wait
//	                         loop runs N times.
//
// A step whose input carries no steering fields (the saga's payment
// receives only orderId, amount and idempotencyKey) uses the steering last
// seen for the same orderId, which the Config remembers.
//
// The errors failAt raises by default: ReserveInventory OutOfStock,
// ProcessPayment PaymentDeclined, ConfirmOrder ConfirmationFailed,
// RefundPayment RefundFailed, ReleaseInventory ReleaseFailed,
// ValidateOrder ValidationError, CheckInventory InventoryUnavailable,
// ShipOrder ShippingFailed, SendInvoice InvoiceFailed, NotifyCustomer
// NotificationFailed, RequestApproval ApprovalUnavailable. Without
// steering, validate-order rejects (ValidationError) an order without an
// orderId, with an amount that is not positive or with an item whose
// quantity is not positive.
//
// # Observing
//
// The Config counts calls per order and function and logs every call in
// order (function, order id, state, attempt, idempotency key and the error
// raised, if any), so tests can check that compensations ran exactly once
// and in reverse order. process-payment keeps a ledger keyed by the
// payment's idempotency key (the payload's idempotencyKey, else the task's),
// so a redelivered charge does not charge twice, and refund-payment refunds
// a payment once. request-approval records each request with its task
// token, for a test or a person to answer with SendTaskSuccess or
// SendTaskFailure (error "Rejected" to reject).
package orders
