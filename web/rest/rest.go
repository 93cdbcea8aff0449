package rest

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
)

// Config holds what the REST handlers need of the server's settings.
type Config struct {
	// SyncWait is start-sync's default wait, MaxSyncWait the most a
	// request may ask for.
	SyncWait    time.Duration
	MaxSyncWait time.Duration
	// Started, when set, is told the machine of every execution the API
	// starts (for the metrics).
	Started func(stateMachine string)
}

// API answers the REST endpoints with an engine.
type API struct {
	e   *engine.Engine
	cfg Config
}

// Register adds the REST endpoints to the /v1 group v1, each behind mw
// (see Middleware). The middleware goes on each route, not on the group:
// echo routes every unmatched path of a group with middleware as 404,
// which would hide 405 Method Not Allowed.
func Register(v1 *echo.Group, e *engine.Engine, cfg Config, mw ...echo.MiddlewareFunc) {
	a := &API{e: e, cfg: cfg}
	v1.POST("/state-machines", a.createStateMachine, mw...)
	v1.GET("/state-machines", a.listStateMachines, mw...)
	v1.POST("/state-machines/validate", a.validateDefinition, mw...)
	v1.GET("/state-machines/:name", a.describeStateMachine, mw...)
	v1.PUT("/state-machines/:name", a.updateStateMachine, mw...)
	v1.DELETE("/state-machines/:name", a.deleteStateMachine, mw...)
	v1.PUT("/state-machines/:name/logging", a.setLogging, mw...)
	v1.POST("/state-machines/:name/executions", a.startExecution, mw...)
	v1.POST("/state-machines/:name/start-sync", a.startSyncExecution, mw...)
	v1.GET("/state-machines/:name/resources", a.stateMachineResources, mw...)
	v1.GET("/state-machines/:name/tags", a.listTags(false), mw...)
	v1.POST("/state-machines/:name/tags", a.addTags(false), mw...)
	v1.DELETE("/state-machines/:name/tags/:key", a.deleteTag(false), mw...)
	registerVersions(v1, a, mw)

	v1.GET("/executions", a.listExecutions, mw...)
	v1.GET("/executions/:arn", a.describeExecution, mw...)
	v1.GET("/executions/:arn/history", a.executionHistory, mw...)
	v1.GET("/executions/:arn/events", a.executionEvents, mw...)
	v1.GET("/executions/:arn/children", a.childExecutions, mw...)
	v1.POST("/executions/:arn/stop", a.stopExecution, mw...)
	v1.POST("/executions/:arn/redrive", a.redriveExecution, mw...)
	registerMapRuns(v1, a, mw)
	v1.GET("/express-executions", a.listExpressExecutions, mw...)
	v1.GET("/log-records", a.listLogRecords, mw...)

	v1.POST("/activities", a.createActivity, mw...)
	v1.GET("/activities", a.listActivities, mw...)
	v1.GET("/activities/:name", a.describeActivity, mw...)
	v1.DELETE("/activities/:name", a.deleteActivity, mw...)
	v1.POST("/activities/:name/poll", a.pollActivity, mw...)
	v1.GET("/activities/:name/tags", a.listTags(true), mw...)
	v1.POST("/activities/:name/tags", a.addTags(true), mw...)
	v1.DELETE("/activities/:name/tags/:key", a.deleteTag(true), mw...)
	v1.POST("/connections", a.createConnection, mw...)
	v1.GET("/connections", a.listConnections, mw...)
	v1.GET("/connections/:name", a.describeConnection, mw...)
	v1.DELETE("/connections/:name", a.deleteConnection, mw...)
	v1.POST("/tasks/success", a.sendTaskSuccess, mw...)
	v1.POST("/tasks/failure", a.sendTaskFailure, mw...)
	v1.POST("/tasks/heartbeat", a.sendTaskHeartbeat, mw...)
	v1.POST("/test-state", a.testState, mw...)
}

// LimitBody caps request bodies at limit bytes: a larger declared length
// is refused at once, a larger body when reading reaches the limit. It
// first refuses path and query parameters that are not text PostgreSQL
// can compare (see checkParams).
func LimitBody(limit int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := checkParams(c); err != nil {
				return err
			}
			req := c.Request()
			if req.ContentLength > limit {
				return &http.MaxBytesError{Limit: limit}
			}
			req.Body = http.MaxBytesReader(c.Response(), req.Body, limit)
			return next(c)
		}
	}
}
