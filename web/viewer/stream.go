package viewer

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Live updates: GET /v1/executions/{arn}/events/stream answers with
// Server-Sent Events. The server polls the execution's last event id and
// status (one indexed read of one row) every streamPoll and sends a
// "progress" event when either changes, so a page learns of a transition
// within streamPoll and then fetches only what it shows. Polling keeps
// the engine untouched and costs one cheap query per open page per tick;
// LISTEN/NOTIFY would need the engine's transactions to notify.

// Timings of the live stream.
const (
	streamPoll      = 250 * time.Millisecond
	streamKeepAlive = 15 * time.Second
)

// progressEvent is the data of a "progress" event.
type progressEvent struct {
	LastEventID int64  `json:"lastEventId"`
	Status      string `json:"status"`
}

// streamExecution is GET /v1/executions/{arn}/events/stream: a "progress"
// event at once and after every change of the execution's last event id
// or status, and a comment line every streamKeepAlive so proxies keep the
// connection. It ends when the client goes away.
func (vw *Viewer) streamExecution(c echo.Context) error {
	exec, err := vw.requestedExecution(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	w := c.Response()
	// The stream outlives the server's WriteTimeout, which suits ordinary
	// requests; lift it for this response.
	_ = http.NewResponseController(w.Writer).SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set(echo.HeaderContentType, "text/event-stream")
	h.Set(echo.HeaderCacheControl, "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	tick := time.NewTicker(streamPoll)
	defer tick.Stop()
	var last progressEvent
	lastWrite := time.Time{}
	for {
		id, status, err := vw.e.Progress(ctx, exec.ID)
		if ctx.Err() != nil {
			return nil
		}
		now := time.Now()
		switch {
		case err != nil:
			vw.log.Warn("execution stream", "arn", exec.ARN, "error", err)
		case id != last.LastEventID || status != last.Status || lastWrite.IsZero():
			last = progressEvent{LastEventID: id, Status: status}
			data, _ := json.Marshal(last)
			if _, err := fmt.Fprintf(w, "event: progress\nid: %d\ndata: %s\n\n", id, data); err != nil {
				return nil
			}
			w.Flush()
			lastWrite = now
		case now.Sub(lastWrite) >= streamKeepAlive:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
			w.Flush()
			lastWrite = now
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
