package engine

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store"
)

// Function liveness. Every running engine says, every FunctionRefresh, that
// it serves the functions of its registry (stepwise_functions.last_seen);
// a function is live when some engine said so within FunctionLive. A
// function whose engines all stopped stays registered, so its tasks still
// queue for the next worker, but it is no longer live.
const (
	// FunctionRefresh is how often an engine refreshes the last_seen of
	// the functions it serves.
	FunctionRefresh = 30 * time.Second
	// FunctionLive is how recently a function must have been seen to be
	// live: four refreshes, so a busy database or a slow tick is no gap.
	FunctionLive = 2 * time.Minute
)

// registerFunctions records, in one statement, that this process serves
// the functions of its registry now.
func (e *Engine) registerFunctions(ctx context.Context) error {
	if e.cfg.Functions == nil {
		return nil
	}
	names := e.cfg.Functions.Names()
	if len(names) == 0 {
		return nil
	}
	return store.TouchFunctions(ctx, e.pool, names)
}

// keepFunctions refreshes the functions this process serves every
// FunctionRefresh until the engine closes.
func (e *Engine) keepFunctions() {
	e.every(FunctionRefresh, func() {
		ctx, cancel := context.WithTimeout(context.Background(), FunctionRefresh)
		defer cancel()
		if err := e.registerFunctions(ctx); err != nil {
			e.log.Warn("refresh served functions", "error", err)
		}
	})
}
