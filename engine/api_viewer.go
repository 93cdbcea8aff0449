package engine

import (
	"context"

	"github.com/stepwise-run/stepwise/store"
)

// Reads for the web execution viewer. They take the execution's id, which
// the caller has from Execution.

// HistoryOutline returns every event of an execution without details, in
// order.
func (e *Engine) HistoryOutline(ctx context.Context, executionID int64) ([]store.EventOutline, error) {
	return store.ListEventOutlines(ctx, e.pool, executionID)
}

// FilteredHistory returns a page of an execution's events, in order,
// selected by f.
func (e *Engine) FilteredHistory(ctx context.Context, executionID int64, f store.EventFilter) ([]*store.Event, error) {
	return store.ListEventsFiltered(ctx, e.pool, executionID, f)
}

// Runs returns every run of an execution without payloads: the top-level
// run and its Parallel branches and Map iterations.
func (e *Engine) Runs(ctx context.Context, executionID int64) ([]store.RunOutline, error) {
	return store.ListRunOutlines(ctx, e.pool, executionID)
}

// RunDetail returns run id of an execution (a Map iteration, a Parallel
// branch or the top-level run) with its payloads; store.ErrNotFound when
// the execution has no such run.
func (e *Engine) RunDetail(ctx context.Context, executionID, id int64) (*store.RunDetail, error) {
	return store.GetRunDetail(ctx, e.pool, executionID, id)
}

// Progress returns an execution's last event id and status: one indexed
// read, what a watcher (Watch) reads after each wake.
func (e *Engine) Progress(ctx context.Context, executionID int64) (lastEventID int64, status string, err error) {
	return store.ExecutionProgress(ctx, e.pool, executionID)
}
