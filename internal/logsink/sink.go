package logsink

import (
	"context"
	"time"
)

// Sink takes log records. Log is called after the transaction that wrote
// the events commits, from many goroutines at once, and must not block
// for long: a sink buffers, or drops what it cannot keep.
type Sink interface {
	// Log takes records; the sink owns the slice afterwards.
	Log(records []Record)
	// Close writes what the sink buffered, waiting up to ctx's deadline,
	// and stops it; records logged afterwards are dropped.
	Close(ctx context.Context) error
}

// Flusher is a Sink that buffers records and writes them on request:
// the engine flushes it before it forgets an asynchronous EXPRESS
// execution whose end it logged, so that a crash cannot lose the only
// trace of its result.
type Flusher interface {
	Sink
	// Flush waits until the records logged before it are written, or ctx
	// ends.
	Flush(ctx context.Context) error
}

// Pruner is a Sink that keeps records and deletes old ones on request,
// for a retention setting.
type Pruner interface {
	Sink
	// Prune deletes the records of events before before and returns how
	// many it deleted.
	Prune(ctx context.Context, before time.Time) (int64, error)
}
