package sfn

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/stepwise-run/stepwise/web/internal/apierror"
	"github.com/stepwise-run/stepwise/web/internal/auth"
)

// AWS error types that the protocol layer itself raises; the engine's
// errors map to theirs through apierror.Table.
const (
	awsValidation       = "ValidationException"
	awsSerialization    = "SerializationException"
	awsUnknownOperation = "UnknownOperationException"
	awsInvalidArn       = "InvalidArn"
	awsInvalidToken     = "InvalidToken"
	awsMissingParameter = "MissingRequiredParameter"
	awsTypeNotSupported = "StateMachineTypeNotSupported"
	awsInternal         = "InternalFailure"
)

// awsError is an error with its AWS error type, raised by the protocol
// layer (a malformed ARN, a bad page token, a missing field).
type awsError struct {
	Type    string
	Message string
}

// Error returns the message.
func (e *awsError) Error() string { return e.Type + ": " + e.Message }

func awsErrorf(typ, format string, args ...any) *awsError {
	return &awsError{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// awsErrorOf maps an error of the operation op to its AWS error type,
// HTTP status and message: the request's violations (see validate.go),
// all at once, then the protocol layer's own errors, then the
// engine's through the one error table (apierror.Table), which gives
// each operation a type the AWS service model lists for it. Anything
// else is an internal failure, whose details stay in the server log.
func awsErrorOf(op string, err error) (typ string, status int, message string) {
	if vs := violationsIn(err); len(vs) > 0 {
		return awsValidation, http.StatusBadRequest, validationMessage(vs)
	}
	var ae *awsError
	if errors.As(err, &ae) {
		return ae.Type, apierror.AWSStatus(ae.Type), ae.Message
	}
	if m, ok := apierror.Lookup(err); ok {
		typ, status = m.AWS.Of(op)
		return typ, status, err.Error()
	}
	return awsInternal, http.StatusInternalServerError, "internal error; the server log has the details"
}

// AWS error types of refused requests.
const (
	awsAccessDenied       = "AccessDeniedException"
	awsMissingToken       = "MissingAuthenticationTokenException"
	awsUnrecognizedClient = "UnrecognizedClientException"
)

// authError maps an error of Config.Authorize to the AWS error a refused
// request answers.
func authError(err error) *awsError {
	switch {
	case errors.Is(err, auth.ErrForbidden):
		return awsErrorf(awsAccessDenied, "%v", err)
	case errors.Is(err, auth.ErrMissingKey):
		return awsErrorf(awsMissingToken, "Request is missing Authentication Token: sign it with a configured access key id")
	}
	return awsErrorf(awsUnrecognizedClient, "The security token included in the request is invalid: %v", err)
}
