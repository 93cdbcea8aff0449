package viewer

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/apierror"
	"github.com/stepwise-run/stepwise/web/internal/auth"
	"github.com/stepwise-run/stepwise/web/rest"
)

// The viewer's read endpoints. They answer what the execution page needs
// in few requests: one summary for the header, graph and timeline; pages
// of filtered history; one state's or one Map iteration's details. Like
// the rest of /v1 they take the execution's ARN in the path (escaped) or
// as ?arn= with "-" in the path, and need a key of read scope.
//
//	GET /v1/executions/{arn}/viewer
//	    the execution (with parentExecutionArn when a Task of another
//	    started it, mapRunArn when a Distributed Map's Map run did), its
//	    version's definition, and per state: status
//	    (running, succeeded, failed, caught, cancelled), visit and retry
//	    counts, visits with their failed attempts; the transitions taken;
//	    each Map state's iterations; the tasks waiting for a callback with
//	    their tokens; the number of events of each type
//	GET /v1/executions/{arn}/viewer/events?after=ID&limit=N&type=T&failures=true&state=S
//	    up to limit (100; at most 1000) events after event ID, in order,
//	    filtered; "next" is the after= of the next page
//	GET /v1/executions/{arn}/viewer/state?state=NAME
//	    every visit of a state (its first 600 events) with input, output,
//	    result, error, attempts and the payload stages replayed from the
//	    definition (asl.Stages), the nested executions it started, and
//	    its waiting callback tokens
//	GET /v1/executions/{arn}/viewer/iteration?run=ID
//	    one Map iteration (run ID from the summary): its state, that
//	    state's input, its output or error
//	GET /v1/executions/{arn}/events/stream
//	    Server-Sent Events (see stream.go)
//	GET /v1/express-executions/{arn}/viewer
//	    an Express execution rebuilt from its log records (express.go):
//	    the execution, its machine's latest definition and, when the
//	    records hold every event (level ALL), the per-state summary and
//	    transitions of the Standard summary; its events are read from
//	    GET /v1/log-records?execution=ARN
//
// History events do not name the run (Map iteration or Parallel branch)
// they belong to, so the summary pairs a state's concurrent visits first
// in, first out: counts are exact, the pairing of a failure with one of
// several concurrent visits is not, and an iteration's path is shown as
// the way from the processor's start to the state where it stopped.

// requestedExecution reads the execution an /executions/{arn}… request
// names.
func (vw *Viewer) requestedExecution(c echo.Context) (*store.Execution, error) {
	arn, err := rest.ExecutionARN(c)
	if err != nil {
		return nil, err
	}
	return vw.e.Execution(c.Request().Context(), arn)
}

// viewerExecution reads the execution of a viewer request with the
// version it runs and its parsed definition (nil if it no longer parses).
func (vw *Viewer) viewerExecution(c echo.Context) (*store.Execution, *store.Version, *asl.StateMachine, error) {
	exec, err := vw.requestedExecution(c)
	if err != nil {
		return nil, nil, nil, err
	}
	_, v, err := vw.e.ExecutionVersion(c.Request().Context(), exec)
	if err != nil {
		return nil, nil, nil, err
	}
	def, _ := asl.Parse([]byte(v.Definition))
	return exec, v, def, nil
}

// viewerSummary is GET /v1/executions/{arn}/viewer.
func (vw *Viewer) viewerSummary(c echo.Context) error {
	exec, version, def, err := vw.viewerExecution(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	events, err := vw.e.HistoryOutline(ctx, exec.ID)
	if err != nil {
		return err
	}
	runs, err := vw.e.Runs(ctx, exec.ID)
	if err != nil {
		return err
	}
	described, err := rest.ExecutionDescription(ctx, vw.e, exec)
	if err != nil {
		return err
	}
	out := viewerSummary{Execution: described, Definition: rest.RawJSON(version.Definition), EventCount: len(events)}
	if n := len(events); n > 0 {
		out.LastEventID = events[n-1].ID
	}
	out.States, out.Transitions, out.EventTypes = summarize(events, exec.Status, def, activeStates(runs))
	out.Maps, out.Waiting = summarizeRuns(runs, def)
	vw.hideTokens(c, out.Waiting)
	return c.JSON(http.StatusOK, out)
}

// viewerEvents is the response of GET /v1/executions/{arn}/viewer/events.
type viewerEvents struct {
	Events []rest.Event `json:"events"`
	// Next is the after= of the next page; 0 when this page is the last.
	Next int64 `json:"next,omitempty"`
}

// eventFilter reads the history filter of a viewer request: after, type,
// failures, state and limit.
func eventFilter(c echo.Context) (store.EventFilter, error) {
	f := store.EventFilter{Type: c.QueryParam("type"), State: c.QueryParam("state")}
	var err error
	if s := c.QueryParam("after"); s != "" {
		if f.After, err = strconv.ParseInt(s, 10, 64); err != nil || f.After < 0 {
			return f, apierror.BadParameter("after", "%q is not an event id", s)
		}
	}
	if f.Failures, err = rest.BoolParam(c, "failures", false); err != nil {
		return f, err
	}
	f.Limit, err = rest.LimitParam(c)
	return f, err
}

// viewerHistory is GET /v1/executions/{arn}/viewer/events: a page of
// events after an event id, filtered by type, failures and state.
func (vw *Viewer) viewerHistory(c echo.Context) error {
	f, err := eventFilter(c)
	if err != nil {
		return err
	}
	exec, err := vw.requestedExecution(c)
	if err != nil {
		return err
	}
	limit := f.Limit
	f.Limit++
	events, err := vw.e.FilteredHistory(c.Request().Context(), exec.ID, f)
	if err != nil {
		return err
	}
	out := viewerEvents{Events: make([]rest.Event, 0, min(len(events), limit))}
	if len(events) > limit {
		events = events[:limit]
		out.Next = events[limit-1].ID
	}
	for _, ev := range events {
		out.Events = append(out.Events, rest.EventOf(ev, true))
	}
	return c.JSON(http.StatusOK, out)
}

// stageView is one payload-processing stage in responses.
type stageView struct {
	Name  string `json:"name"`
	Value any    `json:"value,omitempty"`
	Error string `json:"error,omitempty"`
	Cause string `json:"cause,omitempty"`
}

// stateVisit is one visit of a state with its payloads.
type stateVisit struct {
	Entered  time.Time    `json:"entered"`
	Exited   *time.Time   `json:"exited,omitempty"`
	Input    any          `json:"input,omitempty"`
	Output   any          `json:"output,omitempty"`
	Result   any          `json:"result,omitempty"`
	Error    string       `json:"error,omitempty"`
	Cause    string       `json:"cause,omitempty"`
	Attempts []attempt    `json:"attempts"`
	Stages   []stageView  `json:"stages"`
	Events   []rest.Event `json:"events"`
	// Children are the ARNs of the nested executions a Task that starts
	// them (activities.Nested) started in this visit, read from the
	// output of its TaskSubmitted and TaskSucceeded events.
	Children []string `json:"children,omitempty"`
}

// attempt is one try of a state's work: when it was scheduled, started
// and ended, and its error.
type attempt struct {
	Scheduled time.Time  `json:"scheduled"`
	Ended     *time.Time `json:"ended,omitempty"`
	Error     string     `json:"error,omitempty"`
	Cause     string     `json:"cause,omitempty"`
	// Wait is how long the engine waited before the next attempt, in
	// seconds, when this one failed and was retried.
	Wait *float64 `json:"wait,omitempty"`
}

// stateDetails is the response of GET /v1/executions/{arn}/viewer/state.
type stateDetails struct {
	State     string        `json:"state"`
	Type      string        `json:"type"`
	Visits    []stateVisit  `json:"visits"`
	Truncated bool          `json:"truncated,omitempty"`
	Waiting   []waitingTask `json:"waiting,omitempty"`
}

// maxStateEvents is how many of one state's events the details read.
const maxStateEvents = 600

// viewerState is GET /v1/executions/{arn}/viewer/state?state=NAME: every
// visit of a state (up to maxStateEvents events) with its input, output,
// attempts and payload stages, and the callback token if it waits for one.
func (vw *Viewer) viewerState(c echo.Context) error {
	name := c.QueryParam("state")
	if name == "" {
		return apierror.BadParameter("state", "the state's name is required")
	}
	exec, _, def, err := vw.viewerExecution(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	events, err := vw.e.FilteredHistory(ctx, exec.ID, store.EventFilter{State: name, Limit: maxStateEvents + 1})
	if err != nil {
		return err
	}
	out := stateDetails{State: name, Visits: []stateVisit{}}
	if len(events) > maxStateEvents {
		events, out.Truncated = events[:maxStateEvents], true
	}
	st := findState(def, name)
	if st != nil {
		out.Type = st.Common().Type
	}
	out.Visits = visitsOf(events, st, exec, name)
	runs, err := vw.e.Runs(ctx, exec.ID)
	if err != nil {
		return err
	}
	_, waiting := summarizeRuns(runs, def)
	vw.hideTokens(c, waiting)
	for _, w := range waiting {
		if w.State == name {
			out.Waiting = append(out.Waiting, w)
		}
	}
	return c.JSON(http.StatusOK, out)
}

// visitsOf groups one state's events into visits (a visit begins at each
// …StateEntered event) and replays each visit's payload processing.
func visitsOf(events []*store.Event, st asl.State, exec *store.Execution, name string) []stateVisit {
	var visits []stateVisit
	var cur *stateVisit
	var hasResult bool
	task, _ := st.(*asl.Task)
	nested := task != nil && activities.Nested(task.Resource)
	finish := func() {
		if cur == nil {
			return
		}
		if st != nil && cur.Input != nil {
			cur.Stages = stageViews(asl.Stages(st, cur.Input, cur.Result, hasResult, stageContext(exec, name, cur.Entered)))
		}
		visits = append(visits, *cur)
	}
	for _, ev := range events {
		details := decodeDetails(ev.Details)
		switch {
		case history.IsStateEntered(ev.Type):
			finish()
			cur, hasResult = &stateVisit{Entered: ev.Timestamp, Attempts: []attempt{}, Stages: []stageView{}}, false
			cur.Input = details["input"]
		case cur == nil:
			continue
		case history.IsStateExited(ev.Type):
			at := ev.Timestamp
			cur.Exited = &at
			cur.Output = details["output"]
		case attemptEvent(ev.Type):
			if n := len(cur.Attempts); n > 0 && cur.Attempts[n-1].Ended != nil {
				wait := ev.Timestamp.Sub(*cur.Attempts[n-1].Ended).Seconds()
				cur.Attempts[n-1].Wait = &wait
			}
			cur.Attempts = append(cur.Attempts, attempt{Scheduled: ev.Timestamp})
		case strings.HasSuffix(ev.Type, "Succeeded"):
			if v, ok := details["output"]; ok {
				cur.Result, hasResult = v, true
			}
			endAttempt(cur, ev.Timestamp, "", "")
		case failureEvent(ev.Type):
			e, _ := details["error"].(string)
			cause, _ := details["cause"].(string)
			cur.Error, cur.Cause = e, cause
			endAttempt(cur, ev.Timestamp, e, cause)
		}
		if child := childARN(ev.Type, details); nested && child != "" && !slices.Contains(cur.Children, child) {
			cur.Children = append(cur.Children, child)
		}
		cur.Events = append(cur.Events, rest.EventOf(ev, true))
	}
	finish()
	if visits == nil {
		visits = []stateVisit{}
	}
	return visits
}

// childARN is the ExecutionArn in the output of a nested execution's
// TaskSubmitted or TaskSucceeded event; "" for any other event.
func childARN(typ string, details map[string]any) string {
	if typ != history.TaskSubmitted && typ != history.TaskSucceeded {
		return ""
	}
	out, _ := details["output"].(map[string]any)
	arn, _ := out["ExecutionArn"].(string)
	return arn
}

func endAttempt(v *stateVisit, at time.Time, e, cause string) {
	if n := len(v.Attempts); n > 0 && v.Attempts[n-1].Ended == nil {
		v.Attempts[n-1].Ended, v.Attempts[n-1].Error, v.Attempts[n-1].Cause = &at, e, cause
	}
}

// decodeDetails decodes an event's details; anything but an object is
// empty.
func decodeDetails(details *string) map[string]any {
	if details == nil || *details == "" {
		return map[string]any{}
	}
	v, err := asl.DecodeJSON([]byte(*details))
	if m, ok := v.(map[string]any); ok && err == nil {
		return m
	}
	return map[string]any{}
}

// stageContext is the context object a state's payload processing read,
// as far as the history tells it.
func stageContext(exec *store.Execution, state string, entered time.Time) *asl.Context {
	name, machineARN := engine.StateMachineOf(exec)
	return &asl.Context{
		Execution: asl.ExecutionInfo{ID: exec.ARN, Name: exec.Name, StartTime: exec.StartedAt, RedriveCount: exec.RedriveCount,
			LoadInput: func() any { v, _ := asl.DecodeJSON([]byte(exec.Input)); return v }},
		StateMachineID: machineARN, StateMachineName: name,
		StateName: state, StateEnteredTime: entered, Now: entered,
	}
}

func stageViews(stages []asl.Stage) []stageView {
	out := make([]stageView, len(stages))
	for i, st := range stages {
		out[i] = stageView{Name: st.Name, Value: st.Value}
		if st.Error != nil {
			out[i].Error, out[i].Cause = st.Error.Name, st.Error.Cause
		}
	}
	return out
}

// iterationDetails is the response of GET
// /v1/executions/{arn}/viewer/iteration?run=ID.
type iterationDetails struct {
	Run        int64      `json:"run"`
	Index      int        `json:"index"`
	Status     string     `json:"status"`
	State      string     `json:"state"`
	StateInput any        `json:"stateInput,omitempty"`
	Entered    *time.Time `json:"entered,omitempty"`
	Output     any        `json:"output,omitempty"`
	Error      *string    `json:"error,omitempty"`
	Cause      *string    `json:"cause,omitempty"`
	Retries    []int32    `json:"retries,omitempty"`
	TaskToken  string     `json:"taskToken,omitempty"`
}

// viewerIteration is GET /v1/executions/{arn}/viewer/iteration?run=ID:
// one Map iteration (or Parallel branch) run: where it is or ended, the
// input of that state, its output or error.
func (vw *Viewer) viewerIteration(c echo.Context) error {
	run, err := strconv.ParseInt(c.QueryParam("run"), 10, 64)
	if err != nil {
		return apierror.BadParameter("run", "%q is not a run id", c.QueryParam("run"))
	}
	exec, _, def, err := vw.viewerExecution(c)
	if err != nil {
		return err
	}
	r, err := vw.e.RunDetail(c.Request().Context(), exec.ID, run)
	if errors.Is(err, store.ErrNotFound) {
		return &apierror.Error{Status: http.StatusNotFound, Code: apierror.CodeNotFound, Message: "the execution has no run " + strconv.FormatInt(run, 10), Err: err}
	}
	if err != nil {
		return err
	}
	out := iterationDetails{Run: r.ID, Index: r.Idx, Status: r.Status, State: r.State, Entered: r.StateEnteredAt,
		Error: r.Error, Cause: r.Cause, Retries: r.Retries}
	if r.StateInput != nil {
		out.StateInput, _ = asl.DecodeJSON([]byte(*r.StateInput))
	}
	if r.Output != nil {
		out.Output, _ = asl.DecodeJSON([]byte(*r.Output))
	}
	if r.TaskToken != nil && r.Status == store.RunRunning && vw.mayAnswer(c) {
		if task, ok := findState(def, r.State).(*asl.Task); ok && strings.HasSuffix(task.Resource, asl.WaitForTaskTokenSuffix) {
			out.TaskToken = *r.TaskToken
		}
	}
	return c.JSON(http.StatusOK, out)
}

// mayAnswer reports whether the key of a request may see task tokens. A
// token answers its task without any key (POST /v1/tasks/…), so showing
// one to a key of read scope would let it decide tasks; tokens go only to
// keys that may change executions anyway: those Config.Authorize lets
// stop one. Without Config.Authorize every request may.
func (vw *Viewer) mayAnswer(c echo.Context) bool {
	if vw.authorize == nil {
		return true
	}
	probe := c.Request().Clone(c.Request().Context())
	probe.Method = http.MethodPost
	probe.URL.Path = "/v1/executions/-/stop"
	probe.URL.RawQuery = ""
	return vw.authorize(probe) == nil
}

// hideTokens blanks the tokens of waiting tasks unless the request may
// see them.
func (vw *Viewer) hideTokens(c echo.Context, waiting []waitingTask) {
	if vw.mayAnswer(c) {
		return
	}
	for i := range waiting {
		waiting[i].Token = ""
	}
}

// Viewer serves the execution viewer.
type Viewer struct {
	e   *engine.Engine
	log *slog.Logger
	// authorize is Config.Authorize: it decides who may see task tokens.
	authorize auth.Func
}

// Register adds the viewer to e: its pages under /ui/ (and GET /, GET /ui
// redirecting there), its read endpoints and live stream under the /v1
// group v1, each behind mw like the rest of /v1. authorize is the
// server's Config.Authorize (nil: none), log receives the stream's
// errors.
func Register(e *echo.Echo, v1 *echo.Group, eng *engine.Engine, authorize auth.Func, log *slog.Logger, mw ...echo.MiddlewareFunc) {
	vw := &Viewer{e: eng, log: log, authorize: authorize}
	vw.registerViewerPages(e)
	v1.GET("/executions/:arn/viewer", vw.viewerSummary, mw...)
	v1.GET("/executions/:arn/viewer/events", vw.viewerHistory, mw...)
	v1.GET("/executions/:arn/viewer/state", vw.viewerState, mw...)
	v1.GET("/executions/:arn/viewer/iteration", vw.viewerIteration, mw...)
	v1.GET("/executions/:arn/events/stream", vw.streamExecution, mw...)
	v1.GET("/express-executions/:arn/viewer", vw.expressViewerSummary, mw...)
}
