package rest

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// Map runs of Distributed Maps (engine/api_maprun.go): each Distributed
// Map state an execution enters runs as a Map run whose items are child
// executions. A Map run's ARN holds a slash (…:mapRun:MACHINE/LABEL:ID),
// so in a path it goes escaped (url.PathEscape), or as ?arn=ARN with "-"
// as the path segment, as execution ARNs may.

// registerMapRuns adds the Map run endpoints.
func registerMapRuns(v1 *echo.Group, a *API, mw []echo.MiddlewareFunc) {
	v1.GET("/executions/:arn/map-runs", a.listMapRuns, mw...)
	v1.GET("/map-runs/:arn", a.describeMapRun, mw...)
	v1.PATCH("/map-runs/:arn", a.updateMapRun, mw...)
	v1.GET("/map-runs/:arn/executions", a.mapRunExecutions, mw...)
}

// MapRun is a Map run in REST responses; lists leave out its counts.
type MapRun struct {
	ARN          string `json:"arn"`
	ExecutionARN string `json:"executionArn"`
	// State is the Map state's name, Label its Label (the state's name
	// when it has none).
	State                      string     `json:"state"`
	Label                      string     `json:"label"`
	Status                     string     `json:"status"`
	MaxConcurrency             int32      `json:"maxConcurrency"`
	ToleratedFailureCount      int64      `json:"toleratedFailureCount"`
	ToleratedFailurePercentage float32    `json:"toleratedFailurePercentage"`
	StartedAt                  time.Time  `json:"startedAt"`
	StoppedAt                  *time.Time `json:"stoppedAt,omitempty"`
	RedriveCount               int32      `json:"redriveCount"`
	RedriveDate                *time.Time `json:"redriveDate,omitempty"`
	// Counts are the child executions by status; nil in lists.
	Counts *MapRunCounts `json:"counts,omitempty"`
}

// MapRunCounts are a Map run's child executions (its items: batches
// count once) by status. Pending are items read but not started yet.
type MapRunCounts struct {
	Pending               int64 `json:"pending"`
	Running               int64 `json:"running"`
	Succeeded             int64 `json:"succeeded"`
	Failed                int64 `json:"failed"`
	TimedOut              int64 `json:"timedOut"`
	Aborted               int64 `json:"aborted"`
	Total                 int64 `json:"total"`
	ResultsWritten        int64 `json:"resultsWritten"`
	FailuresNotRedrivable int64 `json:"failuresNotRedrivable"`
	PendingRedrive        int64 `json:"pendingRedrive"`
}

// MapRunSummary is a Map run of the execution executionARN in lists.
func MapRunSummary(mr *store.MapRun, executionARN string) MapRun {
	return MapRun{ARN: mr.ARN, ExecutionARN: executionARN, State: mr.State, Label: mr.Label, Status: mr.Status,
		MaxConcurrency: mr.MaxConcurrency, ToleratedFailureCount: mr.ToleratedFailureCount,
		ToleratedFailurePercentage: mr.ToleratedFailurePercentage, StartedAt: mr.StartedAt, StoppedAt: mr.StoppedAt,
		RedriveCount: mr.RedriveCount, RedriveDate: mr.RedriveDate}
}

// MapRunDescription is a Map run with its counts.
func MapRunDescription(info *engine.MapRunInfo) MapRun {
	out := MapRunSummary(info.MapRun, info.ExecutionARN)
	counts := MapRunCounts(info.Counts)
	out.Counts = &counts
	return out
}

// mapRunList is the response of GET /v1/executions/{arn}/map-runs.
type mapRunList struct {
	MapRuns    []MapRun `json:"mapRuns"`
	NextCursor string   `json:"nextCursor,omitempty"`
}

// listMapRuns is GET /v1/executions/{arn}/map-runs: the execution's Map
// runs, oldest first, paged by limit and cursor.
func (a *API) listMapRuns(c echo.Context) error {
	exec, limit, after, err := a.executionPageAfter(c, pagetoken.MapRuns)
	if err != nil {
		return err
	}
	runs, next, err := a.e.ListMapRuns(c.Request().Context(), exec.ARN, after, limit)
	if err != nil {
		return err
	}
	out := mapRunList{MapRuns: make([]MapRun, len(runs))}
	for i, mr := range runs {
		out.MapRuns[i] = MapRunSummary(mr, exec.ARN)
	}
	if next != 0 {
		out.NextCursor = pagetoken.Token{Kind: pagetoken.MapRuns, Of: exec.ID, ID: next}.String()
	}
	return c.JSON(http.StatusOK, out)
}

// describeMapRun is GET /v1/map-runs/{arn}: the Map run with its counts.
func (a *API) describeMapRun(c echo.Context) error {
	arn, err := ARNParam(c)
	if err != nil {
		return err
	}
	info, err := a.e.MapRun(c.Request().Context(), arn)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, MapRunDescription(info))
}

// mapRunUpdate is the body of PATCH /v1/map-runs/{arn}; absent fields
// stay as they are, and at least one must be set.
type mapRunUpdate struct {
	// MaxConcurrency is how many children run at once; 0 means no limit
	// (the engine's default for a Distributed Map).
	MaxConcurrency             *int     `json:"maxConcurrency"`
	ToleratedFailureCount      *int64   `json:"toleratedFailureCount"`
	ToleratedFailurePercentage *float64 `json:"toleratedFailurePercentage"`
}

// updateMapRun is PATCH /v1/map-runs/{arn}: it changes a RUNNING Map
// run's concurrency and tolerated failures, and answers 200 with the Map
// run described.
func (a *API) updateMapRun(c echo.Context) error {
	arn, err := ARNParam(c)
	if err != nil {
		return err
	}
	var req mapRunUpdate
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := a.e.UpdateMapRun(ctx, arn, engine.MapRunUpdate(req)); err != nil {
		return err
	}
	info, err := a.e.MapRun(ctx, arn)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, MapRunDescription(info))
}

// mapRunExecutions is GET /v1/map-runs/{arn}/executions: the Map run's
// child executions, newest first, filtered by status and paged by limit
// and cursor, each with its mapRunArn.
func (a *API) mapRunExecutions(c echo.Context) error {
	arn, err := ARNParam(c)
	if err != nil {
		return err
	}
	out, err := a.executionList(c, engine.ExecutionQuery{MapRun: arn, Status: c.QueryParam("status")})
	if err != nil {
		return err
	}
	for i := range out.Executions {
		out.Executions[i].MapRunARN = arn
	}
	return c.JSON(http.StatusOK, out)
}
