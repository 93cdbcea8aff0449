package teststate

import (
	"math"

	"github.com/stepwise-run/stepwise/asl"
)

// answer renders the decision that ended the state's attempt.
func (ev *evaluation) answer(d asl.Decision) *Result {
	r := &Result{Status: StatusSucceeded}
	switch d.Kind {
	case asl.KindNext, asl.KindWait, asl.KindSucceed:
		r.Output = jsonText(d.Output)
		if d.Next != "" {
			r.NextState = &d.Next
		}
		if d.Caught != nil {
			r.Status = StatusCaughtError
			r.Error, r.Cause = errorText(d.Caught)
		}
	case asl.KindRetry:
		r.Status = StatusRetriable
		r.Error, r.Cause = errorText(d.Error)
	default:
		r.Status = StatusFailed
		r.Error, r.Cause = errorText(d.Error)
	}
	r.InspectionData = ev.inspect(d)
	return r
}

// errorDetails says which Retry or Catch handled the state's error; nil
// when none did.
func (ev *evaluation) errorDetails(d asl.Decision) *ErrorDetails {
	switch {
	case d.Kind == asl.KindRetry:
		secs := int(math.Round(d.Delay.Seconds()))
		return &ErrorDetails{RetryIndex: &d.Retrier, RetryBackoffIntervalSeconds: &secs}
	case d.Caught != nil:
		for i, ct := range ev.req.State.Common().Catch {
			if asl.Matches(ct.ErrorEquals, d.Caught.Name) {
				return &ErrorDetails{CatchIndex: &i}
			}
		}
	}
	return nil
}

// jsonText renders a JSON value.
func jsonText(v any) *string {
	s := asl.EncodeJSON(v)
	return &s
}

// errorText is an error's name and cause, each nil when empty.
func errorText(e *asl.Error) (name, cause *string) {
	if e == nil {
		return nil, nil
	}
	if e.Name != "" {
		name = &e.Name
	}
	if e.Cause != "" {
		cause = &e.Cause
	}
	return name, cause
}
