// Package apierror is the one table of the engine's errors as the HTTP
// APIs answer them: for each sentinel error of the engine, the HTTP status
// and error code of the REST API and the error type (with its status) of
// the AWS JSON protocol. It also holds the REST API's error value, which
// the REST handlers, the viewer's endpoints and the server's error handler
// share.
package apierror

import (
	"errors"
	"net/http"

	"github.com/stepwise-run/stepwise/engine"
)

// Entry is how the APIs answer one engine error.
type Entry struct {
	Err error
	// Status and Code are the REST API's answer.
	Status int
	Code   string
	// AWS is the AWS JSON protocol's answer.
	AWS AWSAnswer
}

// AWSAnswer is the AWS error type of an engine error, with the HTTP
// status AWS documents for it, and the other types that operations whose
// documented errors lack Type answer instead.
type AWSAnswer struct {
	Type   string
	Status int
	// In maps an operation to the type it answers instead of Type
	// (absent: Type).
	In map[string]string
}

// aws is the answer of type typ in every operation.
func aws(typ string) AWSAnswer { return AWSAnswer{Type: typ, Status: AWSStatus(typ)} }

// in returns a with the operations ops answering typ instead.
func (a AWSAnswer) in(typ string, ops ...string) AWSAnswer {
	if a.In == nil {
		a.In = map[string]string{}
	}
	for _, op := range ops {
		a.In[op] = typ
	}
	return a
}

// Of returns the type and HTTP status that the operation op answers.
func (a AWSAnswer) Of(op string) (typ string, status int) {
	if t, ok := a.In[op]; ok {
		return t, AWSStatus(t)
	}
	return a.Type, a.Status
}

// AWSStatus is the HTTP status AWS's service model documents for an
// error type of Step Functions: 409 for ConflictException, 402 for
// ServiceQuotaExceededException, 400 for every other client error.
func AWSStatus(typ string) int {
	switch typ {
	case "ConflictException":
		return http.StatusConflict
	case "ServiceQuotaExceededException":
		return http.StatusPaymentRequired
	}
	return http.StatusBadRequest
}

// Table maps each sentinel error of the engine. The REST codes are AWS
// Step Functions' error type names where AWS has one; the AWS types are
// the ones AWS's service model lists for the operations that raise them
// (web/sfn's TestAWSErrorsAsDocumented checks each operation's answers
// against the model's lists), an operation whose list lacks the type
// answering the one AWSAnswer.In gives it.
//
// ErrStateMachineInUse has no AWS counterpart: AWS's DeleteStateMachine
// marks a machine DELETING and lets its executions finish, while Stepwise
// refuses. DeleteStateMachine's documented errors are only InvalidArn and
// ValidationException, so the refusal is a ValidationException; REST
// answers 409 StateMachineInUse.
var Table = []Entry{
	// The alias operations answer ResourceNotFound for the aliases of a
	// machine that does not exist (Terraform's provider takes only that
	// for "deleted outside"); ListStateMachineVersions lists neither.
	{engine.ErrStateMachineDoesNotExist, http.StatusNotFound, "StateMachineDoesNotExist", aws("StateMachineDoesNotExist").
		in("ResourceNotFound", "CreateStateMachineAlias", "DescribeStateMachineAlias", "UpdateStateMachineAlias", "DeleteStateMachineAlias").
		in("ValidationException", "ListStateMachineVersions")},
	{engine.ErrStateMachineExists, http.StatusConflict, "StateMachineAlreadyExists", aws("StateMachineAlreadyExists")},
	{engine.ErrStateMachineInUse, http.StatusConflict, "StateMachineInUse", aws("ValidationException")},
	{engine.ErrInvalidDefinition, http.StatusBadRequest, "InvalidDefinition", aws("InvalidDefinition")},
	{engine.ErrInvalidName, http.StatusBadRequest, "InvalidName", aws("InvalidName")},
	// Versions and aliases: AWS answers a missing one ResourceNotFound and
	// every refusal to change one ConflictException (HTTP 409).
	{engine.ErrVersionDoesNotExist, http.StatusNotFound, "ResourceNotFound", aws("ResourceNotFound")},
	{engine.ErrAliasDoesNotExist, http.StatusNotFound, "ResourceNotFound", aws("ResourceNotFound")},
	{engine.ErrMapRunDoesNotExist, http.StatusNotFound, "ResourceNotFound", aws("ResourceNotFound")},
	{engine.ErrConflict, http.StatusConflict, "ConflictException", aws("ConflictException")},
	// AWS's quota of versions per state machine (HTTP 402 on AWS; REST
	// answers 409: deleting versions makes room).
	{engine.ErrServiceQuotaExceeded, http.StatusConflict, "ServiceQuotaExceededException", aws("ServiceQuotaExceededException")},
	{engine.ErrValidation, http.StatusBadRequest, "ValidationException", aws("ValidationException")},
	{engine.ErrInvalidLoggingConfiguration, http.StatusBadRequest, "InvalidLoggingConfiguration", aws("InvalidLoggingConfiguration")},
	{engine.ErrExecutionDoesNotExist, http.StatusNotFound, "ExecutionDoesNotExist", aws("ExecutionDoesNotExist")},
	{engine.ErrExecutionAlreadyExists, http.StatusConflict, "ExecutionAlreadyExists", aws("ExecutionAlreadyExists")},
	{engine.ErrInvalidExecutionInput, http.StatusBadRequest, "InvalidExecutionInput", aws("InvalidExecutionInput")},
	// AWS's StopExecution of an ended execution succeeds (the protocol
	// layer answers so); elsewhere it is a ValidationException.
	{engine.ErrExecutionNotRunning, http.StatusConflict, "ExecutionNotRunning", aws("ValidationException")},
	{engine.ErrExecutionNotRedrivable, http.StatusConflict, "ExecutionNotRedrivable", aws("ExecutionNotRedrivable")},
	{engine.ErrTaskDoesNotExist, http.StatusNotFound, "TaskDoesNotExist", aws("TaskDoesNotExist")},
	{engine.ErrActivityDoesNotExist, http.StatusNotFound, "ActivityDoesNotExist", aws("ActivityDoesNotExist")},
	{engine.ErrInvalidToken, http.StatusBadRequest, "InvalidToken", aws("InvalidToken")},
	{engine.ErrTaskTimedOut, http.StatusGone, "TaskTimedOut", aws("TaskTimedOut")},
	{engine.ErrInvalidOutput, http.StatusBadRequest, "InvalidOutput", aws("InvalidOutput")},
	// Step Functions Local answers an unknown test case with a validation
	// error.
	{engine.ErrTestCaseDoesNotExist, http.StatusNotFound, "TestCaseDoesNotExist", aws("ValidationException")},
	{engine.ErrInvalidArn, http.StatusBadRequest, "InvalidArn", aws("InvalidArn")},
	{engine.ErrResourceNotFound, http.StatusNotFound, "ResourceNotFound", aws("ResourceNotFound")},
	{engine.ErrTooManyTags, http.StatusBadRequest, "TooManyTags", aws("TooManyTags")},
	{engine.ErrInvalidTag, http.StatusBadRequest, "InvalidTag", aws("ValidationException")},
	// Connections are EventBridge's; the AWS types are EventBridge's.
	{engine.ErrConnectionDoesNotExist, http.StatusNotFound, "ConnectionDoesNotExist", aws("ResourceNotFoundException")},
	{engine.ErrConnectionExists, http.StatusConflict, "ConnectionAlreadyExists", aws("ResourceAlreadyExistsException")},
	{engine.ErrInvalidConnection, http.StatusBadRequest, "InvalidConnection", aws("ValidationException")},
	// A server without a key cannot store secrets: the request was fine.
	{engine.ErrNoSecretKey, http.StatusServiceUnavailable, "SecretKeyNotConfigured", aws("ValidationException")},
	// ListExecutions of an EXPRESS machine is AWS's
	// StateMachineTypeNotSupported; Stepwise also answers it to the
	// asynchronous start of an EXPRESS machine, which it does not run yet.
	{engine.ErrStateMachineTypeNotSupported, http.StatusBadRequest, "StateMachineTypeNotSupported", aws("StateMachineTypeNotSupported")},
	// Admission control (engine.Config.MaxInflightStarts): AWS answers
	// ThrottlingException "Rate exceeded" with HTTP 400, which its SDKs
	// retry with backoff; REST answers 429 with Retry-After (see
	// RetryAfter).
	{engine.ErrThrottled, http.StatusTooManyRequests, "ThrottlingException", aws("ThrottlingException")},
	// A TestState request that cannot be evaluated as given (a mock the
	// state takes none of, a Task that needs a mock, ...).
	{engine.ErrInvalidRequest, http.StatusBadRequest, "ValidationException", aws("ValidationException")},
}

// Lookup returns the entry of the engine error err wraps.
func Lookup(err error) (Entry, bool) {
	for _, m := range Table {
		if errors.Is(err, m.Err) {
			return m, true
		}
	}
	return Entry{}, false
}
