package engine

import (
	"context"
	"errors"
	"time"
)

// maxBatch is the most task results one transaction records.
const maxBatch = 128

// batcher commits items in shared transactions: under load, the items
// that arrive while one transaction commits go together into the next,
// which saves commits and round trips and lets many changes to one
// execution (a Map's iterations) share its lock. Alone, an item is
// committed at once. commit reports each item's outcome through done.
//
// A keyed batcher gives each worker its own queue and sends an item to
// the worker of its key (an execution): the changes to one execution then
// wait in one queue instead of in two transactions that take turns with
// its lock, and each transaction records all that arrived meanwhile.
type batcher[T any] struct {
	ins    []chan batchItem[T]
	key    func(T) int64
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

// newBatcher starts a batcher of workers workers, each commit bounded by
// timeout; key, when set, makes it keyed (see batcher).
func newBatcher[T any](workers int, closed <-chan struct{}, timeout time.Duration, key func(T) int64,
	commit func(ctx context.Context, items []T) []error) *batcher[T] {
	b := &batcher[T]{ins: make([]chan batchItem[T], workers), key: key, commit: commit, closed: closed, timeout: timeout}
	shared := make(chan batchItem[T], maxBatch*workers)
	for i := range b.ins {
		b.ins[i] = shared
		if key != nil {
			b.ins[i] = make(chan batchItem[T], maxBatch)
		}
		go b.loop(b.ins[i])
	}
	return b
}

// queue is the queue item goes to.
func (b *batcher[T]) queue(item T) chan batchItem[T] {
	if b.key == nil {
		return b.ins[0]
	}
	k := b.key(item) % int64(len(b.ins))
	return b.ins[max(k, -k)]
}

// submit hands an item over and waits until it is committed.
func (b *batcher[T]) submit(ctx context.Context, item T) error {
	bi := batchItem[T]{item: item, done: make(chan error, 1)}
	select {
	case b.queue(item) <- bi:
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

func (b *batcher[T]) loop(in chan batchItem[T]) {
	for {
		var first batchItem[T]
		select {
		case first = <-in:
		case <-b.closed:
			b.drain(in)
			return
		}
		batch := []batchItem[T]{first}
	gather:
		for len(batch) < maxBatch {
			select {
			case next := <-in:
				batch = append(batch, next)
			default:
				break gather
			}
		}
		b.commitItems(batch)
	}
}

// drain commits what was handed over before the engine stopped.
func (b *batcher[T]) drain(in chan batchItem[T]) {
	for {
		select {
		case bi := <-in:
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
