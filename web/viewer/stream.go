package viewer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Live updates: GET /v1/executions/{arn}/events/stream answers with
// Server-Sent Events. The stream watches the execution (engine.Watch): it
// is woken by each commit that adds events to the execution or changes
// its status, in this process directly and in others through PostgreSQL
// (LISTEN/NOTIFY), and then reads the execution's last event id and
// status (one indexed read of one row), sending a "progress" event when
// either changed. A page learns of a transition as it commits and then
// fetches only what it shows; an open page that sees no change costs no
// query.

// streamKeepAlive is how often an idle stream sends a comment line.
const streamKeepAlive = 15 * time.Second

// progressEvent is the data of a "progress" event.
type progressEvent struct {
	LastEventID int64  `json:"lastEventId"`
	Status      string `json:"status"`
}

// streamExecution is GET /v1/executions/{arn}/events/stream: a "progress"
// event at once and after every change of the execution's last event id
// or status, and a comment line after streamKeepAlive without an event so
// proxies keep the connection. It ends when the client goes away.
func (vw *Viewer) streamExecution(c echo.Context) error {
	exec, err := vw.requestedExecution(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	changed, stop, err := vw.e.Watch(ctx, exec.ARN)
	if err != nil {
		return err
	}
	defer stop()
	w := c.Response()
	// The stream outlives the server's WriteTimeout, which suits ordinary
	// requests; lift it for this response.
	_ = http.NewResponseController(w.Writer).SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	keepAlive := time.NewTimer(streamKeepAlive)
	defer keepAlive.Stop()
	var last *progressEvent
	for {
		id, status, err := vw.e.Progress(ctx, exec.ID)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			vw.log.Warn("execution stream", "arn", exec.ARN, "error", err)
		} else if last == nil || id != last.LastEventID || status != last.Status {
			last = &progressEvent{LastEventID: id, Status: status}
			data, _ := json.Marshal(last)
			if _, err := fmt.Fprintf(w, "event: progress\nid: %d\ndata: %s\n\n", id, data); err != nil {
				return nil
			}
			w.Flush()
			keepAlive.Reset(streamKeepAlive)
		}
		if !vw.awaitChange(ctx, w, changed, keepAlive) {
			return nil
		}
	}
}

// awaitChange waits for the watched execution to change, writing a
// keep-alive comment each time keepAlive fires meanwhile; false when the
// client went away.
func (vw *Viewer) awaitChange(ctx context.Context, w *echo.Response, changed <-chan struct{}, keepAlive *time.Timer) bool {
	for {
		select {
		case <-ctx.Done():
			return false
		case <-changed:
			return true
		case <-keepAlive.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return false
			}
			w.Flush()
			keepAlive.Reset(streamKeepAlive)
		}
	}
}
