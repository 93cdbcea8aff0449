package viewer

import (
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/rest"
)

// expressSummary is GET /v1/express-executions/{arn}/viewer: what the
// Express execution page draws its header and graph from. Express
// executions are never stored, so it is built from their log records
// (see expressOutline) with the same summarize as a Standard execution's
// history.
type expressSummary struct {
	Execution rest.ExpressExecution `json:"execution"`
	// Definition is the machine's latest version's; absent when the
	// machine is gone. Express executions do not record their version.
	Definition json.RawMessage `json:"definition,omitempty"`
	// Complete says the records hold every event of the execution (the
	// machine logs at level ALL), so States and Transitions hold what
	// happened to each state; otherwise they are empty.
	Complete    bool                     `json:"complete"`
	EventCount  int                      `json:"eventCount"`
	EventTypes  map[string]int           `json:"eventTypes"`
	States      map[string]*stateSummary `json:"states"`
	Transitions [][2]string              `json:"transitions"`
}

// expressViewerSummary is GET /v1/express-executions/{arn}/viewer.
func (vw *Viewer) expressViewerSummary(c echo.Context) error {
	arn, err := rest.ExecutionARN(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	exec, records, err := vw.e.ExpressExecution(ctx, arn)
	if err != nil {
		return err
	}
	out := expressSummary{Execution: rest.NewExpressExecution(exec), EventCount: len(records),
		EventTypes: map[string]int{}, States: map[string]*stateSummary{}}
	var def *asl.StateMachine
	d, err := vw.e.DescribeStateMachine(ctx, exec.StateMachineARN, 0)
	switch {
	case err == nil:
		out.Definition = rest.RawJSON(d.Version.Definition)
		def, _ = asl.Parse([]byte(d.Version.Definition))
	case !errors.Is(err, engine.ErrStateMachineDoesNotExist):
		return err
	}
	events, complete := expressOutline(records)
	if complete {
		out.Complete = true
		out.States, out.Transitions, out.EventTypes = summarize(events, exec.Status, def, nil)
	} else {
		for _, ev := range events {
			out.EventTypes[ev.Type]++
		}
	}
	return c.JSON(http.StatusOK, out)
}

// logged is the part of a log record the summary reads.
type logged struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Details struct {
		Name  string  `json:"name"`
		Error *string `json:"error"`
	} `json:"details"`
}

// expressOutline makes an execution's log records the event outlines
// that summarize replays, in event order, and reports whether they are
// complete: every event from 1 on, none missing (a machine logging at
// ERROR or FATAL leaves gaps, and records past engine.MaxExpressRecords
// are not read).
func expressOutline(records []store.LogRecord) ([]store.EventOutline, bool) {
	events := make([]store.EventOutline, 0, len(records))
	for _, r := range records {
		var l logged
		if json.Unmarshal([]byte(r.Record), &l) != nil {
			continue
		}
		id, _ := strconv.ParseInt(l.ID, 10, 64)
		events = append(events, store.EventOutline{ID: id, Type: l.Type, Timestamp: r.EventTimestamp, State: l.Details.Name, Error: l.Details.Error})
	}
	slices.SortStableFunc(events, func(a, b store.EventOutline) int { return cmp.Compare(a.ID, b.ID) })
	complete := len(events) > 0 && len(events) == len(records) && len(records) < engine.MaxExpressRecords
	for i, ev := range events {
		complete = complete && ev.ID == int64(i+1)
	}
	return events, complete
}
