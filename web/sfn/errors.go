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
	// Reason is a ValidationException's reason, one of the model's
	// ValidationExceptionReason values; "" for none.
	Reason string
}

// reasonLabeledARN is the ValidationException reason of a version or
// alias ARN given to an operation that takes none.
const reasonLabeledARN = "API_DOES_NOT_SUPPORT_LABELED_ARNS"

// labeledARN is the ValidationException of a version or alias ARN given
// where the operation takes none.
func labeledARN(format string, args ...any) *awsError {
	e := awsErrorf(awsValidation, format, args...)
	e.Reason = reasonLabeledARN
	return e
}

// Error returns the message.
func (e *awsError) Error() string { return e.Type + ": " + e.Message }

func awsErrorf(typ, format string, args ...any) *awsError {
	return &awsError{Type: typ, Message: fmt.Sprintf(format, args...)}
}

// awsErrorOf maps an error of the operation op to its AWS error body
// (type, message and a ValidationException's reason) and HTTP status: the request's violations (see validate.go),
// all at once, then the protocol layer's own errors, then the
// engine's through the one error table (apierror.Table), which gives
// each operation a type the AWS service model lists for it. Anything
// else is an internal failure, whose details stay in the server log.
func awsErrorOf(op string, err error) (awsErrorBody, int) {
	if vs := violationsIn(err); len(vs) > 0 {
		return awsErrorBody{Type: awsValidation, Message: validationMessage(vs)}, http.StatusBadRequest
	}
	var ae *awsError
	if errors.As(err, &ae) {
		return awsErrorBody{Type: ae.Type, Message: ae.Message, Reason: ae.Reason}, apierror.AWSStatus(ae.Type)
	}
	if m, ok := apierror.Lookup(err); ok {
		typ, status := m.AWS.Of(op)
		return awsErrorBody{Type: typ, Message: err.Error()}, status
	}
	return awsErrorBody{Type: awsInternal, Message: "internal error; the server log has the details"}, http.StatusInternalServerError
}

// awsErrorBody is the JSON of an error response.
type awsErrorBody struct {
	Type    string `json:"__type"`
	Message string `json:"message"`
	Reason  string `json:"reason,omitempty"`
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
