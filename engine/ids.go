package engine

import (
	"context"
	"encoding/hex"
	"sync"

	"github.com/stepwise-run/stepwise/store"
)

// idBlock is how many execution ids (and top-level run ids) an engine
// reserves at once. Sequences are not transactional, so reserving them
// ahead, outside the transaction that uses them, changes nothing but the
// gaps a restart leaves; it saves starting an execution a round trip.
const idBlock = 64

// executionIDs hands out ids reserved ahead for new executions and their
// top-level runs.
type executionIDs struct {
	mu          sync.Mutex
	execs, runs []int64
}

// take returns ids for n executions and their runs, reserving a block
// with q when too few are left. The lock is not held while q runs: q may
// be a transaction that waits for another one taking ids.
func (x *executionIDs) take(ctx context.Context, q store.Querier, n int) (execs, runs []int64, err error) {
	for {
		x.mu.Lock()
		if len(x.execs) >= n {
			execs, runs = x.execs[:n:n], x.runs[:n:n]
			x.execs, x.runs = x.execs[n:], x.runs[n:]
			x.mu.Unlock()
			return execs, runs, nil
		}
		x.mu.Unlock()
		more, moreRuns, err := store.NewExecutionIDs(ctx, q, max(n, idBlock))
		if err != nil {
			return nil, nil, err
		}
		x.mu.Lock()
		x.execs, x.runs = append(x.execs, more...), append(x.runs, moreRuns...)
		x.mu.Unlock()
	}
}

// uuidText writes 16 bytes as a UUID is written: 8-4-4-4-12 hexadecimal
// digits.
func uuidText(b []byte) string {
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
