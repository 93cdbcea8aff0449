package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/stepwise-run/stepwise/engine"
)

// The AWS Step Functions JSON protocol (awsJson1_0): every call is a POST
// to / naming its operation in the X-Amz-Target header, with a JSON body
// in and out. Field names, enumerations and error types follow AWS's API
// reference so that the official SDKs and the CLI work unchanged against
// an --endpoint-url.
const (
	awsTargetPrefix = "AWSStepFunctions."
	awsContentType  = "application/x-amz-json-1.0"
	// awsMaxBody bounds a request body: a definition may be 1 MiB, JSON
	// escaping can double it.
	awsMaxBody = 4 << 20
	// awsSyncTimeout is how long StartSyncExecution waits for the end, as
	// long as AWS lets an Express execution run.
	awsSyncTimeout = 5 * time.Minute
)

// RegisterAWS serves the AWS Step Functions JSON protocol on POST / of e,
// backed by eng, without authentication: requests may carry any AWS
// Signature Version 4 signature (or none), so put authentication in front
// of e if it needs any. (Server serves the protocol behind
// Config.Authorize.) It serves the state machine, execution,
// history, task-token and activity operations; the others of the API (
// aliases, version and Map run operations, tags, TestState) answer
// UnknownOperationException with a message saying why.
func RegisterAWS(e *echo.Echo, eng *engine.Engine) {
	registerAWS(e, &awsAPI{eng: eng, syncTimeout: awsSyncTimeout})
}

func registerAWS(e *echo.Echo, a *awsAPI) {
	e.POST("/", a.serve)
}

// awsAPI answers AWS protocol calls with the engine.
type awsAPI struct {
	eng *engine.Engine
	// authorize, when set, decides every request first (Config.Authorize).
	authorize func(*http.Request) error
	// syncTimeout is how long StartSyncExecution waits before it stops the
	// execution as timed out.
	syncTimeout time.Duration
}

// awsOperation runs one operation on the raw JSON request body and
// returns the value to encode as the response body.
type awsOperation func(ctx context.Context, body []byte) (any, error)

// operation returns the handler of an operation, or nil when the name is
// not an operation of the Step Functions API at all.
func (a *awsAPI) operation(name string) awsOperation {
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
	}
	if reason, ok := unsupported(name); ok {
		return func(context.Context, []byte) (any, error) {
			return nil, awsErrorf(awsUnknownOperation, "Stepwise does not support %s yet: %s", name, reason)
		}
	}
	return nil
}

// unsupported reports why Stepwise does not serve an operation of the
// Step Functions API yet; ok is false for operations it serves and for
// names that are no operation of the API.
func unsupported(name string) (reason string, ok bool) {
	switch name {
	case "CreateStateMachineAlias", "DeleteStateMachineAlias", "DescribeStateMachineAlias",
		"ListStateMachineAliases", "UpdateStateMachineAlias":
		return "state machine aliases are not implemented", true
	case "PublishStateMachineVersion":
		return "every update is a numbered version; pass publish to UpdateStateMachine to get its ARN", true
	case "DeleteStateMachineVersion", "ListStateMachineVersions":
		return "versions are kept for the executions that ran them and listed by the REST API", true
	case "DescribeMapRun", "ListMapRuns", "UpdateMapRun", "DescribeStateMachineForMapRun":
		return "Map runs are not exposed through the AWS protocol", true
	case "TagResource", "UntagResource", "ListTagsForResource":
		return "tags are not stored", true
	case "TestState":
		return "testing a single state is not implemented", true
	}
	return "", false
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

// serve answers one AWS protocol request.
func (a *awsAPI) serve(c echo.Context) error {
	req := c.Request()
	c.Response().Header().Set("X-Amzn-RequestId", newRequestID())
	if a.authorize != nil {
		if err := a.authorize(req); err != nil {
			return awsFail(c, awsAuthError(err))
		}
	}
	target := req.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, awsTargetPrefix)
	if !ok {
		return awsFail(c, awsErrorf(awsUnknownOperation, "X-Amz-Target %q does not name an AWSStepFunctions operation", target))
	}
	op := a.operation(name)
	if op == nil {
		return awsFail(c, awsErrorf(awsUnknownOperation, "unknown operation %s", name))
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), req.Body, awsMaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return awsFail(c, awsErrorf(awsValidation, "the request body is over %d bytes", awsMaxBody))
		}
		return awsFail(c, err)
	}
	out, err := op(req.Context(), body)
	if err != nil {
		return awsFail(c, err)
	}
	data, err := json.Marshal(out)
	if err != nil {
		return awsFail(c, err)
	}
	return c.Blob(http.StatusOK, awsContentType, data)
}

// awsFail writes err as an AWS error response.
func awsFail(c echo.Context, err error) error {
	typ, status, message := awsErrorOf(err)
	if status >= http.StatusInternalServerError {
		c.Logger().Errorf("AWS protocol %s: %v", c.Request().Header.Get("X-Amz-Target"), err)
	}
	data, _ := json.Marshal(awsErrorBody{Type: typ, Message: message})
	c.Response().Header().Set("X-Amzn-ErrorType", typ)
	return c.Blob(status, awsContentType, data)
}

type awsErrorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// epoch is a time that AWS JSON protocols write as seconds since the Unix
// epoch, with milliseconds as the fraction.
type epoch time.Time

// MarshalJSON writes the time as a number of seconds.
func (t epoch) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec, frac = sec-1, frac+1000
	}
	return []byte(fmt.Sprintf("%d.%03d", sec, frac)), nil
}

// epochOf returns t as an epoch, or nil when t is nil.
func epochOf(t *time.Time) *epoch {
	if t == nil {
		return nil
	}
	e := epoch(*t)
	return &e
}

// nonEmpty returns a pointer to s, or nil when s is empty: AWS leaves
// absent strings out rather than sending them empty.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// orEmpty returns *p, or "" when p is nil.
func orEmpty(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// required checks that a request field is present.
func required(field string, v *string) error {
	if v == nil || *v == "" {
		return awsErrorf(awsValidation, "1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
	}
	return nil
}

// maxLength checks a request field's length limit.
func maxLength(field string, v *string, limit int) error {
	if v != nil && len(*v) > limit {
		return awsErrorf(awsValidation, "1 validation error detected: Value at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", field, limit)
	}
	return nil
}

// pageSize reads a maxResults: 0 means def, anything outside 0..max is an
// error.
func pageSize(maxResults, def, max int) (int, error) {
	if maxResults < 0 || maxResults > max {
		return 0, awsErrorf(awsValidation, "1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and %d", maxResults, max)
	}
	if maxResults == 0 {
		return def, nil
	}
	return maxResults, nil
}

// A page token is opaque to clients: the kind of listing and its position,
// base64-encoded.

func encodePageToken(kind string, fields ...string) *string {
	s := base64.RawURLEncoding.EncodeToString([]byte(strings.Join(append([]string{kind}, fields...), "\n")))
	return &s
}

// decodePageToken returns the position fields of a token of kind, or nil
// when token is nil or empty.
func decodePageToken(token *string, kind string, n int) ([]string, error) {
	if token == nil || *token == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*token)
	parts := strings.Split(string(raw), "\n")
	if err != nil || len(parts) != n+1 || parts[0] != kind {
		return nil, awsErrorf(awsInvalidToken, "Invalid Token: 'nextToken %q was not returned by this operation'", *token)
	}
	return parts[1:], nil
}

// tokenInt parses an integer field of a page token.
func tokenInt(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, awsErrorf(awsInvalidToken, "Invalid Token: 'the nextToken is damaged'")
	}
	return n, nil
}

// ARNs. Stepwise's are arn:aws:states:REGION:ACCOUNT:stateMachine:NAME
// (with :VERSION for a version) and
// arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME. Region and account
// are not checked: a machine is found by its name.

// machineRef is a parsed state machine ARN.
type machineRef struct {
	arn     string // without the version
	name    string
	version int // 0 means the latest
	account string
}

// parseMachineARN parses a state machine ARN, optionally qualified with a
// version number.
func parseMachineARN(field string, arn *string) (machineRef, error) {
	if err := required(field, arn); err != nil {
		return machineRef{}, err
	}
	p := strings.Split(*arn, ":")
	if len(p) < 7 || len(p) > 8 || p[0] != "arn" || p[2] != "states" || p[5] != "stateMachine" || p[6] == "" {
		return machineRef{}, awsErrorf(awsInvalidArn, "Invalid Arn: '%s' is not a state machine ARN", *arn)
	}
	ref := machineRef{arn: strings.Join(p[:7], ":"), name: p[6], account: p[4]}
	if len(p) == 8 {
		v, err := strconv.Atoi(p[7])
		if err != nil || v < 1 {
			return machineRef{}, awsErrorf(awsValidation, "'%s' qualifies the state machine with an alias; Stepwise does not support aliases yet", *arn)
		}
		ref.version = v
	}
	return ref, nil
}

// parseExecutionARN checks the shape of an execution ARN.
func parseExecutionARN(field string, arn *string) (string, error) {
	if err := required(field, arn); err != nil {
		return "", err
	}
	p := strings.Split(*arn, ":")
	if len(p) != 8 || p[0] != "arn" || p[2] != "states" || (p[5] != "execution" && p[5] != "express") || p[6] == "" || p[7] == "" {
		return "", awsErrorf(awsInvalidArn, "Invalid Arn: '%s' is not an execution ARN", *arn)
	}
	return *arn, nil
}

// machineARNOf returns the ARN of the state machine of an execution ARN.
func machineARNOf(executionARN string) string {
	p := strings.Split(executionARN, ":")
	if len(p) < 7 {
		return ""
	}
	p[5] = "stateMachine"
	return strings.Join(p[:7], ":")
}

// regionOf and accountOf read an ARN's region and account.
func regionOf(arn string) string  { return arnField(arn, 3) }
func accountOf(arn string) string { return arnField(arn, 4) }

func arnField(arn string, i int) string {
	p := strings.Split(arn, ":")
	if len(p) <= i {
		return ""
	}
	return p[i]
}

// roleARN is the role AWS responses name where a state machine's role
// belongs. Stepwise runs no role (the roleArn of a request is ignored), so
// it is a fixed placeholder in the machine's account.
func roleARN(anyARN string) string {
	return "arn:aws:iam::" + accountOf(anyARN) + ":role/stepwise"
}
