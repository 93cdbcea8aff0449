package conformance

import (
	"context"
	"errors"
	"time"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
)

// recordedStart is the virtual start time of in-memory runs.
var recordedStart = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Memory runs cases on the in-memory runner. A definition that does not
// parse fails the case with the parse error as the outcome's cause.
func Memory(ctx context.Context, c *Case) (*Outcome, error) {
	m, err := asl.Parse(c.Definition)
	if err != nil {
		return &Outcome{Status: "INVALID", Cause: err.Error()}, nil
	}
	res, err := runner.Run(ctx, m, c.Input, &runner.Config{Start: recordedStart})
	if err != nil {
		if errors.Is(err, runner.ErrTooManyTransitions) {
			return &Outcome{Status: "FAILED", Error: "runner", Cause: err.Error()}, nil
		}
		return nil, err
	}
	return FromResult(res), nil
}

// FromResult turns a runner result into an outcome.
func FromResult(res *runner.Result) *Outcome {
	o := &Outcome{Status: res.Status, Output: res.Output}
	if res.Error != nil {
		o.Error, o.Cause = res.Error.Name, res.Error.Cause
	}
	for _, e := range res.Events {
		o.Events = append(o.Events, e.Type)
	}
	return o
}
