package itemio

import (
	"context"
	"errors"
	"io"

	"github.com/stepwise-run/stepwise/asl"
)

// ItemSource is what a Batcher groups: a *Reader.
type ItemSource interface {
	Next(ctx context.Context) (any, error)
	Position() Position
}

// BatchLimits are an ItemBatcher's values for one Map run, with every
// path and expression resolved by the engine. A zero count takes the
// literal from the BatcherConfig.
type BatchLimits struct {
	MaxItemsPerBatch      int64
	MaxInputBytesPerBatch int64
	// BatchInput is the evaluated BatchInput; nil leaves it out of the
	// batches.
	BatchInput any
}

// Batch is one child execution's input: {"BatchInput": …, "Items": […]}
// as AWS shapes it (BatchInput only when set).
type Batch struct {
	Input map[string]any
	// End is the reader's position after the batch's last item: where a
	// resumed run reads the next batch from.
	End Position
}

// Batcher groups the items of a source into batches no larger than
// MaxItemsPerBatch items and MaxInputBytesPerBatch bytes of JSON (256 KiB,
// the execution input limit, when unset).
type Batcher struct {
	src      ItemSource
	maxItems int64
	maxBytes int
	input    any
	envelope int // bytes of the batch without its items
	// pending is an item read that did not fit in the previous batch;
	// before is the source position before it.
	pending    any
	hasPending bool
	before     Position
}

// NewBatcher returns a Batcher over src; limits carries the resolved
// values.
func NewBatcher(src ItemSource, cfg *BatcherConfig, limits BatchLimits) (*Batcher, error) {
	b := &Batcher{src: src, maxItems: limits.MaxItemsPerBatch, input: limits.BatchInput}
	if b.maxItems == 0 {
		b.maxItems = cfg.MaxItemsPerBatch.Value
	}
	maxBytes := limits.MaxInputBytesPerBatch
	if maxBytes == 0 {
		maxBytes = cfg.MaxInputBytesPerBatch.Value
	}
	switch {
	case b.maxItems < 0 || (cfg.MaxItemsPerBatch.Set() && b.maxItems == 0):
		return nil, asl.NewError(asl.ErrorRuntime, "MaxItemsPerBatch must be a positive integer, not %d", b.maxItems)
	case maxBytes < 0 || maxBytes > maxBatchBytes || (cfg.MaxInputBytesPerBatch.Set() && maxBytes == 0):
		return nil, asl.NewError(asl.ErrorRuntime, "MaxInputBytesPerBatch must be a positive integer up to %d, not %d", maxBatchBytes, maxBytes)
	case maxBytes == 0:
		maxBytes = maxBatchBytes
	}
	b.maxBytes = int(maxBytes)
	b.envelope = len(`{"Items":[]}`)
	if b.input != nil {
		b.envelope += len(`"BatchInput":,`) + len(asl.EncodeJSON(b.input))
	}
	return b, nil
}

// Next returns the next batch, or io.EOF when the source is done.
func (b *Batcher) Next(ctx context.Context) (*Batch, error) {
	items := []any{}
	size := b.envelope
	end := b.src.Position()
	for b.maxItems == 0 || int64(len(items)) < b.maxItems {
		item, before, err := b.take(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		n := len(asl.EncodeJSON(item))
		if len(items) > 0 {
			n++ // the comma
		}
		if size+n > b.maxBytes {
			if len(items) == 0 {
				return nil, asl.NewError(asl.ErrorDataLimitExceeded,
					"item %d alone makes a batch of %d bytes, more than MaxInputBytesPerBatch (%d)", before.Items+1, size+n, b.maxBytes)
			}
			b.pending, b.hasPending, b.before = item, true, before
			break
		}
		items = append(items, item)
		size += n
		end = b.src.Position()
	}
	if len(items) == 0 {
		return nil, io.EOF
	}
	batch := &Batch{Input: map[string]any{"Items": items}, End: end}
	if b.input != nil {
		batch.Input["BatchInput"] = b.input
	}
	return batch, nil
}

// take returns the pending item or reads a new one, with the source
// position before it.
func (b *Batcher) take(ctx context.Context) (any, Position, error) {
	if b.hasPending {
		b.hasPending = false
		return b.pending, b.before, nil
	}
	before := b.src.Position()
	item, err := b.src.Next(ctx)
	return item, before, err
}
