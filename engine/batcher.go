package engine

import (
	"context"
	"errors"
	"time"
)

// maxBatch is the most task results one transaction records.
const maxBatch = 64

// batcher commits items in shared transactions: under load, the items
// that arrive while one transaction commits go together into the next,
// which saves commits and round trips and lets many changes to one
// execution (a Map's iterations) share its lock. Alone, an item is
// committed at once. commit reports each item's outcome through done.
type batcher[T any] struct {
	in     chan batchItem[T]
	commit func(ctx context.Context, items []T) []error
	closed <-chan struct{}
	// timeout bounds each commit (Config.DatabaseTimeout).
	timeout time.Duration
}

type batchItem[T any] struct {
	item T
	done chan error
}

// errStopped is returned for work handed over after the engine stopped.
var errStopped = errors.New("the engine is stopped")

func newBatcher[T any](workers int, closed <-chan struct{}, timeout time.Duration, commit func(ctx context.Context, items []T) []error) *batcher[T] {
	b := &batcher[T]{in: make(chan batchItem[T], maxBatch*workers), commit: commit, closed: closed, timeout: timeout}
	for i := 0; i < workers; i++ {
		go b.loop()
	}
	return b
}

// submit hands an item over and waits until it is committed.
func (b *batcher[T]) submit(ctx context.Context, item T) error {
	bi := batchItem[T]{item: item, done: make(chan error, 1)}
	select {
	case b.in <- bi:
	case <-b.closed:
		return errStopped
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-bi.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *batcher[T]) loop() {
	for {
		var first batchItem[T]
		select {
		case first = <-b.in:
		case <-b.closed:
			b.drain()
			return
		}
		batch := []batchItem[T]{first}
	gather:
		for len(batch) < maxBatch {
			select {
			case next := <-b.in:
				batch = append(batch, next)
			default:
				break gather
			}
		}
		b.commitItems(batch)
	}
}

// drain commits what was handed over before the engine stopped.
func (b *batcher[T]) drain() {
	for {
		select {
		case bi := <-b.in:
			b.commitItems([]batchItem[T]{bi})
		default:
			return
		}
	}
}

func (b *batcher[T]) commitItems(batch []batchItem[T]) {
	items := make([]T, len(batch))
	for i, bi := range batch {
		items[i] = bi.item
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	for i, err := range b.commit(ctx, items) {
		batch[i].done <- err
	}
}
