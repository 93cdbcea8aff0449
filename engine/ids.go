package engine

import (
	"context"
	"encoding/hex"
	"sync"

	"github.com/stepwise-run/stepwise/store"
)

// idBlock is how many execution ids (and top-level run ids) an engine
// reserves at once, and runIDBlock how many child run ids. Sequences are
// not transactional, so reserving them ahead, outside the transaction
// that uses them, changes nothing but the gaps a restart leaves; it saves
// starting an execution, or forking children, a round trip.
const (
	idBlock    = 64
	runIDBlock = 1024
)

// executionIDs hands out ids reserved ahead for new executions and their
// top-level runs.
type executionIDs struct {
	reserved[[2]int64]
}

// take returns ids for n executions and their runs.
func (x *executionIDs) take(ctx context.Context, q store.Querier, n int) (execs, runs []int64, err error) {
	pairs, err := x.reserved.take(ctx, q, n, idBlock, func(ctx context.Context, q store.Querier, n int) ([][2]int64, error) {
		execs, runs, err := store.NewExecutionIDs(ctx, q, n)
		pairs := make([][2]int64, len(execs))
		for i := range execs {
			pairs[i] = [2]int64{execs[i], runs[i]}
		}
		return pairs, err
	})
	for _, p := range pairs {
		execs, runs = append(execs, p[0]), append(runs, p[1])
	}
	return execs, runs, err
}

// runIDs hands out ids reserved ahead for child runs.
type runIDs struct {
	reserved[int64]
}

// take returns ids for n child runs.
func (x *runIDs) take(ctx context.Context, q store.Querier, n int) ([]int64, error) {
	return x.reserved.take(ctx, q, n, runIDBlock, store.NewRunIDs)
}

// reserved holds ids reserved ahead.
type reserved[T any] struct {
	mu  sync.Mutex
	ids []T
}

// take returns n ids, reserving at least block more with q when too few
// are left. The lock is not held while q runs: q may be a transaction
// that waits for another one taking ids.
func (x *reserved[T]) take(ctx context.Context, q store.Querier, n, block int,
	reserve func(context.Context, store.Querier, int) ([]T, error)) ([]T, error) {
	for {
		x.mu.Lock()
		if len(x.ids) >= n {
			ids := x.ids[:n:n]
			x.ids = x.ids[n:]
			x.mu.Unlock()
			return ids, nil
		}
		x.mu.Unlock()
		more, err := reserve(ctx, q, max(n, block))
		if err != nil {
			return nil, err
		}
		x.mu.Lock()
		x.ids = append(x.ids, more...)
		x.mu.Unlock()
	}
}

// uuidText writes 16 bytes as a UUID is written: 8-4-4-4-12 hexadecimal
// digits.
func uuidText(b []byte) string {
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
