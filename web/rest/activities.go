package rest

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/apierror"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// activityView is an activity in REST responses.
type activityView struct {
	Name      string    `json:"name"`
	ARN       string    `json:"arn"`
	CreatedAt time.Time `json:"createdAt"`
}

func activityViewOf(a *store.Activity) activityView {
	return activityView{Name: a.Name, ARN: a.ARN, CreatedAt: a.CreatedAt}
}

// activityList is the response of GET /v1/activities.
type activityList struct {
	Activities []activityView `json:"activities"`
	NextCursor string         `json:"nextCursor,omitempty"`
}

// activityTaskView is the response of POST /v1/activities/{name}/poll:
// empty fields when no task came in time.
type activityTaskView struct {
	TaskToken string          `json:"taskToken,omitempty"`
	Input     json.RawMessage `json:"input,omitempty"`
}

// createActivity is POST /v1/activities {name, tags}: 201 (200 when it
// exists; its tags stay as they are).
func (a *API) createActivity(c echo.Context) error {
	var req struct {
		Name string            `json:"name"`
		Tags map[string]string `json:"tags"`
	}
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	act, err := a.e.CreateActivity(c.Request().Context(), req.Name, tagList(req.Tags)...)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, activityViewOf(act))
}

// describeActivity is GET /v1/activities/{name}.
func (a *API) describeActivity(c echo.Context) error {
	act, err := a.e.DescribeActivity(c.Request().Context(), c.Param("name"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, activityViewOf(act))
}

// deleteActivity is DELETE /v1/activities/{name}: 204.
func (a *API) deleteActivity(c echo.Context) error {
	if err := a.e.DeleteActivity(c.Request().Context(), c.Param("name")); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// listActivities is GET /v1/activities, in name order, cursor paged.
func (a *API) listActivities(c echo.Context) error {
	acts, next, err := byName(c, pagetoken.Activities, a.e.ListActivities, func(act *store.Activity) string { return act.Name }, activityViewOf)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, activityList{Activities: acts, NextCursor: next})
}

// pollActivity is POST /v1/activities/{name}/poll {workerName}
// ?wait=60s: it waits up to wait (at most a minute) for a task of the
// activity and returns its token and input, or an empty object.
func (a *API) pollActivity(c echo.Context) error {
	var req struct {
		WorkerName string `json:"workerName"`
	}
	if err := decodeBody(c, &req, true); err != nil {
		return err
	}
	wait := time.Minute
	if w := c.QueryParam("wait"); w != "" {
		d, err := time.ParseDuration(w)
		if err != nil || d < 0 || d > time.Minute {
			return apierror.BadParameter("wait", "wait must be a duration from 0s to 60s, such as 20s")
		}
		wait = d
	}
	task, err := a.e.GetActivityTask(c.Request().Context(), c.Param("name"), req.WorkerName, wait)
	if err != nil {
		return err
	}
	if task == nil {
		return c.JSON(http.StatusOK, activityTaskView{})
	}
	return c.JSON(http.StatusOK, activityTaskView{TaskToken: task.Token, Input: json.RawMessage(task.Input)})
}
