package teststate

import (
	"context"
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
)

// Inspection levels of a request, as AWS names them.
const (
	// LevelInfo returns the status and the output only; it is the default.
	LevelInfo = "INFO"
	// LevelDebug adds the data after each payload-processing stage.
	LevelDebug = "DEBUG"
	// LevelTrace adds an HTTP Task's request and response to LevelDebug.
	LevelTrace = "TRACE"
)

// Statuses of a Result, as AWS names them.
const (
	StatusSucceeded   = "SUCCEEDED"
	StatusFailed      = "FAILED"
	StatusRetriable   = "RETRIABLE"
	StatusCaughtError = "CAUGHT_ERROR"
)

// Field validation modes of a Mock, as AWS names them.
const (
	// ValidationStrict checks that a mocked result has the shape the
	// state's resource returns and its required fields; the default.
	ValidationStrict = "STRICT"
	// ValidationPresent checks the fields that are present only.
	ValidationPresent = "PRESENT"
	// ValidationNone checks nothing.
	ValidationNone = "NONE"
)

// ErrInvalidRequest is wrapped by every error of a request that cannot be
// evaluated as given: a mock for a state that takes none, both a mocked
// result and a mocked error, a mocked result that breaks its field
// validation mode, a stateConfiguration that does not fit the state, a
// Task that needs a mock. AWS answers these with ValidationException.
var ErrInvalidRequest = errors.New("invalid TestState request")

// ErrMockRequired wraps ErrInvalidRequest: a Task (maybe inside a
// Parallel branch or Map iteration) that Request.Tasks cannot run without
// a mock. A Tasks handler returns it, wrapped with the reason, for such a
// call.
var ErrMockRequired = fmt.Errorf("%w: a mock is required", ErrInvalidRequest)

// Mock is the mocked outcome of a Task, Parallel or Map state: a result,
// or an error.
type Mock struct {
	// Result is the mocked result, set when HasResult.
	Result    any
	HasResult bool
	// Error is the mocked error; nil when the mock is a result.
	Error *asl.Error
	// FieldValidationMode is ValidationStrict, ValidationPresent or
	// ValidationNone; empty means ValidationStrict.
	FieldValidationMode string
}

// Settings is AWS's stateConfiguration: the circumstances of the state
// under test.
type Settings struct {
	// RetrierRetryCount is how often the Retry that handles the error has
	// already retried (and $$.State.RetryCount); default 0.
	RetrierRetryCount int
	// ErrorCausedByState names the state inside a Parallel's branches or a
	// Map's item processor that raised a mocked error; empty means none
	// is named. It must name such a state when set.
	ErrorCausedByState string
	// MapIterationFailureCount is how many iterations of a mocked Map
	// failed, judged against its tolerated-failure settings; nil means
	// none failed.
	MapIterationFailureCount *int
}

// Request is one state to evaluate.
type Request struct {
	// State is the state under test, Name its name.
	State asl.State
	// Input is the state's input.
	Input any
	// Context is the context of the evaluation: the context object's
	// values ($$), the clock, the random source and the workflow
	// variables. Evaluate sets StateName, StateRetryCount and Retries on
	// a copy. Nil means a zero Context.
	Context *asl.Context
	// Level is LevelInfo, LevelDebug or LevelTrace; empty means LevelInfo.
	Level string
	// Mock replaces the work of a Task, Parallel or Map state; nil means
	// none.
	Mock *Mock
	// Settings is the stateConfiguration.
	Settings Settings
	// Tasks runs the Tasks that no mock replaces; it returns an error
	// wrapping ErrMockRequired for a call it cannot run. Nil makes every
	// such Task need a mock.
	Tasks runner.TaskHandler
}

// Result is TestState's answer, in AWS's shape: JSON values are JSON text.
type Result struct {
	Status         string      `json:"status"`
	Output         *string     `json:"output,omitempty"`
	Error          *string     `json:"error,omitempty"`
	Cause          *string     `json:"cause,omitempty"`
	NextState      *string     `json:"nextState,omitempty"`
	InspectionData *Inspection `json:"inspectionData,omitempty"`
}

// Inspection is AWS's inspectionData: the data after each stage, and
// what handled an error. Every field is absent (nil) when the level or
// the state's type does not give it.
type Inspection struct {
	Input                      *string       `json:"input,omitempty"`
	AfterInputPath             *string       `json:"afterInputPath,omitempty"`
	AfterParameters            *string       `json:"afterParameters,omitempty"`
	AfterArguments             *string       `json:"afterArguments,omitempty"`
	AfterItemsPath             *string       `json:"afterItemsPath,omitempty"`
	AfterItemSelector          *string       `json:"afterItemSelector,omitempty"`
	MaxConcurrency             *int          `json:"maxConcurrency,omitempty"`
	ToleratedFailureCount      *int64        `json:"toleratedFailureCount,omitempty"`
	ToleratedFailurePercentage *float64      `json:"toleratedFailurePercentage,omitempty"`
	Result                     *string       `json:"result,omitempty"`
	AfterResultSelector        *string       `json:"afterResultSelector,omitempty"`
	AfterResultPath            *string       `json:"afterResultPath,omitempty"`
	Variables                  *string       `json:"variables,omitempty"`
	ErrorDetails               *ErrorDetails `json:"errorDetails,omitempty"`
	Request                    *HTTPRequest  `json:"request,omitempty"`
	Response                   *HTTPResponse `json:"response,omitempty"`
}

// ErrorDetails says which Retry or Catch handled an error.
type ErrorDetails struct {
	CatchIndex                  *int `json:"catchIndex,omitempty"`
	RetryIndex                  *int `json:"retryIndex,omitempty"`
	RetryBackoffIntervalSeconds *int `json:"retryBackoffIntervalSeconds,omitempty"`
}

// HTTPRequest is the request an HTTP Task sent, as AWS shows it.
type HTTPRequest struct {
	Protocol string `json:"protocol"`
	Method   string `json:"method"`
	URL      string `json:"url"`
	Headers  string `json:"headers"`
	Body     string `json:"body"`
}

// HTTPResponse is the response an HTTP Task received, as AWS shows it.
type HTTPResponse struct {
	Protocol      string `json:"protocol"`
	StatusCode    string `json:"statusCode"`
	StatusMessage string `json:"statusMessage"`
	Headers       string `json:"headers"`
	Body          string `json:"body"`
}

// Evaluate runs the state of req once and reports the outcome. An error
// wraps ErrInvalidRequest for a request that cannot be evaluated, or is
// the context's error when ctx ends first.
func Evaluate(ctx context.Context, req *Request) (*Result, error) {
	if err := check(req); err != nil {
		return nil, err
	}
	ev := newEvaluation(ctx, req)
	d, err := ev.decide()
	if err != nil {
		return nil, err
	}
	return ev.answer(d), nil
}
