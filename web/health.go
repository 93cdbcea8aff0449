package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/web/internal/apierror"
)

// readyTimeout bounds the database ping of /readyz.
const readyTimeout = 2 * time.Second

type healthView struct {
	Status string `json:"status"`
}

// healthz is GET /healthz: 200 while the process serves HTTP.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, healthView{Status: "ok"})
}

// readyz is GET /readyz: 200 when the database answers a ping within
// readyTimeout, else 503 NotReady.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
	defer cancel()
	if err := s.e.Ping(ctx); err != nil {
		s.log.Warn("readiness check: database ping failed", "error", err)
		return &apierror.Error{Status: http.StatusServiceUnavailable, Code: apierror.CodeNotReady, Message: "the database does not answer", Err: err}
	}
	return c.JSON(http.StatusOK, healthView{Status: "ready"})
}
