package web

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
)

// startRequest is the body of POST /v1/state-machines/{name}/executions
// and …/start-sync; every field is optional.
type startRequest struct {
	// Name makes the start idempotent; empty means a generated name.
	Name string `json:"name"`
	// Input is the execution input itself, any JSON value; absent means {}.
	Input json.RawMessage `json:"input"`
	// Version pins a version; 0 means the latest.
	Version int `json:"version"`
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
}

func executionSummary(exec *store.Execution) Execution {
	machine, machineARN := engine.StateMachineOf(exec)
	return Execution{ARN: exec.ARN, Name: exec.Name, StateMachine: machine, StateMachineARN: machineARN,
		Version: exec.Version, Status: exec.Status, StartedAt: exec.StartedAt, StoppedAt: exec.StoppedAt, RedriveCount: exec.RedriveCount}
}

func executionDetail(exec *store.Execution) Execution {
	out := executionSummary(exec)
	out.Input = rawJSON(exec.Input)
	if exec.Output != nil {
		out.Output = rawJSON(*exec.Output)
	}
	out.Error, out.Cause = exec.Error, exec.Cause
	return out
}

func executionLocation(arn string) string { return "/v1/executions/" + url.PathEscape(arn) }

// start starts the execution a start request asks for.
func (s *Server) start(c echo.Context) (*store.Execution, bool, error) {
	machine, err := pathParam(c, "name")
	if err != nil {
		return nil, false, err
	}
	var req startRequest
	if err := decodeBody(c, &req, true); err != nil {
		return nil, false, err
	}
	exec, created, err := s.e.StartExecution(c.Request().Context(),
		engine.StartInput{StateMachine: machine, Name: req.Name, Input: string(req.Input), Version: req.Version})
	if err != nil {
		return nil, false, err
	}
	if exec == nil {
		return nil, false, errors.New("start execution: the engine returned no execution")
	}
	if created {
		name, _ := engine.StateMachineOf(exec)
		s.metrics.started.WithLabelValues(name).Inc()
	}
	c.Response().Header().Set(echo.HeaderLocation, executionLocation(exec.ARN))
	return exec, created, nil
}

// startExecution is POST /v1/state-machines/{name}/executions: 201 with
// the new execution, or 200 with the existing one of the same name and
// input.
func (s *Server) startExecution(c echo.Context) error {
	exec, created, err := s.start(c)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, executionDetail(exec))
}

// startSyncExecution is POST /v1/state-machines/{name}/start-sync
// [?timeout=30s]: it starts the execution and waits for it to end, then
// answers 200 with its status, output, error and cause; if the timeout
// passes first, 202 with the execution still RUNNING.
func (s *Server) startSyncExecution(c echo.Context) error {
	wait, err := waitParam(c, s.cfg.SyncWait, s.cfg.MaxSyncWait)
	if err != nil {
		return err
	}
	exec, _, err := s.start(c)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), wait)
	defer cancel()
	done, err := s.e.Wait(ctx, exec.ARN)
	switch {
	case errors.Is(err, context.DeadlineExceeded) && c.Request().Context().Err() == nil:
		if done != nil {
			exec = done
		}
		return c.JSON(http.StatusAccepted, executionDetail(exec))
	case err != nil:
		return err
	}
	return c.JSON(http.StatusOK, executionDetail(done))
}

// describeExecution is GET /v1/executions/{arn} (or /v1/executions/-?arn=ARN).
func (s *Server) describeExecution(c echo.Context) error {
	arn, err := executionARN(c)
	if err != nil {
		return err
	}
	exec, err := s.e.Execution(c.Request().Context(), arn)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, executionDetail(exec))
}

// executionList is the response of GET /v1/executions.
type executionList struct {
	Executions []Execution `json:"executions"`
	NextCursor string      `json:"nextCursor,omitempty"`
}

// statuses are the execution statuses the status filter takes.
var statuses = []string{store.StatusRunning, store.StatusSucceeded, store.StatusFailed, store.StatusTimedOut, store.StatusAborted}

// listExecutions is GET /v1/executions: newest first, filtered by
// stateMachine, status, namePrefix, startedAfter and startedBefore, paged
// by limit and cursor. With ?arn=ARN it describes that execution instead.
func (s *Server) listExecutions(c echo.Context) error {
	if c.QueryParam("arn") != "" {
		return s.describeExecution(c)
	}
	q := engine.ExecutionQuery{StateMachine: c.QueryParam("stateMachine"), Status: c.QueryParam("status"), NamePrefix: c.QueryParam("namePrefix")}
	if q.Status != "" && !slices.Contains(statuses, q.Status) {
		return badParameter("status", "%q is not one of %v", q.Status, statuses)
	}
	var err error
	if q.StartedAfter, err = timeParam(c, "startedAfter"); err != nil {
		return err
	}
	if q.StartedBefore, err = timeParam(c, "startedBefore"); err != nil {
		return err
	}
	if q.Limit, err = limitParam(c); err != nil {
		return err
	}
	cur, err := cursorParam(c, cursorExecutions)
	if err != nil {
		return err
	}
	if cur != nil {
		q.After = &engine.ExecutionPosition{StartedAt: time.UnixMicro(cur.Micros).UTC(), ID: cur.ID}
	}
	execs, next, err := s.e.ListExecutions(c.Request().Context(), q)
	if err != nil {
		return err
	}
	out := executionList{Executions: make([]Execution, len(execs))}
	for i, exec := range execs {
		out.Executions[i] = executionSummary(exec)
	}
	if next != nil {
		out.NextCursor = cursor{Kind: cursorExecutions, Micros: next.StartedAt.UnixMicro(), ID: next.ID}.String()
	}
	return c.JSON(http.StatusOK, out)
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

// History is the response of GET /v1/executions/{arn}/history.
type History struct {
	Events     []Event `json:"events"`
	NextCursor string  `json:"nextCursor,omitempty"`
}

// executionHistory is GET /v1/executions/{arn}/history: events in order
// (newest first with reverse=true), paged by limit and cursor; with
// includeData=false the events carry no details.
func (s *Server) executionHistory(c echo.Context) error {
	arn, err := executionARN(c)
	if err != nil {
		return err
	}
	limit, err := limitParam(c)
	if err != nil {
		return err
	}
	reverse, err := boolParam(c, "reverse", false)
	if err != nil {
		return err
	}
	includeData, err := boolParam(c, "includeData", true)
	if err != nil {
		return err
	}
	cur, err := cursorParam(c, cursorHistory)
	if err != nil {
		return err
	}
	var after int64
	if cur != nil {
		if cur.Reverse != reverse {
			return badParameter("cursor", "the cursor pages with reverse=%t; pass the same reverse as for the first page", cur.Reverse)
		}
		after = cur.ID
	}
	ctx := c.Request().Context()
	exec, err := s.e.Execution(ctx, arn)
	if err != nil {
		return err
	}
	events, err := s.e.History(ctx, exec.ID, after, limit+1, reverse)
	if err != nil {
		return err
	}
	out := History{Events: make([]Event, 0, min(len(events), limit))}
	if len(events) > limit {
		events = events[:limit]
		out.NextCursor = cursor{Kind: cursorHistory, ID: events[limit-1].ID, Reverse: reverse}.String()
	}
	for _, ev := range events {
		v := Event{ID: ev.ID, PreviousEventID: ev.PreviousID, Type: ev.Type, Timestamp: ev.Timestamp, State: ev.State}
		if includeData && ev.Details != nil && *ev.Details != "" {
			v.Details = rawJSON(*ev.Details)
		}
		out.Events = append(out.Events, v)
	}
	return c.JSON(http.StatusOK, out)
}

// stopRequest is the body of POST /v1/executions/{arn}/stop; optional.
type stopRequest struct {
	Error string `json:"error"`
	Cause string `json:"cause"`
}

// stopExecution is POST /v1/executions/{arn}/stop.
func (s *Server) stopExecution(c echo.Context) error {
	arn, err := executionARN(c)
	if err != nil {
		return err
	}
	var req stopRequest
	if err := decodeBody(c, &req, true); err != nil {
		return err
	}
	if err := errorText(req.Error, req.Cause); err != nil {
		return err
	}
	exec, err := s.e.StopExecution(c.Request().Context(), arn, req.Error, req.Cause)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, executionDetail(exec))
}

// redriveExecution is POST /v1/executions/{arn}/redrive; the body, if
// any, is an empty object.
func (s *Server) redriveExecution(c echo.Context) error {
	arn, err := executionARN(c)
	if err != nil {
		return err
	}
	var req struct{}
	if err := decodeBody(c, &req, true); err != nil {
		return err
	}
	exec, err := s.e.RedriveExecution(c.Request().Context(), arn)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, executionDetail(exec))
}
