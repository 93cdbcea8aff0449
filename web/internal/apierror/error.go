package apierror

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
)

// Codes of the REST errors found by the server itself, before the engine.
const (
	CodeMalformedJSON    = "MalformedJSON"    // 400: the body is not JSON
	CodeUnknownField     = "UnknownField"     // 400: a field the endpoint does not take
	CodeInvalidRequest   = "InvalidRequest"   // 400: a field of the wrong type, a missing one, an empty body
	CodeInvalidParameter = "InvalidParameter" // 400: a bad query or path parameter
	CodeTooLarge         = "RequestTooLarge"  // 413: the body is over Config.BodyLimit
	CodeUnauthorized     = "Unauthorized"     // 401: Config.Authorize refused
	CodeForbidden        = "Forbidden"        // 403: Config.Authorize refused with ErrForbidden
	CodeNotFound         = "NotFound"         // 404: no such route
	CodeMethodNotAllowed = "MethodNotAllowed" // 405: the route takes other methods
	CodeNotReady         = "NotReady"         // 503: the database does not answer
	CodeCancelled        = "RequestCancelled" // 499: the client went away
	CodeInternal         = "InternalError"    // 500: anything else; the log has the cause
)

// StatusClientClosed is the status logged for requests whose client went
// away (nginx's 499); the client never sees it.
const StatusClientClosed = 499

// Error is a REST error response: a status, a code, a message for the
// client and optional details. Err is the cause, for the log.
type Error struct {
	Status  int
	Code    string
	Message string
	Details any
	Err     error
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// BadParameter reports a bad query or path parameter.
func BadParameter(name, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidParameter,
		Message: name + ": " + fmt.Sprintf(format, args...), Details: map[string]any{"parameter": name}}
}

// BadRequest reports a request body that is JSON but not what the
// endpoint takes.
func BadRequest(field, format string, args ...any) *Error {
	e := &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Message: fmt.Sprintf(format, args...)}
	if field != "" {
		e.Details = map[string]any{"field": field}
	}
	return e
}

// body is the JSON of every REST error response.
type body struct {
	Error view `json:"error"`
}

type view struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details,omitempty"`
}

// Diagnostic is one problem of a definition in REST responses.
type Diagnostic struct {
	Code    string `json:"code"`
	Pointer string `json:"pointer"`
	Message string `json:"message"`
}

// Diagnostics converts a definition's problems for a response.
func Diagnostics(ds []asl.Diagnostic) []Diagnostic {
	out := make([]Diagnostic, len(ds))
	for i, d := range ds {
		out[i] = Diagnostic{Code: d.Code, Pointer: d.Pointer, Message: d.Message}
	}
	return out
}

// Classify maps any error a REST handler returns to its response, with
// Table for the engine's errors.
func Classify(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeTooLarge,
			Message: fmt.Sprintf("the request body is over the limit of %d bytes", tooLarge.Limit),
			Details: map[string]any{"limit": tooLarge.Limit}, Err: err}
	}
	if m, ok := Lookup(err); ok {
		ae := &Error{Status: m.Status, Code: m.Code, Message: err.Error(), Err: err}
		var invalid *engine.InvalidDefinitionError
		if errors.As(err, &invalid) {
			ae.Details = map[string]any{"diagnostics": Diagnostics(invalid.Diagnostics)}
		}
		return ae
	}
	var he *echo.HTTPError
	if errors.As(err, &he) && he.Code < http.StatusInternalServerError {
		return fromEcho(he)
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Status: StatusClientClosed, Code: CodeCancelled, Message: "the request was cancelled", Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternal, Message: "internal error", Err: err}
}

// fromEcho maps the errors of echo's router and middleware.
func fromEcho(he *echo.HTTPError) *Error {
	ae := &Error{Status: he.Code, Message: strings.ToLower(fmt.Sprint(he.Message)), Err: he}
	switch he.Code {
	case http.StatusNotFound:
		ae.Code, ae.Message = CodeNotFound, "no such endpoint; the API is under /v1 (see the web package documentation)"
	case http.StatusMethodNotAllowed:
		ae.Code = CodeMethodNotAllowed
	case http.StatusRequestEntityTooLarge:
		ae.Code = CodeTooLarge
	case http.StatusUnauthorized:
		ae.Code = CodeUnauthorized
	case http.StatusForbidden:
		ae.Code = CodeForbidden
	default:
		ae.Code = CodeInvalidRequest
	}
	return ae
}

// RetryAfter is the Retry-After, in seconds, of a REST answer 429: a
// throttled request (engine.ErrThrottled) may be tried again then.
const RetryAfter = "1"

// Handler returns the echo HTTPErrorHandler of the server: it writes every
// error as {"error": {"code", "message", "details"}}. A 500 says only that
// the server failed and which request it was; log has the cause.
func Handler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			log.Warn("error after the response was sent", "method", c.Request().Method, "path", c.Request().URL.Path, "error", err)
			return
		}
		ae := Classify(err)
		id := c.Response().Header().Get(echo.HeaderXRequestID)
		switch {
		case ae.Status == StatusClientClosed:
			log.Debug("request cancelled", "method", c.Request().Method, "path", c.Request().URL.Path, "request_id", id)
		case ae.Status >= http.StatusInternalServerError && ae.Code == CodeInternal:
			log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "request_id", id, "error", err)
			ae = &Error{Status: ae.Status, Code: ae.Code,
				Message: fmt.Sprintf("internal error (request id %s); the server log has the details", id)}
		}
		if ae.Status == http.StatusTooManyRequests {
			c.Response().Header().Set("Retry-After", RetryAfter)
		}
		// The http.Server drops the body of a HEAD answer: written all the
		// same, it gives the GET's Content-Type and Content-Length.
		if werr := c.JSON(ae.Status, body{Error: view{Code: ae.Code, Message: ae.Message, Details: ae.Details}}); werr != nil {
			log.Debug("write error response", "error", werr)
		}
	}
}
