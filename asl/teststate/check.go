package teststate

import (
	"fmt"

	"github.com/stepwise-run/stepwise/asl"
)

// invalid is an error wrapping ErrInvalidRequest.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidRequest}, args...)...)
}

// check refuses a request that cannot be evaluated as given.
func check(req *Request) error {
	switch req.Level {
	case "", LevelInfo, LevelDebug, LevelTrace:
	default:
		return invalid("inspectionLevel %q is none of INFO, DEBUG, TRACE", req.Level)
	}
	if req.Settings.RetrierRetryCount < 0 {
		return invalid("stateConfiguration.retrierRetryCount must not be negative")
	}
	if err := checkSettings(req); err != nil {
		return err
	}
	if req.Mock == nil {
		return nil
	}
	return checkMock(req.State, req.Mock)
}

// checkSettings refuses a stateConfiguration that does not fit the state.
func checkSettings(req *Request) error {
	s := req.Settings
	if n := s.MapIterationFailureCount; n != nil {
		if _, ok := req.State.(*asl.Map); !ok {
			return invalid("stateConfiguration.mapIterationFailureCount applies to Map states only, and state %q is a %s state", name(req.State), typeOf(req.State))
		}
		if req.Mock == nil {
			return invalid("stateConfiguration.mapIterationFailureCount needs a mock of the Map state")
		}
		if *n < 0 {
			return invalid("stateConfiguration.mapIterationFailureCount must not be negative")
		}
	}
	if s.ErrorCausedByState == "" {
		return nil
	}
	if req.Mock == nil || req.Mock.Error == nil {
		return invalid("stateConfiguration.errorCausedByState needs a mocked error (mock.errorOutput)")
	}
	if !inside(req.State, s.ErrorCausedByState) {
		return invalid("stateConfiguration.errorCausedByState %q names no state of the branches or item processor of state %q", s.ErrorCausedByState, name(req.State))
	}
	return nil
}

// inside reports whether a Parallel's branches or a Map's item processor
// hold the state called inner.
func inside(st asl.State, inner string) bool {
	switch s := st.(type) {
	case *asl.Parallel:
		for _, b := range s.Branches {
			if _, ok := b.Find(inner); ok {
				return true
			}
		}
	case *asl.Map:
		if s.Processor != nil {
			_, ok := s.Processor.Find(inner)
			return ok
		}
	}
	return false
}

// checkMock refuses a mock the state cannot take or that breaks its field
// validation mode.
func checkMock(st asl.State, m *Mock) error {
	switch st.(type) {
	case *asl.Task, *asl.Parallel, *asl.Map:
	default:
		return invalid("a mock can be given for Task, Parallel and Map states only, and state %q is a %s state", name(st), typeOf(st))
	}
	switch {
	case m.HasResult && m.Error != nil:
		return invalid("mock.result and mock.errorOutput are exclusive: give one")
	case !m.HasResult && m.Error == nil:
		return invalid("a mock needs mock.result or mock.errorOutput")
	case m.Error != nil && m.Error.Name == "":
		return invalid("mock.errorOutput.error is required")
	}
	mode := m.FieldValidationMode
	switch mode {
	case "":
		mode = ValidationStrict
	case ValidationStrict, ValidationPresent, ValidationNone:
	default:
		return invalid("mock.fieldValidationMode %q is none of STRICT, PRESENT, NONE", mode)
	}
	if !m.HasResult || mode == ValidationNone {
		return nil
	}
	if err := validateResult(st, m.Result, mode == ValidationStrict); err != nil {
		return invalid("mock.result does not fit state %q (fieldValidationMode %s): %v", name(st), mode, err)
	}
	return nil
}

func name(st asl.State) string   { return st.Common().Name }
func typeOf(st asl.State) string { return st.Common().Type }
