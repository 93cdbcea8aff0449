package rest

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
)

// Billing is what AWS bills an Express execution: its run time rounded up
// to 100 ms, and 64 MB of memory (Stepwise does not measure it).
type Billing struct {
	BilledMemoryMB               int   `json:"billedMemoryMB"`
	BilledDurationInMilliseconds int64 `json:"billedDurationInMilliseconds"`
}

// startSyncExpress runs an execution of an EXPRESS machine in this
// process and answers 200 with how it ended. Nothing is recorded: its ARN
// cannot be described afterwards.
func (a *API) startSyncExpress(c echo.Context, in engine.StartInput) error {
	res, err := a.e.StartSyncExpress(c.Request().Context(), in)
	if err != nil {
		return err
	}
	out := Execution{
		ARN: res.ExecutionARN, Name: res.Name, StateMachine: in.StateMachine, StateMachineARN: res.StateMachineARN,
		Version: res.Version, Status: res.Status, Input: RawJSON(res.Input), Error: optional(res.Error), Cause: optional(res.Cause),
		StartedAt: res.StartDate, StoppedAt: &res.StopDate,
		Billing: &Billing{BilledMemoryMB: res.BilledMemoryMB, BilledDurationInMilliseconds: res.BilledDuration.Milliseconds()},
	}
	if res.Output != nil {
		out.Output = RawJSON(*res.Output)
	}
	return c.JSON(http.StatusOK, out)
}

// optional is nil for "", else a pointer to s.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
