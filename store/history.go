package store

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// Event is one history event. Details is JSON text or nil.
type Event struct {
	ExecutionID int64
	ID          int64
	PreviousID  int64
	Type        string
	Timestamp   time.Time
	State       *string
	Details     *string
}

// ListEvents returns up to limit events after event id after, in order;
// with reverse, those before id after, newest first.
func ListEvents(ctx context.Context, q Querier, executionID, after int64, limit int, reverse bool) ([]*Event, error) {
	switch {
	case limit <= 0:
		return []*Event{}, nil
	case reverse:
		return listEventsReverse(ctx, q, executionID, after, limit)
	}
	return listEventsForward(ctx, q, executionID, max(after, 0), limit)
}

// listEventsForward is ListEvents without reverse.
func listEventsForward(ctx context.Context, q Querier, executionID, after int64, limit int) ([]*Event, error) {
	if after > maxID-int64(limit) { // the query adds limit to after
		return []*Event{}, nil
	}
	rows, err := queries(q).ListEventBatches(ctx, db.ListEventBatchesParams{ExecutionID: executionID, After: after, MaxEvents: int64(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]*Event, 0, min(limit, 64))
	for _, row := range rows {
		if out, err = appendEvents(out, limit, executionID, row.FirstID, row.Events, func(ev *Event) bool { return ev.ID > after }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// listEventsReverse is ListEvents with reverse: batches come newest first
// and their events are taken last first.
func listEventsReverse(ctx context.Context, q Querier, executionID, before int64, limit int) ([]*Event, error) {
	if before == 0 {
		before = maxID
	}
	if before <= 1 {
		return []*Event{}, nil
	}
	rows, err := queries(q).ListEventBatchesReverse(ctx, db.ListEventBatchesReverseParams{ExecutionID: executionID,
		Before: before, MaxEvents: int64(limit)})
	if err != nil {
		return nil, err
	}
	out := make([]*Event, 0, min(limit, 64))
	var batch []*Event
	for _, row := range rows {
		batch, err = appendEvents(batch[:0], math.MaxInt, executionID, row.FirstID, row.Events, func(ev *Event) bool { return ev.ID < before })
		if err != nil {
			return nil, err
		}
		for i := len(batch) - 1; i >= 0 && len(out) < limit; i-- {
			out = append(out, batch[i])
		}
		if len(out) >= limit {
			break
		}
	}
	return out, nil
}

// appendEvents decodes a batch and appends its events that keep accepts,
// stopping once out holds limit.
func appendEvents(out []*Event, limit int, executionID, firstID int64, events string, keep func(*Event) bool) ([]*Event, error) {
	r := newBatchReader(executionID, firstID, events)
	var ev Event
	for len(out) < limit {
		ok, err := r.read(&ev)
		if !ok {
			return out, err
		}
		if keep(&ev) {
			kept := ev
			out = append(out, &kept)
		}
	}
	return out, nil
}

// EventFilter selects history events for ListEventsFiltered. Zero fields
// match everything.
type EventFilter struct {
	// After is the id the page starts after; 0 is the first page.
	After int64
	// Type is one event type.
	Type string
	// Failures keeps only failure events (types ending in Failed,
	// TimedOut or Aborted).
	Failures bool
	// State is the state the events are about.
	State string
	// Limit is the page size; required.
	Limit int
}

// match reports whether ev is selected by f (After aside).
func (f *EventFilter) match(ev *Event) bool {
	return (f.Type == "" || ev.Type == f.Type) && (!f.Failures || isFailure(ev.Type)) &&
		(f.State == "" || ev.State != nil && *ev.State == f.State)
}

func isFailure(typ string) bool {
	return strings.HasSuffix(typ, "Failed") || strings.HasSuffix(typ, "TimedOut") || strings.HasSuffix(typ, "Aborted")
}

// filterChunk is how many batches ListEventsFiltered reads per query.
const filterChunk = 100

// ListEventsFiltered returns up to f.Limit events of an execution after
// f.After, in order, filtered by f. It reads the history in chunks of
// batches until the page is full.
func ListEventsFiltered(ctx context.Context, q Querier, executionID int64, f EventFilter) ([]*Event, error) {
	out := []*Event{}
	keep := func(ev *Event) bool { return ev.ID > f.After && f.match(ev) }
	for after := f.After; len(out) < f.Limit; {
		rows, err := queries(q).ListEventBatchesAfter(ctx, db.ListEventBatchesAfterParams{ExecutionID: executionID,
			After: after, MaxBatches: filterChunk})
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			if out, err = appendEvents(out, f.Limit, executionID, row.FirstID, row.Events, keep); err != nil {
				return nil, err
			}
			if len(out) >= f.Limit {
				break
			}
		}
		if len(rows) < filterChunk {
			break
		}
		after = rows[len(rows)-1].LastID
	}
	return out, nil
}

// InsertEventsBatch appends history events of any executions in one
// statement: each run of consecutive events of one execution with
// contiguous ids is one batch row. An event's PreviousID is not stored:
// it reads back as ID - 1.
func InsertEventsBatch(ctx context.Context, q Querier, events []Event) error {
	if len(events) == 0 {
		return nil
	}
	var p db.InsertEventBatchesParams
	var buf []byte
	for len(events) > 0 {
		n := 1
		for n < len(events) && events[n].ExecutionID == events[0].ExecutionID && events[n].ID == events[n-1].ID+1 {
			n++
		}
		buf = appendBatch(buf[:0], events[:n])
		p.ExecutionIds = append(p.ExecutionIds, events[0].ExecutionID)
		p.FirstIds, p.LastIds = append(p.FirstIds, events[0].ID), append(p.LastIds, events[n-1].ID)
		p.Events = append(p.Events, string(buf))
		events = events[n:]
	}
	return queries(q).InsertEventBatches(ctx, p)
}

// EventOutline is a history event without its details: what the viewer
// needs to colour a graph and draw a timeline. Error is the error name of
// a failure event (types ending in Failed, TimedOut or Aborted), else nil.
type EventOutline struct {
	ID        int64
	Type      string
	Timestamp time.Time
	State     string
	Error     *string
}

// ListEventOutlines returns the outline of every event of an execution,
// in order.
func ListEventOutlines(ctx context.Context, q Querier, executionID int64) ([]EventOutline, error) {
	rows, err := queries(q).ListEventBatchesAfter(ctx, db.ListEventBatchesAfterParams{ExecutionID: executionID, MaxBatches: math.MaxInt32})
	if err != nil {
		return nil, err
	}
	var out []EventOutline
	if len(rows) > 0 {
		out = make([]EventOutline, 0, rows[len(rows)-1].LastID-rows[0].FirstID+1)
	}
	var ev Event
	for _, row := range rows {
		r := newBatchReader(executionID, row.FirstID, row.Events)
		for {
			ok, err := r.read(&ev)
			if !ok {
				if err != nil {
					return nil, err
				}
				break
			}
			out = append(out, outline(&ev))
		}
	}
	return out, nil
}

func outline(ev *Event) EventOutline {
	o := EventOutline{ID: ev.ID, Type: ev.Type, Timestamp: ev.Timestamp}
	if ev.State != nil {
		o.State = *ev.State
	}
	if ev.Details != nil && isFailure(ev.Type) {
		o.Error = detailsError(*ev.Details)
	}
	return o
}

// detailsError returns the error field of a failure event's details, nil
// when they have none (or are not a JSON object). A field that is not a
// string is returned as its JSON text.
func detailsError(details string) *string {
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(details), &fields) != nil {
		return nil
	}
	raw, ok := fields["error"]
	if !ok || string(raw) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		s = string(raw)
	}
	return &s
}

// CountScheduled returns how many times state's task was scheduled in an
// execution (TaskScheduled or ActivityScheduled events).
func CountScheduled(ctx context.Context, q Querier, executionID int64, state string) (int64, error) {
	return queries(q).CountScheduled(ctx, db.CountScheduledParams{ExecutionID: executionID, State: state})
}
