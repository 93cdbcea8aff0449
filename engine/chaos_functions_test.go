//go:build chaos

package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/examples/orders"
)

// The chaos suite's functions stand in for the order examples' functions
// (same names, same result shapes) but keep no state in the process: each
// result follows from the task's input and attempt alone, so a killed
// process loses nothing and the in-memory runner computes what every
// execution must end with. Each call is logged before it does anything
// and its effect recorded, once per idempotency key, when it succeeds.

// chaosSchema is the log the functions write in the test's database.
const chaosSchema = `
CREATE TABLE chaos_invocations (
    id               bigserial PRIMARY KEY,
    execution_arn    text NOT NULL,
    state            text NOT NULL,
    function         text NOT NULL,
    attempt          integer NOT NULL,
    idempotency_key  text NOT NULL,
    pid              integer NOT NULL,
    started_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at      timestamptz,
    outcome          text
);
CREATE INDEX ON chaos_invocations (execution_arn);
CREATE TABLE chaos_effects (
    idempotency_key  text PRIMARY KEY,
    execution_arn    text NOT NULL,
    function         text NOT NULL,
    pid              integer NOT NULL
);`

// taskLog records the calls of the chaos functions.
type taskLog interface {
	// begin logs a call before the function works; the id it returns
	// names the call to end.
	begin(ctx context.Context, fn string, info activities.TaskInfo) (int64, error)
	// end logs the call's outcome (an error name or "ok") and, on
	// success, its effect, once per idempotency key.
	end(ctx context.Context, id int64, fn string, info activities.TaskInfo, outcome string) error
}

// chaosOrder is what the chaos functions read from their input: the
// order, its steering and earlier steps' results.
type chaosOrder struct {
	OrderID         string  `json:"orderId"`
	Amount          float64 `json:"amount"`
	IdempotencyKey  string  `json:"idempotencyKey"`
	Invalid         bool    `json:"invalid"`
	FlakyValidation int     `json:"flakyValidation"`
	RestockAfter    int     `json:"restockAfter"`
	PaymentID       string  `json:"paymentId"`
	Customer        struct {
		Email string `json:"email"`
	} `json:"customer"`
	Items []struct {
		Quantity int `json:"quantity"`
	} `json:"items"`
	Inventory struct {
		Checks int `json:"checks"`
	} `json:"inventory"`
	Payment struct {
		PaymentID string `json:"paymentId"`
	} `json:"payment"`
}

// failsAt reports whether the order id asks step to fail ("c-7-ConfirmOrder").
func (o chaosOrder) failsAt(step string) bool { return strings.HasSuffix(o.OrderID, "-"+step) }

// flaky reports whether the order id asks for a first attempt that fails
// with ServiceException ("c-7-flaky").
func (o chaosOrder) flaky(info activities.TaskInfo) bool {
	return strings.Contains(o.OrderID, "-flaky") && info.Attempt == 0
}

func serviceException(o chaosOrder, info activities.TaskInfo) error {
	return activities.NewError("ServiceException", fmt.Sprintf("%s attempt %d for order %s", info.StateName, info.Attempt, o.OrderID))
}

// chaosBodies are the chaos functions' results, by function name.
var chaosBodies = map[string]func(activities.TaskInfo, chaosOrder) (map[string]any, error){
	orders.ReserveInventory: func(info activities.TaskInfo, o chaosOrder) (map[string]any, error) {
		switch {
		case o.flaky(info):
			return nil, serviceException(o, info)
		case o.failsAt("ReserveInventory"):
			return nil, activities.NewError("OutOfStock", "no stock for order "+o.OrderID)
		}
		units := 0
		for _, it := range o.Items {
			units += it.Quantity
		}
		return map[string]any{"reservationId": "res-" + o.OrderID, "units": units}, nil
	},
	orders.ProcessPayment: func(_ activities.TaskInfo, o chaosOrder) (map[string]any, error) {
		if o.failsAt("ProcessPayment") {
			return nil, activities.NewError("PaymentDeclined", "card declined for order "+o.OrderID)
		}
		return map[string]any{"paymentId": "pay-" + o.OrderID, "orderId": o.OrderID, "amount": o.Amount,
			"idempotencyKey": o.IdempotencyKey, "status": "CAPTURED"}, nil
	},
	orders.ConfirmOrder: func(_ activities.TaskInfo, o chaosOrder) (map[string]any, error) {
		if o.failsAt("ConfirmOrder") {
			return nil, activities.NewError("ConfirmationFailed", "cannot confirm order "+o.OrderID)
		}
		return map[string]any{"confirmationId": "conf-" + o.OrderID, "status": "CONFIRMED"}, nil
	},
	orders.RefundPayment: func(info activities.TaskInfo, o chaosOrder) (map[string]any, error) {
		if o.flaky(info) {
			return nil, serviceException(o, info)
		}
		return map[string]any{"refundId": "ref-" + o.Payment.PaymentID, "paymentId": o.Payment.PaymentID}, nil
	},
	orders.ReleaseInventory: func(_ activities.TaskInfo, o chaosOrder) (map[string]any, error) {
		return map[string]any{"reservationId": "res-" + o.OrderID, "released": true}, nil
	},
	orders.ValidateOrder: func(info activities.TaskInfo, o chaosOrder) (map[string]any, error) {
		switch {
		case o.Invalid:
			return nil, activities.NewError("ValidationError", "order "+o.OrderID+" is marked invalid")
		case info.Attempt < o.FlakyValidation:
			return nil, serviceException(o, info)
		}
		return map[string]any{"valid": true, "lines": len(o.Items)}, nil
	},
	orders.CheckInventory: func(_ activities.TaskInfo, o chaosOrder) (map[string]any, error) {
		checks := o.Inventory.Checks + 1
		return map[string]any{"available": checks > o.RestockAfter, "checks": checks}, nil
	},
	orders.ShipOrder: func(_ activities.TaskInfo, o chaosOrder) (map[string]any, error) {
		return map[string]any{"trackingNumber": "TRK-" + o.OrderID, "carrier": "ground"}, nil
	},
	orders.SendInvoice: func(_ activities.TaskInfo, o chaosOrder) (map[string]any, error) {
		return map[string]any{"invoiceId": "inv-" + o.OrderID, "amount": o.Amount, "paymentId": o.PaymentID}, nil
	},
	orders.NotifyCustomer: func(_ activities.TaskInfo, o chaosOrder) (map[string]any, error) {
		return map[string]any{"notified": true, "channel": "email", "recipient": o.Customer.Email}, nil
	},
}

// sagaFunctions are the order saga's functions.
var sagaFunctions = []string{orders.ReserveInventory, orders.ProcessPayment, orders.ConfirmOrder, orders.RefundPayment, orders.ReleaseInventory}

// compensations are the saga's compensating functions.
var compensations = []string{orders.RefundPayment, orders.ReleaseInventory}

// registerChaos registers the named chaos functions (nil means all) on
// reg, logging each call to log and sleeping up to nap before answering,
// so that kills land mid-task.
func registerChaos(reg *activities.Registry, log taskLog, nap time.Duration, names []string) {
	if names == nil {
		for name := range chaosBodies {
			names = append(names, name)
		}
	}
	for _, name := range names {
		body := chaosBodies[name]
		activities.Register(reg, name, func(ctx context.Context, o chaosOrder) (map[string]any, error) {
			info, _ := activities.Info(ctx)
			id, err := log.begin(ctx, name, info)
			if err != nil {
				return nil, abandoned(err)
			}
			if nap > 0 {
				select {
				case <-time.After(rand.N(nap)):
				case <-ctx.Done():
					return nil, abandoned(ctx.Err())
				}
			}
			out, ferr := body(info, o)
			outcome := "ok"
			if ferr != nil {
				outcome = ferr.Error()
			}
			if err := log.end(ctx, id, name, info, outcome); err != nil {
				return nil, abandoned(err)
			}
			return out, ferr
		})
	}
}

// abandoned is the error of a call given up because its context ended
// (the engine then records nothing and the task is delivered again).
func abandoned(err error) error {
	return activities.NewError("Chaos.Abandoned", err.Error())
}

// dbLog logs calls to the chaos tables, retrying through database
// outages until the task's context ends.
type dbLog struct {
	pool *pgxpool.Pool
	pid  int
}

func (l *dbLog) begin(ctx context.Context, fn string, info activities.TaskInfo) (int64, error) {
	var id int64
	err := retryDB(ctx, func() error {
		return l.pool.QueryRow(ctx, `INSERT INTO chaos_invocations (execution_arn, state, function, attempt, idempotency_key, pid)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, info.ExecutionARN, info.StateName, fn, info.Attempt, info.IdempotencyKey, l.pid).Scan(&id)
	})
	return id, err
}

func (l *dbLog) end(ctx context.Context, id int64, fn string, info activities.TaskInfo, outcome string) error {
	return retryDB(ctx, func() error {
		tx, err := l.pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = tx.Rollback(context.Background()) }()
		if outcome == "ok" {
			if _, err := tx.Exec(ctx, `INSERT INTO chaos_effects (idempotency_key, execution_arn, function, pid) VALUES ($1, $2, $3, $4)
				ON CONFLICT (idempotency_key) DO NOTHING`, info.IdempotencyKey, info.ExecutionARN, fn, l.pid); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE chaos_invocations SET finished_at = clock_timestamp(), outcome = $2 WHERE id = $1`, id, outcome); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// retryDB runs f until it succeeds or ctx ends.
func retryDB(ctx context.Context, f func() error) error {
	for {
		err := f()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// memLog logs the calls of one in-memory run: what the durable run must
// have done at the state level.
type memLog struct {
	mu    sync.Mutex
	calls []chaosCall
}

// chaosCall is one attempt at a task (a call not repeated by redelivery).
type chaosCall struct {
	Function string
	State    string
	Attempt  int
	Outcome  string
}

func (l *memLog) begin(context.Context, string, activities.TaskInfo) (int64, error) { return 0, nil }

func (l *memLog) end(_ context.Context, _ int64, fn string, info activities.TaskInfo, outcome string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, chaosCall{Function: fn, State: info.StateName, Attempt: info.Attempt, Outcome: outcome})
	return nil
}

// chaosChildFunctions registers, for a child process, the functions it
// serves with a log in the database at url: the saga's functions for an
// engine (run locally, right after dispatch), all for a worker.
func chaosChildFunctions(url string, worker bool) *activities.Registry {
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		panic(err)
	}
	reg := activities.NewRegistry()
	names := sagaFunctions
	if worker {
		names = nil
	}
	registerChaos(reg, &dbLog{pool: pool, pid: os.Getpid()}, 150*time.Millisecond, names)
	return reg
}
