package rest

import (
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
)

// Tags of state machines and activities: GET, POST (add or replace keys)
// and DELETE (one key) under /v1/state-machines/{name}/tags and
// /v1/activities/{name}/tags. REST writes tags as one JSON object.

// tagsView is the body of a tags response, and of POST …/tags.
type tagsView struct {
	Tags map[string]string `json:"tags"`
}

// tagList turns a tags object into the engine's tags, in key order.
func tagList(m map[string]string) []engine.Tag {
	tags := make([]engine.Tag, 0, len(m))
	for k, v := range m {
		tags = append(tags, engine.Tag{Key: k, Value: v})
	}
	sort.Slice(tags, func(i, j int) bool { return tags[i].Key < tags[j].Key })
	return tags
}

// tagTargetOf is the resource of a tags route; activity says which kind.
func tagTargetOf(c echo.Context, activity bool) (engine.TagTarget, error) {
	name, err := pathParam(c, "name")
	return engine.TagTarget{Activity: activity, Name: name}, err
}

// listTags is GET …/{name}/tags.
func (a *API) listTags(activity bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		t, err := tagTargetOf(c, activity)
		if err != nil {
			return err
		}
		return a.answerTags(c, t)
	}
}

// answerTags answers with t's tags.
func (a *API) answerTags(c echo.Context, t engine.TagTarget) error {
	tags, err := a.e.ListTags(c.Request().Context(), t)
	if err != nil {
		return err
	}
	out := tagsView{Tags: make(map[string]string, len(tags))}
	for _, tag := range tags {
		out.Tags[tag.Key] = tag.Value
	}
	return c.JSON(http.StatusOK, out)
}

// addTags is POST …/{name}/tags {tags}: adds the keys or replaces their
// values, and answers with all the resource's tags.
func (a *API) addTags(activity bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		t, err := tagTargetOf(c, activity)
		if err != nil {
			return err
		}
		var req tagsView
		if err := decodeBody(c, &req, false); err != nil {
			return err
		}
		if err := a.e.TagResource(c.Request().Context(), t, tagList(req.Tags)); err != nil {
			return err
		}
		return a.answerTags(c, t)
	}
}

// deleteTag is DELETE …/{name}/tags/{key}: 204, also when the key was not
// there.
func (a *API) deleteTag(activity bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		t, err := tagTargetOf(c, activity)
		if err != nil {
			return err
		}
		key, err := pathParam(c, "key")
		if err != nil {
			return err
		}
		if err := a.e.UntagResource(c.Request().Context(), t, []string{key}); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}
