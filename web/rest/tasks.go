package rest

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/web/internal/apierror"
)

// taskSuccess is the body of POST /v1/tasks/success.
type taskSuccess struct {
	TaskToken string `json:"taskToken"`
	// Output is the task's result itself, any JSON value.
	Output json.RawMessage `json:"output"`
}

// taskFailure is the body of POST /v1/tasks/failure.
type taskFailure struct {
	TaskToken string `json:"taskToken"`
	Error     string `json:"error"`
	Cause     string `json:"cause"`
}

// taskHeartbeat is the body of POST /v1/tasks/heartbeat.
type taskHeartbeat struct {
	TaskToken string `json:"taskToken"`
}

// check requires the output.
func (r taskSuccess) check() error {
	if len(r.Output) == 0 {
		return apierror.BadRequest("output", "field \"output\" is required: the task's result, any JSON value")
	}
	return nil
}

// check applies the limits on error and cause.
func (r taskFailure) check() error { return errorText(r.Error, r.Cause) }

// check has nothing to check: the engine checks the token.
func (taskHeartbeat) check() error { return nil }

// answerTask decodes the body of a task's answer into req, checks it and
// sends it: 204 once sent.
func answerTask(c echo.Context, req interface{ check() error }, send func(ctx context.Context) error) error {
	if err := decodeBody(c, req, false); err != nil {
		return err
	}
	if err := req.check(); err != nil {
		return err
	}
	if err := send(c.Request().Context()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// sendTaskSuccess is POST /v1/tasks/success: 204 once the task is
// completed with the output.
func (a *API) sendTaskSuccess(c echo.Context) error {
	var req taskSuccess
	return answerTask(c, &req, func(ctx context.Context) error {
		return a.e.SendTaskSuccess(ctx, req.TaskToken, string(req.Output))
	})
}

// sendTaskFailure is POST /v1/tasks/failure: 204 once the task is failed
// with the error (default States.TaskFailed) and cause.
func (a *API) sendTaskFailure(c echo.Context) error {
	var req taskFailure
	return answerTask(c, &req, func(ctx context.Context) error {
		return a.e.SendTaskFailure(ctx, req.TaskToken, req.Error, req.Cause)
	})
}

// sendTaskHeartbeat is POST /v1/tasks/heartbeat: 204 once the heartbeat
// is recorded.
func (a *API) sendTaskHeartbeat(c echo.Context) error {
	var req taskHeartbeat
	return answerTask(c, &req, func(ctx context.Context) error {
		return a.e.SendTaskHeartbeat(ctx, req.TaskToken)
	})
}
