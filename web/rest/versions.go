package rest

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/apierror"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// Published versions and aliases (see engine/versions.go and
// engine/aliases.go). A machine's "version" elsewhere in this API is a
// revision: what one create or update stored. A published version is
// AWS's: numbered 1, 2, 3... per machine, each naming one revision, with
// the ARN MACHINE:N; an alias routes starts to one or two of them by
// weight, with the ARN MACHINE:ALIAS. Starts take either ARN as the
// machine name, or the body's publishedVersion or alias.

// registerVersions adds the version and alias endpoints.
func registerVersions(v1 *echo.Group, a *API, mw []echo.MiddlewareFunc) {
	v1.POST("/state-machines/:name/versions", a.publishVersion, mw...)
	v1.GET("/state-machines/:name/versions", a.listVersions, mw...)
	v1.GET("/state-machines/:name/versions/:version", a.describeVersion, mw...)
	v1.DELETE("/state-machines/:name/versions/:version", a.deleteVersion, mw...)
	v1.POST("/state-machines/:name/aliases", a.createAlias, mw...)
	v1.GET("/state-machines/:name/aliases", a.listAliases, mw...)
	v1.GET("/state-machines/:name/aliases/:alias", a.describeAlias, mw...)
	v1.PUT("/state-machines/:name/aliases/:alias", a.updateAlias, mw...)
	v1.DELETE("/state-machines/:name/aliases/:alias", a.deleteAlias, mw...)
}

// PublishedVersion is a published version in REST responses; lists leave
// out the definition.
type PublishedVersion struct {
	ARN     string `json:"arn"`
	Version int    `json:"version"`
	// Revision is the machine's revision ("version" elsewhere) it runs;
	// RevisionID its revisionId in the AWS protocol.
	Revision    int             `json:"revision"`
	RevisionID  string          `json:"revisionId"`
	Description *string         `json:"description,omitempty"`
	CreatedAt   time.Time       `json:"createdAt"`
	Definition  json.RawMessage `json:"definition,omitempty"`
}

func versionView(sm *store.StateMachine, v *store.PublishedVersion) PublishedVersion {
	return PublishedVersion{ARN: engine.QualifiedARN(sm.ARN, v.Version), Version: v.Version, Revision: v.Revision,
		RevisionID: engine.RevisionID(sm.ID, v.Revision), Description: v.Description, CreatedAt: v.CreatedAt}
}

// publishRequest is the body of POST /v1/state-machines/{name}/versions.
type publishRequest struct {
	Description *string `json:"description"`
	// Revision, when set, must be the machine's current revision: its
	// number, as the machine's "version" shows it. RevisionID, when set,
	// must be the current revision's revisionId (opaque, as on AWS).
	Revision   int    `json:"revision"`
	RevisionID string `json:"revisionId"`
}

// revisionID is the revisionId the request checks, Revision's when set.
func (a *API) revisionID(ctx context.Context, machine string, req publishRequest) (string, error) {
	if req.Revision == 0 {
		return req.RevisionID, nil
	}
	if req.RevisionID != "" {
		return "", apierror.BadRequest("revision", "give revision or revisionId, not both")
	}
	sm, err := a.e.StateMachine(ctx, machine)
	if err != nil {
		return "", err
	}
	return engine.RevisionID(sm.ID, req.Revision), nil
}

// publishVersion is POST /v1/state-machines/{name}/versions: 201 with the
// version published, or 200 with the one that already publishes the
// current revision.
func (a *API) publishVersion(c echo.Context) error {
	name, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	var req publishRequest
	if err := decodeBody(c, &req, true); err != nil {
		return err
	}
	revisionID, err := a.revisionID(c.Request().Context(), name, req)
	if err != nil {
		return err
	}
	sm, v, created, err := a.e.PublishVersion(c.Request().Context(), name, revisionID, req.Description)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, versionView(sm, v))
}

// versionList is the response of GET /v1/state-machines/{name}/versions.
type versionList struct {
	Versions   []PublishedVersion `json:"versions"`
	NextCursor string             `json:"nextCursor,omitempty"`
}

// listVersions is GET /v1/state-machines/{name}/versions[?limit&cursor],
// newest first.
func (a *API) listVersions(c echo.Context) error {
	name, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	limit, err := LimitParam(c)
	if err != nil {
		return err
	}
	pos, err := cursorParam(c, pagetoken.Versions)
	if err != nil {
		return err
	}
	before := 0
	if pos != nil {
		before = int(pos.ID)
	}
	sm, versions, err := a.e.ListPublishedVersions(c.Request().Context(), name, before, limit+1)
	if err != nil {
		return err
	}
	if pos != nil && pos.Of != sm.ID {
		return badCursor()
	}
	out := versionList{Versions: []PublishedVersion{}}
	if len(versions) > limit {
		versions = versions[:limit]
		out.NextCursor = pagetoken.Token{Kind: pagetoken.Versions, ID: int64(versions[limit-1].Version), Of: sm.ID}.String()
	}
	for _, v := range versions {
		out.Versions = append(out.Versions, versionView(sm, v))
	}
	return c.JSON(http.StatusOK, out)
}

// versionPath reads the machine and version number of a version's path.
func versionPath(c echo.Context) (string, int, error) {
	name, err := pathParam(c, "name")
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.Atoi(c.Param("version"))
	if err != nil || n < 1 {
		return "", 0, apierror.BadParameter("version", "%q is not a version number (1 or more)", c.Param("version"))
	}
	return name, n, nil
}

// describeVersion is GET /v1/state-machines/{name}/versions/{n}, with its
// definition.
func (a *API) describeVersion(c echo.Context) error {
	name, n, err := versionPath(c)
	if err != nil {
		return err
	}
	d, err := a.e.DescribeVersion(c.Request().Context(), name, n)
	if err != nil {
		return err
	}
	out := versionView(d.StateMachine, d.Version)
	out.Definition = RawJSON(d.Revision.Definition)
	return c.JSON(http.StatusOK, out)
}

// deleteVersion is DELETE /v1/state-machines/{name}/versions/{n}: 204; 409
// ConflictException while an alias routes to it, 404 ResourceNotFound
// when there is no such version.
func (a *API) deleteVersion(c echo.Context) error {
	name, n, err := versionPath(c)
	if err != nil {
		return err
	}
	if err := a.e.DeletePublishedVersion(c.Request().Context(), name, n); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
