package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
)

// answerHead makes every GET route of e answer HEAD: echo's router knows
// only the methods registered, so each GET path gets a HEAD route whose
// handler finds the GET route's (with its route middleware, such as
// authorization) and runs it. The http.Server sees a HEAD request and
// drops the body, counting it for Content-Length when the handler writes
// it all at once, so the answer has the GET's status and headers. Call it
// once, after every route is registered.
func answerHead(e *echo.Echo) {
	head := map[string]bool{}
	for _, r := range e.Routes() {
		if r.Method == http.MethodHead {
			head[r.Path] = true
		}
	}
	for _, r := range e.Routes() {
		if r.Method == http.MethodGet && !head[r.Path] {
			head[r.Path] = true
			e.HEAD(r.Path, headAsGet(e.Router()))
		}
	}
}

// headAsGet answers a HEAD request with the handler of the GET route of
// its path. A handler that streams (flushes) has sent all a HEAD answer
// holds at its first flush, so the request's context ends there.
func headAsGet(router *echo.Router) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		router.Find(http.MethodGet, echo.GetPath(req), c)
		ctx, cancel := context.WithCancel(req.Context())
		defer cancel()
		c.SetRequest(req.WithContext(ctx))
		res := c.Response()
		res.Writer = &headWriter{ResponseWriter: res.Writer, flushed: cancel}
		return c.Handler()(c)
	}
}

// headWriter is the response writer of a HEAD request answered by a GET
// handler: a flush ends the request's context.
type headWriter struct {
	http.ResponseWriter
	flushed context.CancelFunc
}

// Flush sends the headers and ends the request's context.
func (w *headWriter) Flush() {
	_ = http.NewResponseController(w.ResponseWriter).Flush()
	w.flushed()
}

// Unwrap returns the server's writer, for http.ResponseController.
func (w *headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
