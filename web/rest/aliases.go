package rest

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/apierror"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// Route is a published version an alias routes to, with its weight (a
// percentage of the starts through the alias).
type Route struct {
	Version int `json:"version"`
	Weight  int `json:"weight"`
	// ARN is the version's ARN, in responses.
	ARN string `json:"arn,omitempty"`
}

// Alias is an alias in REST responses.
type Alias struct {
	ARN         string    `json:"arn"`
	Name        string    `json:"name"`
	Description *string   `json:"description,omitempty"`
	Routes      []Route   `json:"routes"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func aliasView(sm *store.StateMachine, a *store.Alias) Alias {
	out := Alias{ARN: engine.AliasARN(sm, a), Name: a.Name, Description: a.Description, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
	for _, r := range a.Routes {
		out.Routes = append(out.Routes, Route{Version: r.Version, Weight: r.Weight, ARN: engine.QualifiedARN(sm.ARN, r.Version)})
	}
	return out
}

// storeRoutes converts a request's routes; nil stays nil.
func storeRoutes(routes []Route) []store.Route {
	if routes == nil {
		return nil
	}
	out := make([]store.Route, len(routes))
	for i, r := range routes {
		out[i] = store.Route{Version: r.Version, Weight: r.Weight}
	}
	return out
}

// aliasRequest is the body of POST /v1/state-machines/{name}/aliases
// (with Name) and PUT …/aliases/{alias} (without; absent fields are kept).
type aliasRequest struct {
	Name        string  `json:"name"`
	Description *string `json:"description"`
	Routes      []Route `json:"routes"`
}

// createAlias is POST /v1/state-machines/{name}/aliases: 201 with the
// alias, or 200 when it exists with the same description and routes (409
// ConflictException with others).
func (a *API) createAlias(c echo.Context) error {
	machine, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	var req aliasRequest
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	sm, alias, created, err := a.e.CreateAlias(c.Request().Context(), machine,
		engine.AliasSpec{Name: req.Name, Description: req.Description, Routes: storeRoutes(req.Routes)})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return c.JSON(status, aliasView(sm, alias))
}

// aliasPath reads the machine and alias names of an alias's path.
func aliasPath(c echo.Context) (string, string, error) {
	machine, err := pathParam(c, "name")
	if err != nil {
		return "", "", err
	}
	alias, err := pathParam(c, "alias")
	return machine, alias, err
}

// describeAlias is GET /v1/state-machines/{name}/aliases/{alias}.
func (a *API) describeAlias(c echo.Context) error {
	machine, name, err := aliasPath(c)
	if err != nil {
		return err
	}
	sm, alias, err := a.e.Alias(c.Request().Context(), machine, name)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, aliasView(sm, alias))
}

// updateAlias is PUT /v1/state-machines/{name}/aliases/{alias}: the
// description, the routes or both.
func (a *API) updateAlias(c echo.Context) error {
	machine, name, err := aliasPath(c)
	if err != nil {
		return err
	}
	var req aliasRequest
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	if req.Name != "" && req.Name != name {
		return apierror.BadRequest("name", "an alias cannot be renamed; create one named %q", req.Name)
	}
	if _, err := a.e.UpdateAlias(c.Request().Context(), machine, name, req.Description, storeRoutes(req.Routes)); err != nil {
		return err
	}
	return a.describeAlias(c)
}

// deleteAlias is DELETE /v1/state-machines/{name}/aliases/{alias}: 204.
func (a *API) deleteAlias(c echo.Context) error {
	machine, name, err := aliasPath(c)
	if err != nil {
		return err
	}
	if err := a.e.DeleteAlias(c.Request().Context(), machine, name); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// aliasList is the response of GET /v1/state-machines/{name}/aliases.
type aliasList struct {
	Aliases    []Alias `json:"aliases"`
	NextCursor string  `json:"nextCursor,omitempty"`
}

// listAliases is GET /v1/state-machines/{name}/aliases[?version=N&limit&cursor],
// in name order; version lists those routing to that version.
func (a *API) listAliases(c echo.Context) error {
	machine, err := pathParam(c, "name")
	if err != nil {
		return err
	}
	version, err := versionParam(c)
	if err != nil {
		return err
	}
	var sm *store.StateMachine
	list := func(ctx context.Context, after string, limit int) (aliases []*store.Alias, err error) {
		sm, aliases, err = a.e.ListAliases(ctx, machine, version, after, limit)
		return aliases, err
	}
	aliases, next, err := byName(c, pagetoken.Aliases, list, func(a *store.Alias) string { return a.Name },
		func(a *store.Alias) *store.Alias { return a })
	if err != nil {
		return err
	}
	out := aliasList{Aliases: []Alias{}, NextCursor: next}
	for _, alias := range aliases {
		out.Aliases = append(out.Aliases, aliasView(sm, alias))
	}
	return c.JSON(http.StatusOK, out)
}
