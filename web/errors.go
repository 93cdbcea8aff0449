package web

import (
	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/web/internal/auth"
	"github.com/stepwise-run/stepwise/web/rest"
	"github.com/stepwise-run/stepwise/web/sfn"
	"github.com/stepwise-run/stepwise/web/viewer"
)

// ErrForbidden, wrapped in an error from Config.Authorize, refuses a
// request with 403 Forbidden instead of 401 Unauthorized.
var ErrForbidden = auth.ErrForbidden

// The REST API's response types, defined by web/rest.
type (
	StateMachine = rest.StateMachine
	Version      = rest.Version
	Execution    = rest.Execution
	Event        = rest.Event
	History      = rest.History
	Resources    = rest.Resources
)

// ViewerPath is where the viewer is served.
const ViewerPath = viewer.Path

// RegisterAWS serves the AWS Step Functions JSON protocol on POST / of e,
// backed by eng, without authentication (see web/sfn); Server serves it
// behind Config.Authorize.
func RegisterAWS(e *echo.Echo, eng *engine.Engine) { sfn.Register(e, eng, nil) }
