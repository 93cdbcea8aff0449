package web

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
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
		return "", badParameter(name, "%q is not a valid URL-escaped path segment", raw)
	}
	return v, nil
}

// executionARN is the execution an /executions/{arn}… request is about:
// the arn query parameter when present (the path segment may then be
// "-"), else the path segment.
func executionARN(c echo.Context) (string, error) {
	if arn := c.QueryParam("arn"); arn != "" {
		return arn, nil
	}
	return pathParam(c, "arn")
}

// limitParam reads the page size: 1 to engine.MaxPage, default
// defaultPage.
func limitParam(c echo.Context) (int, error) {
	s := c.QueryParam("limit")
	if s == "" {
		return defaultPage, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > engine.MaxPage {
		return 0, badParameter("limit", "%q is not a whole number from 1 to %d", s, engine.MaxPage)
	}
	return n, nil
}

// boolParam reads a true/false query parameter.
func boolParam(c echo.Context, name string, def bool) (bool, error) {
	s := c.QueryParam(name)
	if s == "" {
		return def, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, badParameter(name, "%q is not true or false", s)
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
		return time.Time{}, badParameter(name, "%q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", s)
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
		return 0, badParameter("version", "%q is not a version number (1 or more)", s)
	}
	return n, nil
}

// waitParam reads start-sync's timeout: a Go duration ("45s", "2m") or
// a number of seconds, at most max; absent is def.
func waitParam(c echo.Context, def, limit time.Duration) (time.Duration, error) {
	s := c.QueryParam("timeout")
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		secs, numErr := strconv.ParseFloat(s, 64)
		if numErr != nil {
			return 0, badParameter("timeout", "%q is neither a duration such as 45s nor a number of seconds", s)
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d <= 0 || d > limit {
		return 0, badParameter("timeout", "%s is not between 0 and %s", d, limit)
	}
	return d, nil
}

// Cursors are opaque to clients: base64url of a small JSON object whose
// "k" says which listing it continues.
type cursor struct {
	Kind string `json:"k"`
	// Name is the last state machine name of a page of state machines.
	Name string `json:"n,omitempty"`
	// Micros and ID are the position of the last execution of a page.
	Micros int64 `json:"t,omitempty"`
	ID     int64 `json:"i,omitempty"`
	// Reverse says which way a history cursor pages.
	Reverse bool `json:"r,omitempty"`
}

// Cursor kinds.
const (
	cursorMachines   = "sm"
	cursorExecutions = "ex"
	cursorHistory    = "ev"
	cursorActivities = "ac"
)

func (c cursor) String() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// cursorParam decodes the cursor query parameter, which must be of kind;
// absent is nil.
func cursorParam(c echo.Context, kind string) (*cursor, error) {
	s := c.QueryParam("cursor")
	if s == "" {
		return nil, nil
	}
	var cur cursor
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err == nil {
		err = json.Unmarshal(b, &cur)
	}
	if err != nil || cur.Kind != kind {
		return nil, badParameter("cursor", "not a cursor this endpoint returned (use nextCursor from the previous page, with the same filters)")
	}
	return &cur, nil
}
