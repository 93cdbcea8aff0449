package rest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// connectionView is a connection in REST responses: its AuthParameters
// in AWS's shape, without secret values.
type connectionView struct {
	Name              string          `json:"name"`
	ARN               string          `json:"arn"`
	Description       string          `json:"description,omitempty"`
	AuthorizationType string          `json:"authorizationType"`
	AuthParameters    json.RawMessage `json:"authParameters"`
	CreatedAt         time.Time       `json:"createdAt"`
}

func connectionViewOf(c *store.Connection) connectionView {
	return connectionView{Name: c.Name, ARN: c.ARN, Description: c.Description, AuthorizationType: c.AuthorizationType,
		AuthParameters: json.RawMessage(c.AuthParameters), CreatedAt: c.CreatedAt}
}

// connectionList is the response of GET /v1/connections.
type connectionList struct {
	Connections []connectionView `json:"connections"`
	NextCursor  string           `json:"nextCursor,omitempty"`
}

// createConnection is POST /v1/connections {name, description,
// authorizationType, authParameters}: 201 with the connection, its
// secrets left out.
func (a *API) createConnection(c echo.Context) error {
	var req struct {
		Name              string                    `json:"name"`
		Description       string                    `json:"description"`
		AuthorizationType string                    `json:"authorizationType"`
		AuthParameters    activities.ConnectionAuth `json:"authParameters"`
	}
	if err := decodeBody(c, &req, false); err != nil {
		return err
	}
	conn, err := a.e.CreateConnection(c.Request().Context(), engine.ConnectionSpec(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, connectionViewOf(conn))
}

// describeConnection is GET /v1/connections/{name}.
func (a *API) describeConnection(c echo.Context) error {
	conn, err := a.e.DescribeConnection(c.Request().Context(), connectionParam(c))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, connectionViewOf(conn))
}

// deleteConnection is DELETE /v1/connections/{name}: 204.
func (a *API) deleteConnection(c echo.Context) error {
	if err := a.e.DeleteConnection(c.Request().Context(), connectionParam(c)); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// connectionParam is the {name} of the path: a name, or a connection ARN
// whose slashes are escaped (%2F), which echo leaves escaped.
func connectionParam(c echo.Context) string {
	name, err := url.PathUnescape(c.Param("name"))
	if err != nil {
		return c.Param("name")
	}
	return name
}

// listConnections is GET /v1/connections, in name order, cursor paged.
func (a *API) listConnections(c echo.Context) error {
	conns, next, err := byName(c, pagetoken.Connections, a.e.ListConnections, func(conn *store.Connection) string { return conn.Name }, connectionViewOf)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, connectionList{Connections: conns, NextCursor: next})
}
