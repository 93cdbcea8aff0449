package engine

import (
	"context"
	"encoding/json"
	"io"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/itemio"
	"github.com/stepwise-run/stepwise/store"
)

// itemSource yields a Map run's child inputs one at a time from where
// the Map run's reader stands: items from the ItemReader or the state's
// input, through ItemSelector, grouped by the ItemBatcher.
type itemSource interface {
	next(ctx context.Context) (any, error)
	position() itemio.Position
	close()
}

// openItems opens run's items at the Map run's reader position.
func (t *change) openItems(l *live, mr *store.MapRun, run *asl.MapRun, cfg *itemio.MapConfig) (itemSource, error) {
	var at itemio.Position
	if err := json.Unmarshal([]byte(mr.ReaderPosition), &at); err != nil {
		return nil, err
	}
	var base itemio.ItemSource = &arrayItems{items: run.Items, pos: at}
	closer := func() {}
	if cfg.Reader != nil {
		req := itemio.Request{Parameters: run.Reader.Parameters, MaxItems: run.Reader.MaxItems}
		r, err := itemio.Open(t.ctx, t.e.cfg.ObjectStore, cfg.Reader, req, at)
		if err != nil {
			return nil, err
		}
		base, closer = r, func() { _ = r.Close() }
	}
	sel := &selectedItems{src: base, run: run, c: t.context(l)}
	if cfg.Batcher == nil {
		return &singleItems{sel, closer}, nil
	}
	limits := itemio.BatchLimits{MaxItemsPerBatch: run.Batcher.MaxItemsPerBatch,
		MaxInputBytesPerBatch: run.Batcher.MaxInputBytesPerBatch, BatchInput: run.Batcher.BatchInput}
	b, err := itemio.NewBatcher(sel, cfg.Batcher, limits)
	if err != nil {
		closer()
		return nil, err
	}
	return &batchedItems{b: b, pos: at, closer: closer}, nil
}

// arrayItems are the items of the state's input (ItemsPath, Items).
type arrayItems struct {
	items []any
	pos   itemio.Position
}

// Next returns the next item, io.EOF after the last.
func (a *arrayItems) Next(context.Context) (any, error) {
	if a.pos.Items >= int64(len(a.items)) {
		return nil, io.EOF
	}
	v := a.items[a.pos.Items]
	a.pos.Items++
	return v, nil
}

// Position is where the next item is read from.
func (a *arrayItems) Position() itemio.Position { return a.pos }

// selectedItems applies the Map's ItemSelector to each item, with
// $$.Map.Item set to the item and its index in the whole Map run.
type selectedItems struct {
	src itemio.ItemSource
	run *asl.MapRun
	c   *asl.Context
}

// Next returns the next item's input.
func (s *selectedItems) Next(ctx context.Context) (any, error) {
	index := s.src.Position().Items
	v, err := s.src.Next(ctx)
	if err != nil {
		return nil, err
	}
	ic := *s.c
	ic.MapItem = &asl.MapItem{Index: int(index), Value: v}
	ic.Invalidate()
	one := *s.run
	one.Items = []any{v}
	in, failure := one.ItemInput(0, &ic)
	if failure != nil {
		return nil, failure
	}
	return in, nil
}

// Position is the underlying source's.
func (s *selectedItems) Position() itemio.Position { return s.src.Position() }

// singleItems makes each selected item a child's input.
type singleItems struct {
	*selectedItems
	closer func()
}

func (s *singleItems) next(ctx context.Context) (any, error) { return s.Next(ctx) }
func (s *singleItems) position() itemio.Position             { return s.Position() }
func (s *singleItems) close()                                { s.closer() }

// batchedItems makes each ItemBatcher batch a child's input.
type batchedItems struct {
	b      *itemio.Batcher
	pos    itemio.Position
	closer func()
}

func (b *batchedItems) next(ctx context.Context) (any, error) {
	batch, err := b.b.Next(ctx)
	if err != nil {
		return nil, err
	}
	b.pos = batch.End
	return batch.Input, nil
}

func (b *batchedItems) position() itemio.Position { return b.pos }
func (b *batchedItems) close()                    { b.closer() }

// mapResultsPage is how many children's results are read at a time.
const mapResultsPage = 1000

// mapResults collects a Map run's children's results in item order: the
// state's result (the outputs, or where the ResultWriter exported them)
// and how many results were written.
func (t *change) mapResults(mr *store.MapRun, run *asl.MapRun, cfg *itemio.MapConfig) (any, int64, error) {
	add, finish, err := t.resultSink(mr, run, cfg)
	if err != nil {
		return nil, 0, err
	}
	written := int64(0)
	for from := 0; ; {
		page, err := store.MapRunChildren(t.ctx, t.pg, mr.ID, from, mapResultsPage)
		if err != nil {
			return nil, 0, err
		}
		for _, c := range page {
			if err := add(t.childResult(mr, c)); err != nil {
				return nil, 0, err
			}
			written++
		}
		if len(page) < mapResultsPage {
			break
		}
		from = int(*page[len(page)-1].MapIndex) + 1
	}
	out, err := finish()
	if cfg.Writer == nil {
		written = 0 // AWS counts the results a ResultWriter wrote
	}
	return out, written, err
}

// resultSink is where a Map run's results go: the ResultWriter's files,
// or the state's output.
func (t *change) resultSink(mr *store.MapRun, run *asl.MapRun, cfg *itemio.MapConfig) (func(*itemio.ChildResult) error, func() (any, error), error) {
	if cfg.Writer == nil {
		c := itemio.NewCollector(nil, mr.State)
		return c.Add, func() (any, error) { return c.Output(), nil }, nil
	}
	w, err := itemio.NewWriter(t.e.cfg.ObjectStore, cfg.Writer, run.WriterParameters, mr.ARN, nil)
	if err != nil {
		return nil, nil, err
	}
	add := func(r *itemio.ChildResult) error {
		err := w.Add(t.ctx, r)
		if err != nil {
			w.Abort()
		}
		return err
	}
	finish := func() (any, error) {
		out, err := w.Close(t.ctx)
		if err != nil {
			return nil, err
		}
		return out, nil
	}
	return add, finish, nil
}

// childResult is a child execution as the result writer sees it.
func (t *change) childResult(mr *store.MapRun, c *store.MapChild) *itemio.ChildResult {
	r := &itemio.ChildResult{ExecutionArn: c.ARN, Name: c.Name, Status: c.Status, StartDate: c.StartedAt,
		StateMachineArn: t.e.arns.StateMachine(t.baseMachineName() + "/" + mr.Label),
		Error:           deref(c.Error), Cause: deref(c.Cause), RedriveCount: int64(c.RedriveCount)}
	r.Input, _ = asl.DecodeJSON([]byte(c.Input))
	if c.Output != nil {
		r.Output, _ = asl.DecodeJSON([]byte(*c.Output))
	}
	if c.StoppedAt != nil {
		r.StopDate = *c.StoppedAt
	}
	return r
}
