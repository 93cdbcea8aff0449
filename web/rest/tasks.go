package rest

import (
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

// sendTaskSuccess is POST /v1/tasks/success: 204 once the task is
// completed with the output.
func (a *API) sendTaskSuccess(c echo.Context) error {
	var req taskSuccess
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	if len(req.Output) == 0 {
		return apierror.BadRequest("output", "field \"output\" is required: the task's result, any JSON value")
	}
	if err := a.e.SendTaskSuccess(c.Request().Context(), req.TaskToken, string(req.Output)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// sendTaskFailure is POST /v1/tasks/failure: 204 once the task is failed
// with the error (default States.TaskFailed) and cause.
func (a *API) sendTaskFailure(c echo.Context) error {
	var req taskFailure
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	if err := errorText(req.Error, req.Cause); err != nil {
		return err
	}
	if err := a.e.SendTaskFailure(c.Request().Context(), req.TaskToken, req.Error, req.Cause); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// sendTaskHeartbeat is POST /v1/tasks/heartbeat: 204 once the heartbeat
// is recorded.
func (a *API) sendTaskHeartbeat(c echo.Context) error {
	var req taskHeartbeat
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	if err := a.e.SendTaskHeartbeat(c.Request().Context(), req.TaskToken); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
