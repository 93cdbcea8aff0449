package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
)

// ErrForbidden, wrapped in an error from Config.Authorize, refuses a
// request with 403 Forbidden instead of 401 Unauthorized.
var ErrForbidden = errors.New("forbidden")

// Codes of the errors found by the server itself, before the engine.
const (
	codeMalformedJSON    = "MalformedJSON"    // 400: the body is not JSON
	codeUnknownField     = "UnknownField"     // 400: a field the endpoint does not take
	codeInvalidRequest   = "InvalidRequest"   // 400: a field of the wrong type, a missing one, an empty body
	codeInvalidParameter = "InvalidParameter" // 400: a bad query or path parameter
	codeTooLarge         = "RequestTooLarge"  // 413: the body is over Config.BodyLimit
	codeUnauthorized     = "Unauthorized"     // 401: Config.Authorize refused
	codeForbidden        = "Forbidden"        // 403: Config.Authorize refused with ErrForbidden
	codeNotFound         = "NotFound"         // 404: no such route
	codeMethodNotAllowed = "MethodNotAllowed" // 405: the route takes other methods
	codeNotReady         = "NotReady"         // 503: the database does not answer
	codeCancelled        = "RequestCancelled" // 499: the client went away
	codeInternal         = "InternalError"    // 500: anything else; the log has the cause
)

// statusClientClosed is the status logged for requests whose client went
// away (nginx's 499); the client never sees it.
const statusClientClosed = 499

// engineErrors maps each of the engine's sentinel errors to an HTTP status
// and an error code; the codes are AWS Step Functions' error type names.
var engineErrors = []struct {
	err    error
	status int
	code   string
}{
	{engine.ErrStateMachineDoesNotExist, http.StatusNotFound, "StateMachineDoesNotExist"},
	{engine.ErrStateMachineExists, http.StatusConflict, "StateMachineAlreadyExists"},
	{engine.ErrStateMachineInUse, http.StatusConflict, "StateMachineInUse"},
	{engine.ErrInvalidDefinition, http.StatusBadRequest, "InvalidDefinition"},
	{engine.ErrInvalidName, http.StatusBadRequest, "InvalidName"},
	{engine.ErrExecutionDoesNotExist, http.StatusNotFound, "ExecutionDoesNotExist"},
	{engine.ErrExecutionAlreadyExists, http.StatusConflict, "ExecutionAlreadyExists"},
	{engine.ErrInvalidExecutionInput, http.StatusBadRequest, "InvalidExecutionInput"},
	{engine.ErrExecutionNotRunning, http.StatusConflict, "ExecutionNotRunning"},
	{engine.ErrExecutionNotRedrivable, http.StatusConflict, "ExecutionNotRedrivable"},
	{engine.ErrTaskDoesNotExist, http.StatusNotFound, "TaskDoesNotExist"},
	{engine.ErrActivityDoesNotExist, http.StatusNotFound, "ActivityDoesNotExist"},
	{engine.ErrInvalidToken, http.StatusBadRequest, "InvalidToken"},
	{engine.ErrTaskTimedOut, http.StatusGone, "TaskTimedOut"},
	{engine.ErrInvalidOutput, http.StatusBadRequest, "InvalidOutput"},
}

// apiError is an error response: a status, a code, a message for the
// client and optional details. Err is the cause, for the log.
type apiError struct {
	Status  int
	Code    string
	Message string
	Details any
	Err     error
}

// Error returns the message.
func (e *apiError) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *apiError) Unwrap() error { return e.Err }

// badParameter reports a bad query or path parameter.
func badParameter(name, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: codeInvalidParameter,
		Message: name + ": " + fmt.Sprintf(format, args...), Details: map[string]any{"parameter": name}}
}

// badRequest reports a request body that is JSON but not what the
// endpoint takes.
func badRequest(field, format string, args ...any) *apiError {
	e := &apiError{Status: http.StatusBadRequest, Code: codeInvalidRequest, Message: fmt.Sprintf(format, args...)}
	if field != "" {
		e.Details = map[string]any{"field": field}
	}
	return e
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error errorView `json:"error"`
}

type errorView struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details,omitempty"`
}

// diagnosticView is one problem of a definition.
type diagnosticView struct {
	Code    string `json:"code"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// classify maps any error a handler returns to its response. It is the
// one place that knows which error is which status.
func classify(err error) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: codeTooLarge,
			Message: fmt.Sprintf("the request body is over the limit of %d bytes", tooLarge.Limit),
			Details: map[string]any{"limit": tooLarge.Limit}, Err: err}
	}
	for _, m := range engineErrors {
		if errors.Is(err, m.err) {
			ae := &apiError{Status: m.status, Code: m.code, Message: err.Error(), Err: err}
			var invalid *engine.InvalidDefinitionError
			if errors.As(err, &invalid) {
				ae.Details = map[string]any{"diagnostics": diagnostics(invalid.Diagnostics)}
			}
			return ae
		}
	}
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code < http.StatusInternalServerError {
		return fromEcho(he)
	}
	if errors.Is(err, context.Canceled) {
		return &apiError{Status: statusClientClosed, Code: codeCancelled, Message: "the request was cancelled", Err: err}
	}
	return &apiError{Status: http.StatusInternalServerError, Code: codeInternal, Message: "internal error", Err: err}
}

// fromEcho maps the errors of echo's router and middleware.
func fromEcho(he *echo.HTTPError) *apiError {
	ae := &apiError{Status: he.Code, Message: strings.ToLower(fmt.Sprint(he.Message)), Err: he}
	switch he.Code {
	case http.StatusNotFound:
		ae.Code, ae.Message = codeNotFound, "no such endpoint; the API is under /v1 (see the web package documentation)"
	case http.StatusMethodNotAllowed:
		ae.Code = codeMethodNotAllowed
	case http.StatusRequestEntityTooLarge:
		ae.Code = codeTooLarge
	case http.StatusUnauthorized:
		ae.Code = codeUnauthorized
	case http.StatusForbidden:
		ae.Code = codeForbidden
	default:
		ae.Code = codeInvalidRequest
	}
	return ae
}

// handleError is the echo HTTPErrorHandler: it writes every error as
// {"error": {"code", "message", "details"}}. A 500 says only that the
// server failed and which request it was; the log has the cause.
func (s *Server) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		s.log.Warn("error after the response was sent", "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
		return
	}
	ae := classify(err)
	id := c.Response().Header().Get(echo.HeaderXRequestID)
	switch {
	case ae.Status == statusClientClosed:
		s.log.Debug("request cancelled", "method", c.Request().Method, "path", c.Request().URL.Path, "request_id", id)
	case ae.Status >= http.StatusInternalServerError && ae.Code == codeInternal:
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "request_id", id, "error", err)
		ae = &apiError{Status: ae.Status, Code: ae.Code,
			Message: fmt.Sprintf("internal error (request id %s); the server log has the details", id)}
	}
	body := errorBody{Error: errorView{Code: ae.Code, Message: ae.Message, Details: ae.Details}}
	var werr error
	if c.Request().Method == http.MethodHead {
		werr = c.NoContent(ae.Status)
	} else {
		werr = c.JSON(ae.Status, body)
	}
	if werr != nil {
		s.log.Debug("write error response", "error", werr)
	}
}
