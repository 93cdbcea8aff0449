package rest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/apierror"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// startRequest is the body of POST /v1/state-machines/{name}/executions
// and …/start-sync; every field is optional.
type startRequest struct {
	// Name makes the start idempotent; empty means a generated name.
	Name string `json:"name"`
	// Input is the execution input itself, any JSON value; absent means {}.
	Input json.RawMessage `json:"input"`
	// Version pins a revision; 0 means the latest.
	Version int `json:"version"`
	// PublishedVersion runs a published version (see versions.go); 0
	// means none. Alias runs the version an alias routes the start to;
	// empty means none. At most one of Version, PublishedVersion and
	// Alias may be set.
	PublishedVersion int    `json:"publishedVersion"`
	Alias            string `json:"alias"`
}

// qualifier is what the request qualifies the machine with: a published
// version number, an alias name, or nil.
func (r startRequest) qualifier() (any, error) {
	switch {
	case r.PublishedVersion != 0 && (r.Alias != "" || r.Version != 0), r.Alias != "" && r.Version != 0:
		return nil, apierror.BadRequest("", "set at most one of version, publishedVersion and alias")
	case r.PublishedVersion < 0:
		return nil, apierror.BadRequest("publishedVersion", "publishedVersion %d is not 1 or more", r.PublishedVersion)
	case r.PublishedVersion != 0:
		return r.PublishedVersion, nil
	case r.Alias != "":
		return r.Alias, nil
	}
	return nil, nil
}

// Execution is an execution in REST responses. The summary in lists leaves
// out input, output, error and cause.
type Execution struct {
	ARN             string          `json:"arn"`
	Name            string          `json:"name"`
	StateMachine    string          `json:"stateMachine"`
	StateMachineARN string          `json:"stateMachineArn"`
	Version         int             `json:"version"`
	Status          string          `json:"status"`
	Input           json.RawMessage `json:"input,omitempty"`
	Output          json.RawMessage `json:"output,omitempty"`
	Error           *string         `json:"error,omitempty"`
	Cause           *string         `json:"cause,omitempty"`
	StartedAt       time.Time       `json:"startedAt"`
	StoppedAt       *time.Time      `json:"stoppedAt,omitempty"`
	RedriveCount    int             `json:"redriveCount"`
	// VersionARN and AliasARN are the published version and the alias
	// the execution was started through; empty for none.
	VersionARN string `json:"versionArn,omitempty"`
	AliasARN   string `json:"aliasArn,omitempty"`
	// ParentExecutionARN is the execution whose Task started this one as a
	// nested execution (see ExecutionDescription); empty for one started
	// through the API, and in lists.
	ParentExecutionARN string `json:"parentExecutionArn,omitempty"`
	// MapRunARN is the Map run that started this execution as one of its
	// child executions (see ExecutionDescription); empty for any other
	// execution, and in lists but a Map run's.
	MapRunARN string `json:"mapRunArn,omitempty"`
	// Billing is what AWS would bill an EXPRESS execution; nil for
	// STANDARD ones.
	Billing *Billing `json:"billing,omitempty"`
}

// ExecutionSummary is an execution in lists.
func ExecutionSummary(exec *store.Execution) Execution {
	machine, machineARN := engine.StateMachineOf(exec)
	return Execution{ARN: exec.ARN, Name: exec.Name, StateMachine: machine, StateMachineARN: machineARN,
		Version: exec.Version, Status: exec.Status, StartedAt: exec.StartedAt, StoppedAt: exec.StoppedAt, RedriveCount: exec.RedriveCount,
		VersionARN: deref(exec.VersionARN), AliasARN: deref(exec.AliasARN)}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ExecutionDetail is an execution with its input, output, error and cause.
func ExecutionDetail(exec *store.Execution) Execution {
	out := ExecutionSummary(exec)
	out.Input = RawJSON(exec.Input)
	if exec.Output != nil {
		out.Output = RawJSON(*exec.Output)
	}
	out.Error, out.Cause = exec.Error, exec.Cause
	return out
}

// ExecutionDescription is ExecutionDetail with the ARN of the execution's
// parent, read through e, when a Task of another execution started it,
// and of its Map run when a Distributed Map started it.
func ExecutionDescription(ctx context.Context, e *engine.Engine, exec *store.Execution) (Execution, error) {
	out := ExecutionDetail(exec)
	parent, err := e.ParentExecution(ctx, exec)
	if err != nil {
		return out, err
	}
	if parent != nil {
		out.ParentExecutionARN = parent.ARN
	}
	mapRun, err := e.MapRunARNOf(ctx, exec)
	out.MapRunARN = deref(mapRun)
	return out, err
}

func executionLocation(arn string) string { return "/v1/executions/" + url.PathEscape(arn) }

// startInput reads a start request: the machine named in the path, with
// the body.
func (a *API) startInput(c echo.Context) (engine.StartInput, error) {
	machine, err := pathParam(c, "name")
	if err != nil {
		return engine.StartInput{}, err
	}
	var req startRequest
	if err := decodeBody(c, &req, true); err != nil {
		return engine.StartInput{}, err
	}
	qualifier, err := req.qualifier()
	if err != nil {
		return engine.StartInput{}, err
	}
	if qualifier != nil {
		sm, err := a.e.StateMachine(c.Request().Context(), machine)
		if err != nil {
			return engine.StartInput{}, err
		}
		machine = engine.QualifiedARN(sm.ARN, qualifier)
	}
	return engine.StartInput{StateMachine: machine, Name: req.Name, Input: string(req.Input), Version: req.Version}, nil
}

// start starts the execution a start request asks for (see startWith).
func (a *API) start(c echo.Context, wait time.Duration) (*store.Execution, bool, error) {
	in, err := a.startInput(c)
	if err != nil {
		return nil, false, err
	}
	return a.startWith(c, in, wait)
}

// startWith starts the execution in asks for; with wait > 0 it then waits
// up to that long for the end (engine.StartSync), returning the execution
// still RUNNING when it has not ended.
func (a *API) startWith(c echo.Context, in engine.StartInput, wait time.Duration) (*store.Execution, bool, error) {
	exec, created, err := a.startOrSync(c.Request().Context(), in, wait)
	if err != nil {
		return nil, false, err
	}
	if exec == nil {
		return nil, false, errors.New("start execution: the engine returned no execution")
	}
	if created {
		name, _ := engine.StateMachineOf(exec)
		if a.cfg.Started != nil {
			a.cfg.Started(name)
		}
	}
	c.Response().Header().Set(echo.HeaderLocation, executionLocation(exec.ARN))
	return exec, created, nil
}

// startExecution is POST /v1/state-machines/{name}/executions: 201 with
// the new execution, or 200 with the existing one of the same name and
// input.
func (a *API) startExecution(c echo.Context) error {
	exec, created, err := a.start(c, 0)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, ExecutionDetail(exec))
}

// startSyncExecution is POST /v1/state-machines/{name}/start-sync
// [?timeout=30s]: it starts the execution and waits for it to end, then
// answers 200 with its status, output, error and cause; if the timeout
// passes first, 202 with the execution still RUNNING. An EXPRESS
// machine's execution runs in this process (see startSyncExpress) and
// ignores the timeout: it ends within the engine's Express limit.
func (a *API) startSyncExecution(c echo.Context) error {
	wait, err := waitParam(c, a.cfg.SyncWait, a.cfg.MaxSyncWait)
	if err != nil {
		return err
	}
	in, err := a.startInput(c)
	if err != nil {
		return err
	}
	typ, err := a.e.MachineType(c.Request().Context(), in.StateMachine, in.Version)
	if err == nil && typ == store.TypeExpress {
		return a.startSyncExpress(c, in)
	}
	exec, _, err := a.startWith(c, in, wait)
	if err != nil {
		return err
	}
	if exec.Status == store.StatusRunning {
		return c.JSON(http.StatusAccepted, ExecutionDetail(exec))
	}
	return c.JSON(http.StatusOK, ExecutionDetail(exec))
}

// startOrSync starts an execution, and with wait > 0 waits up to that
// long for its end.
func (a *API) startOrSync(ctx context.Context, in engine.StartInput, wait time.Duration) (*store.Execution, bool, error) {
	if wait <= 0 {
		return a.e.StartExecution(ctx, in)
	}
	waitCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	exec, created, err := a.e.StartSync(waitCtx, in)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil && exec != nil {
		err = nil // still running: answered 202
	}
	return exec, created, err
}

// describeExecution is GET /v1/executions/{arn} (or /v1/executions/-?arn=ARN).
func (a *API) describeExecution(c echo.Context) error {
	if c.QueryParam("wait") == "" {
		return a.onExecution(c, a.e.Execution)
	}
	wait, err := durationParam(c, "wait", 0, a.cfg.MaxSyncWait)
	if err != nil {
		return err
	}
	return a.onExecution(c, func(ctx context.Context, arn string) (*store.Execution, error) {
		waitCtx, cancel := context.WithTimeout(ctx, wait)
		defer cancel()
		exec, err := a.e.Wait(waitCtx, arn)
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			return a.e.Execution(ctx, arn) // still running after the wait
		}
		return exec, err
	})
}

// onExecution answers a request on the execution its path names with
// what op, given that ARN, makes of the execution, described.
func (a *API) onExecution(c echo.Context, op func(ctx context.Context, arn string) (*store.Execution, error)) error {
	arn, err := ExecutionARN(c)
	if err != nil {
		return err
	}
	exec, err := op(c.Request().Context(), arn)
	if err != nil {
		return err
	}
	out, err := ExecutionDescription(c.Request().Context(), a.e, exec)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// executionList is the response of GET /v1/executions.
type executionList struct {
	Executions []Execution `json:"executions"`
	NextCursor string      `json:"nextCursor,omitempty"`
}

// Statuses are the execution Statuses, in the order the status filter and
// the metrics list them.
var Statuses = []string{store.StatusRunning, store.StatusSucceeded, store.StatusFailed, store.StatusTimedOut, store.StatusAborted}

// listExecutions is GET /v1/executions: newest first, filtered by
// stateMachine, status, namePrefix, startedAfter and startedBefore, paged
// by limit and cursor. With ?arn=ARN it describes that execution instead.
func (a *API) listExecutions(c echo.Context) error {
	if c.QueryParam("arn") != "" {
		return a.describeExecution(c)
	}
	q := engine.ExecutionQuery{StateMachine: c.QueryParam("stateMachine"), Status: c.QueryParam("status"), NamePrefix: c.QueryParam("namePrefix")}
	var err error
	if q.StartedAfter, err = timeParam(c, "startedAfter"); err != nil {
		return err
	}
	if q.StartedBefore, err = timeParam(c, "startedBefore"); err != nil {
		return err
	}
	out, err := a.executionList(c, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, out)
}

// executionList reads the page of the executions q selects that the
// limit and cursor parameters ask for, after checking q's status.
func (a *API) executionList(c echo.Context, q engine.ExecutionQuery) (*executionList, error) {
	if q.Status != "" && !slices.Contains(Statuses, q.Status) {
		return nil, apierror.BadParameter("status", "%q is not one of %v", q.Status, Statuses)
	}
	var err error
	if q.Limit, err = LimitParam(c); err != nil {
		return nil, err
	}
	cur, err := cursorParam(c, pagetoken.Executions)
	if err != nil {
		return nil, err
	}
	if cur != nil {
		q.After = &engine.ExecutionPosition{StartedAt: cur.Time(), ID: cur.ID}
	}
	execs, next, err := a.e.ListExecutions(c.Request().Context(), q)
	if err != nil {
		return nil, err
	}
	out := &executionList{Executions: make([]Execution, len(execs))}
	for i, exec := range execs {
		out.Executions[i] = ExecutionSummary(exec)
	}
	if next != nil {
		out.NextCursor = pagetoken.Token{Kind: pagetoken.Executions, Micros: next.StartedAt.UnixMicro(), ID: next.ID}.String()
	}
	return out, nil
}

// childExecutions is GET /v1/executions/{arn}/children: the executions
// that Tasks of the execution started, oldest first, paged by limit and
// cursor.
func (a *API) childExecutions(c echo.Context) error {
	exec, limit, after, err := a.executionPageAfter(c, pagetoken.Children)
	if err != nil {
		return err
	}
	children, next, err := a.e.ChildExecutions(c.Request().Context(), exec, after, limit)
	if err != nil {
		return err
	}
	out := executionList{Executions: make([]Execution, len(children))}
	for i, child := range children {
		out.Executions[i] = ExecutionSummary(child)
	}
	if next != 0 {
		out.NextCursor = pagetoken.Token{Kind: pagetoken.Children, Of: exec.ID, ID: next}.String()
	}
	return c.JSON(http.StatusOK, out)
}

// executionPage reads a request for a page of a listing of kind about the
// execution its path names: the execution, the limit and the cursor.
func (a *API) executionPage(c echo.Context, kind string) (*store.Execution, int, *pagetoken.Token, error) {
	arn, err := ExecutionARN(c)
	if err != nil {
		return nil, 0, nil, err
	}
	limit, err := LimitParam(c)
	if err != nil {
		return nil, 0, nil, err
	}
	cur, err := cursorParam(c, kind)
	if err != nil {
		return nil, 0, nil, err
	}
	exec, err := a.e.Execution(c.Request().Context(), arn)
	return exec, limit, cur, err
}

// executionPageAfter is executionPage for a listing whose cursors hold
// the execution's id (Of) and the id of the last row listed (ID): it
// returns that id, 0 for the first page, and refuses the cursor of
// another execution's listing.
func (a *API) executionPageAfter(c echo.Context, kind string) (*store.Execution, int, int64, error) {
	exec, limit, cur, err := a.executionPage(c, kind)
	switch {
	case err != nil || cur == nil:
		return exec, limit, 0, err
	case cur.Of != exec.ID:
		return nil, 0, 0, badCursor()
	}
	return exec, limit, cur.ID, nil
}

// Event is one history event in responses.
type Event struct {
	ID              int64           `json:"id"`
	PreviousEventID int64           `json:"previousEventId"`
	Type            string          `json:"type"`
	Timestamp       time.Time       `json:"timestamp"`
	State           *string         `json:"state,omitempty"`
	Details         json.RawMessage `json:"details,omitempty"`
}

// EventOf is a stored event in responses; without data, no details.
func EventOf(ev *store.Event, data bool) Event {
	v := Event{ID: ev.ID, PreviousEventID: ev.PreviousID, Type: ev.Type, Timestamp: ev.Timestamp, State: ev.State}
	if data && ev.Details != nil && *ev.Details != "" {
		v.Details = RawJSON(*ev.Details)
	}
	return v
}

// History is the response of GET /v1/executions/{arn}/history.
type History struct {
	Events     []Event `json:"events"`
	NextCursor string  `json:"nextCursor,omitempty"`
}

// executionHistory is GET /v1/executions/{arn}/history: events in order
// (newest first with reverse=true), paged by limit and cursor; with
// includeData=false the events carry no details.
func (a *API) executionHistory(c echo.Context) error {
	reverse, err := BoolParam(c, "reverse", false)
	if err != nil {
		return err
	}
	includeData, err := BoolParam(c, "includeData", true)
	if err != nil {
		return err
	}
	exec, limit, cur, err := a.executionPage(c, pagetoken.History)
	if err != nil {
		return err
	}
	var after int64
	if cur != nil {
		if cur.Reverse != reverse {
			return apierror.BadParameter("cursor", "the cursor pages with reverse=%t; pass the same reverse as for the first page", cur.Reverse)
		}
		after = cur.ID
	}
	events, err := a.e.History(c.Request().Context(), exec.ID, after, limit+1, reverse)
	if err != nil {
		return err
	}
	out := History{Events: make([]Event, 0, min(len(events), limit))}
	if len(events) > limit {
		events = events[:limit]
		out.NextCursor = pagetoken.Token{Kind: pagetoken.History, ID: events[limit-1].ID, Reverse: reverse}.String()
	}
	for _, ev := range events {
		out.Events = append(out.Events, EventOf(ev, includeData))
	}
	return c.JSON(http.StatusOK, out)
}

// Events is the response of GET /v1/executions/{arn}/events: the events
// after the id asked for, oldest first, and the execution's last event id
// and status as read before them (so the events reach at least
// LastEventID, unless limit cut them short).
type Events struct {
	Events      []Event `json:"events"`
	LastEventID int64   `json:"lastEventId"`
	Status      string  `json:"status"`
}

// executionEvents is GET /v1/executions/{arn}/events: up to limit events
// after event id after (default 0). With wait it is a long poll: it
// answers as soon as the execution has events after that id or is no
// longer RUNNING, woken by the commit that makes it so, or after wait (at
// most MaxSyncWait) with no events.
func (a *API) executionEvents(c echo.Context) error {
	arn, err := ExecutionARN(c)
	if err != nil {
		return err
	}
	limit, err := LimitParam(c)
	if err != nil {
		return err
	}
	includeData, err := BoolParam(c, "includeData", true)
	if err != nil {
		return err
	}
	after, err := eventIDParam(c, "after")
	if err != nil {
		return err
	}
	var wait time.Duration
	if c.QueryParam("wait") != "" {
		if wait, err = durationParam(c, "wait", 0, a.cfg.MaxSyncWait); err != nil {
			return err
		}
	}
	ctx := c.Request().Context()
	exec, err := a.e.Execution(ctx, arn)
	if err != nil {
		return err
	}
	out := Events{LastEventID: exec.LastEventID, Status: exec.Status}
	if wait > 0 {
		waitCtx, cancel := context.WithTimeout(ctx, wait)
		out.LastEventID, out.Status, err = a.e.AwaitProgress(waitCtx, arn, after)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			out.LastEventID, out.Status, err = a.e.Progress(ctx, exec.ID) // nothing new within wait
		}
		if err != nil {
			return err
		}
	}
	events, err := a.e.History(ctx, exec.ID, after, limit, false)
	if err != nil {
		return err
	}
	out.Events = make([]Event, 0, len(events))
	for _, ev := range events {
		out.Events = append(out.Events, EventOf(ev, includeData))
	}
	return c.JSON(http.StatusOK, out)
}

// stopRequest is the body of POST /v1/executions/{arn}/stop; optional.
type stopRequest struct {
	Error string `json:"error"`
	Cause string `json:"cause"`
}

// stopExecution is POST /v1/executions/{arn}/stop.
func (a *API) stopExecution(c echo.Context) error {
	return a.onExecution(c, func(ctx context.Context, arn string) (*store.Execution, error) {
		var req stopRequest
		if err := decodeBody(c, &req, true); err != nil {
			return nil, err
		}
		if err := errorText(req.Error, req.Cause); err != nil {
			return nil, err
		}
		return a.e.StopExecution(ctx, arn, req.Error, req.Cause)
	})
}

// redriveExecution is POST /v1/executions/{arn}/redrive; the body, if
// any, is an empty object.
func (a *API) redriveExecution(c echo.Context) error {
	return a.onExecution(c, func(ctx context.Context, arn string) (*store.Execution, error) {
		var req struct{}
		if err := decodeBody(c, &req, true); err != nil {
			return nil, err
		}
		return a.e.RedriveExecution(ctx, arn)
	})
}
