// Package auth is the server's one authentication middleware: it asks
// Config.Authorize about a request before its handler runs and answers a
// refusal in the protocol of the endpoint (REST's 401/403 error, or AWS's
// error types). The API keys that implement Config.Authorize are in the
// web package (Keys).
package auth

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/web/internal/apierror"
)

// Errors of authorization. ErrForbidden, wrapped in an error of
// Config.Authorize, refuses a request with 403 Forbidden (AWS:
// AccessDeniedException) instead of 401 Unauthorized; ErrMissingKey is a
// request without a key (AWS: MissingAuthenticationTokenException);
// ErrUnknownKey one with a key that is not configured (AWS:
// UnrecognizedClientException, as is any other error).
var (
	ErrForbidden  = errors.New("forbidden")
	ErrMissingKey = errors.New("missing API key: send Authorization: Bearer SECRET, or sign AWS requests with a configured access key id")
	ErrUnknownKey = errors.New("unknown API key")
)

// Func decides a request: nil lets it through (Config.Authorize).
type Func func(*http.Request) error

// Middleware refuses the requests authorize refuses, answering with
// refuse; a nil authorize lets every request through.
func Middleware(authorize Func, refuse func(echo.Context, error) error) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if authorize == nil {
			return next
		}
		return func(c echo.Context) error {
			if err := authorize(c.Request()); err != nil {
				return refuse(c, err)
			}
			return next(c)
		}
	}
}

// REST is Middleware for the REST API and /metrics: 403 Forbidden when
// the error wraps ErrForbidden, else 401 Unauthorized.
func REST(authorize Func) echo.MiddlewareFunc {
	return Middleware(authorize, func(_ echo.Context, err error) error {
		if errors.Is(err, ErrForbidden) {
			return &apierror.Error{Status: http.StatusForbidden, Code: apierror.CodeForbidden, Message: err.Error(), Err: err}
		}
		return &apierror.Error{Status: http.StatusUnauthorized, Code: apierror.CodeUnauthorized, Message: err.Error(), Err: err}
	})
}
