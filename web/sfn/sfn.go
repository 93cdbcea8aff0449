package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/web/internal/auth"
)

const (
	// TargetPrefix starts the X-Amz-Target header of every operation.
	TargetPrefix = "AWSStepFunctions."
	contentType  = "application/x-amz-json-1.0"
	// maxBody bounds a request body: a definition may be 1 MiB, JSON
	// escaping can double it.
	maxBody = 4 << 20
	// syncTimeout is how long StartSyncExecution waits for the end, as
	// long as AWS lets an Express execution run.
	syncTimeout = 5 * time.Minute
)

// Register serves the AWS Step Functions JSON protocol on POST / of e,
// backed by eng, behind authorize (nil lets every request through:
// requests may then carry any AWS Signature Version 4 signature, or none).
// It serves the state machine, version, alias, execution, history,
// task-token and activity operations and TestState; the others of the API
// (Map run operations, tags) answer UnknownOperationException with a
// message saying why.
func Register(e *echo.Echo, eng *engine.Engine, authorize auth.Func) {
	register(e, &api{eng: eng, syncTimeout: syncTimeout}, authorize)
}

func register(e *echo.Echo, a *api, authorize auth.Func) {
	e.POST("/", a.serve, requestID, auth.Middleware(authorize, func(c echo.Context, err error) error {
		return fail(c, authError(err))
	}))
}

// ReadOperation reports whether an AWS operation only reads: a key of
// read scope may call it.
func ReadOperation(op string) bool {
	return strings.HasPrefix(op, "Describe") || strings.HasPrefix(op, "List") ||
		op == "GetExecutionHistory" || op == "ValidateStateMachineDefinition"
}

// CallbackOperation reports whether an AWS operation answers a task: its
// task token authorises it, no key is needed.
func CallbackOperation(op string) bool {
	return op == "SendTaskSuccess" || op == "SendTaskFailure" || op == "SendTaskHeartbeat"
}

// api answers AWS protocol calls with the engine.
type api struct {
	eng *engine.Engine
	// syncTimeout is how long StartSyncExecution waits before it stops the
	// execution as timed out.
	syncTimeout time.Duration
}

// awsOperation runs one operation on the raw JSON request body and
// returns the value to encode as the response body.
type awsOperation func(ctx context.Context, body []byte) (any, error)

// operation returns the handler of an operation, or nil when the name is
// not an operation of the Step Functions API at all.
func (a *api) operation(name string) awsOperation {
	switch name {
	case "CreateStateMachine":
		return handle(a.createStateMachine)
	case "UpdateStateMachine":
		return handle(a.updateStateMachine)
	case "DescribeStateMachine":
		return handle(a.describeStateMachine)
	case "DescribeStateMachineForExecution":
		return handle(a.describeStateMachineForExecution)
	case "ListStateMachines":
		return handle(a.listStateMachines)
	case "DeleteStateMachine":
		return handle(a.deleteStateMachine)
	case "ValidateStateMachineDefinition":
		return handle(a.validateStateMachineDefinition)
	case "StartExecution":
		return handle(a.startExecution)
	case "StartSyncExecution":
		return handle(a.startSyncExecution)
	case "DescribeExecution":
		return handle(a.describeExecution)
	case "ListExecutions":
		return handle(a.listExecutions)
	case "GetExecutionHistory":
		return handle(a.getExecutionHistory)
	case "StopExecution":
		return handle(a.stopExecution)
	case "RedriveExecution":
		return handle(a.redriveExecution)
	case "SendTaskSuccess":
		return handle(a.sendTaskSuccess)
	case "SendTaskFailure":
		return handle(a.sendTaskFailure)
	case "SendTaskHeartbeat":
		return handle(a.sendTaskHeartbeat)
	case "CreateActivity":
		return handle(a.createActivity)
	case "DescribeActivity":
		return handle(a.describeActivity)
	case "ListActivities":
		return handle(a.listActivities)
	case "DeleteActivity":
		return handle(a.deleteActivity)
	case "GetActivityTask":
		return handle(a.getActivityTask)
	case "TestState":
		return handle(a.testState)
	case "TagResource":
		return handle(a.tagResource)
	case "UntagResource":
		return handle(a.untagResource)
	case "ListTagsForResource":
		return handle(a.listTagsForResource)
	}
	return a.versionOperation(name)
}

// versionOperation returns the handler of a version, alias or Map run
// operation; nil when the name is no operation of the Step Functions API.
func (a *api) versionOperation(name string) awsOperation {
	switch name {
	case "PublishStateMachineVersion":
		return handle(a.publishStateMachineVersion)
	case "ListStateMachineVersions":
		return handle(a.listStateMachineVersions)
	case "DeleteStateMachineVersion":
		return handle(a.deleteStateMachineVersion)
	case "CreateStateMachineAlias":
		return handle(a.createStateMachineAlias)
	case "DescribeStateMachineAlias":
		return handle(a.describeStateMachineAlias)
	case "UpdateStateMachineAlias":
		return handle(a.updateStateMachineAlias)
	case "DeleteStateMachineAlias":
		return handle(a.deleteStateMachineAlias)
	case "ListStateMachineAliases":
		return handle(a.listStateMachineAliases)
	case "DescribeMapRun":
		return handle(a.describeMapRun)
	case "ListMapRuns":
		return handle(a.listMapRuns)
	case "UpdateMapRun":
		return handle(a.updateMapRun)
	}
	return nil
}

// handle adapts a typed operation: it decodes the body into In (an empty
// body is {}).
func handle[In any, Out any](fn func(context.Context, *In) (Out, error)) awsOperation {
	return func(ctx context.Context, body []byte) (any, error) {
		in := new(In)
		if !utf8.Valid(body) {
			return nil, awsErrorf(awsSerialization, "the request body is not valid UTF-8")
		}
		if hasNUL(body) {
			return nil, awsErrorf(awsValidation, "1 validation error detected: a string of the request holds a NUL character (\\u0000), which no field may")
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, in); err != nil {
				return nil, awsErrorf(awsSerialization, "the request body is not the JSON this operation takes: %v", err)
			}
		}
		return fn(ctx, in)
	}
}

// hasNUL reports whether a string of the JSON text holds the escape
// \u0000. No field of the protocol may hold a NUL (inputs are JSON text,
// where a raw NUL is invalid), and PostgreSQL refuses to store one.
func hasNUL(body []byte) bool {
	inString := false
	for i := 0; i < len(body); i++ {
		switch {
		case !inString:
			inString = body[i] == '"'
		case body[i] == '"':
			inString = false
		case body[i] == '\\' && i+1 < len(body):
			if body[i+1] == 'u' && string(body[i+2:min(i+6, len(body))]) == "0000" {
				return true
			}
			i++ // the escaped character
		}
	}
	return false
}

// requestID gives every response an X-Amzn-RequestId.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("X-Amzn-RequestId", newRequestID())
		return next(c)
	}
}

// serve answers one AWS protocol request.
func (a *api) serve(c echo.Context) error {
	req := c.Request()
	target := req.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, TargetPrefix)
	if !ok {
		return fail(c, awsErrorf(awsUnknownOperation, "X-Amz-Target %q does not name an AWSStepFunctions operation", target))
	}
	op := a.operation(name)
	if op == nil {
		return fail(c, awsErrorf(awsUnknownOperation, "unknown operation %s", name))
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return fail(c, awsErrorf(awsValidation, "the request body is over %d bytes", maxBody))
		}
		return fail(c, err)
	}
	out, err := op(req.Context(), body)
	if err != nil {
		return fail(c, err)
	}
	data, err := json.Marshal(out)
	if err != nil {
		return fail(c, err)
	}
	return c.Blob(http.StatusOK, contentType, data)
}

// fail writes err as an AWS error response.
func fail(c echo.Context, err error) error {
	target := c.Request().Header.Get("X-Amz-Target")
	body, status := awsErrorOf(strings.TrimPrefix(target, TargetPrefix), err)
	if status >= http.StatusInternalServerError {
		c.Logger().Errorf("AWS protocol %s: %v", target, err)
	}
	data, _ := json.Marshal(body)
	c.Response().Header().Set("X-Amzn-ErrorType", body.Type)
	return c.Blob(status, contentType, data)
}
