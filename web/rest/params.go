package rest

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/web/internal/apierror"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// defaultPage is the page size of the list endpoints when the request
// sets no limit.
const defaultPage = 100

// pathParam returns a path parameter, unescaped: echo routes on the
// escaped path, so "arn%3Aaws%3A…" arrives as it was sent.
func pathParam(c echo.Context, name string) (string, error) {
	raw := c.Param(name)
	v, err := url.PathUnescape(raw)
	if err != nil {
		return "", apierror.BadParameter(name, "%q is not a valid URL-escaped path segment", raw)
	}
	return v, nil
}

// ExecutionARN is the execution an /executions/{arn}… request is about
// (see ARNParam).
func ExecutionARN(c echo.Context) (string, error) { return ARNParam(c) }

// ARNParam is the ARN an /executions/{arn}… or /map-runs/{arn}… request
// is about: the arn query parameter when present (the path segment may
// then be "-"), else the path segment, unescaped.
func ARNParam(c echo.Context) (string, error) {
	if arn := c.QueryParam("arn"); arn != "" {
		return arn, nil
	}
	return pathParam(c, "arn")
}

// LimitParam reads the page size: 1 to engine.MaxPage, default
// defaultPage.
func LimitParam(c echo.Context) (int, error) {
	s := c.QueryParam("limit")
	if s == "" {
		return defaultPage, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > engine.MaxPage {
		return 0, apierror.BadParameter("limit", "%q is not a whole number from 1 to %d", s, engine.MaxPage)
	}
	return n, nil
}

// BoolParam reads a true/false query parameter.
func BoolParam(c echo.Context, name string, def bool) (bool, error) {
	s := c.QueryParam(name)
	if s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, apierror.BadParameter(name, "%q is not true or false", s)
	}
	return b, nil
}

// timeParam reads an RFC 3339 time; absent is the zero time.
func timeParam(c echo.Context, name string) (time.Time, error) {
	s := c.QueryParam(name)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, apierror.BadParameter(name, "%q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", s)
	}
	return t, nil
}

// versionParam reads a state machine version; absent is 0, the latest.
func versionParam(c echo.Context) (int, error) {
	s := c.QueryParam("version")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, apierror.BadParameter("version", "%q is not a version number (1 or more)", s)
	}
	return n, nil
}

// eventIDParam reads a history event id: a whole number, 0 or more;
// absent is 0.
func eventIDParam(c echo.Context, name string) (int64, error) {
	s := c.QueryParam(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, apierror.BadParameter(name, "%q is not an event id (a whole number, 0 or more)", s)
	}
	return n, nil
}

// waitParam reads start-sync's timeout: a Go duration ("45s", "2m") or
// a number of seconds, at most max; absent is def.
func waitParam(c echo.Context, def, limit time.Duration) (time.Duration, error) {
	return durationParam(c, "timeout", def, limit)
}

// durationParam reads query parameter name as a duration ("45s") or a
// number of seconds, between 0 (excluded) and limit; absent is def.
func durationParam(c echo.Context, name string, def, limit time.Duration) (time.Duration, error) {
	s := c.QueryParam(name)
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		secs, numErr := strconv.ParseFloat(s, 64)
		if numErr != nil {
			return 0, apierror.BadParameter(name, "%q is neither a duration such as 45s nor a number of seconds", s)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d <= 0 || d > limit {
		return 0, apierror.BadParameter(name, "%s is not between 0 and %s", d, limit)
	}
	return d, nil
}

// cursorParam decodes the cursor query parameter, which must be of kind
// (see pagetoken); absent is nil.
func cursorParam(c echo.Context, kind string) (*pagetoken.Token, error) {
	t, err := pagetoken.Decode(c.QueryParam("cursor"), kind)
	if err != nil {
		return nil, badCursor()
	}
	return t, nil
}

func badCursor() error {
	return apierror.BadParameter("cursor", "not a cursor this endpoint returned (use nextCursor from the previous page, with the same filters)")
}

// byName reads a page of a listing in name order, paged by the limit and
// cursor parameters, and makes each row an item of the answer.
func byName[T, Item any](c echo.Context, kind string, list func(ctx context.Context, after string, limit int) ([]T, error),
	name func(T) string, item func(T) Item) ([]Item, string, error) {
	limit, err := LimitParam(c)
	if err != nil {
		return nil, "", err
	}
	rows, next, err := pagetoken.ByName(c.Request().Context(), kind, c.QueryParam("cursor"), limit, list, name)
	if errors.Is(err, pagetoken.ErrInvalid) {
		return nil, "", badCursor()
	}
	if err != nil {
		return nil, "", err
	}
	items := make([]Item, len(rows))
	for i, row := range rows {
		items[i] = item(row)
	}
	return items, next, nil
}
