package apierror

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
)

// TestRESTErrorMapping checks the one table that maps errors to statuses
// and codes, for every sentinel the engine exports.
func TestRESTErrorMapping(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err    error
		status int
		code   string
	}{
		{engine.ErrStateMachineDoesNotExist, 404, "StateMachineDoesNotExist"},
		{engine.ErrStateMachineExists, 409, "StateMachineAlreadyExists"},
		{engine.ErrStateMachineInUse, 409, "StateMachineInUse"},
		{engine.ErrInvalidDefinition, 400, "InvalidDefinition"},
		{engine.ErrInvalidName, 400, "InvalidName"},
		{engine.ErrInvalidLoggingConfiguration, 400, "InvalidLoggingConfiguration"},
		{engine.ErrExecutionDoesNotExist, 404, "ExecutionDoesNotExist"},
		{engine.ErrExecutionAlreadyExists, 409, "ExecutionAlreadyExists"},
		{engine.ErrInvalidExecutionInput, 400, "InvalidExecutionInput"},
		{engine.ErrExecutionNotRunning, 409, "ExecutionNotRunning"},
		{engine.ErrExecutionNotRedrivable, 409, "ExecutionNotRedrivable"},
		{engine.ErrTaskDoesNotExist, 404, "TaskDoesNotExist"},
		{engine.ErrInvalidToken, 400, "InvalidToken"},
		{engine.ErrTaskTimedOut, 410, "TaskTimedOut"},
		{engine.ErrInvalidOutput, 400, "InvalidOutput"},
		{engine.ErrConnectionDoesNotExist, 404, "ConnectionDoesNotExist"},
		{engine.ErrConnectionExists, 409, "ConnectionAlreadyExists"},
		{engine.ErrInvalidConnection, 400, "InvalidConnection"},
		{engine.ErrNoSecretKey, 503, "SecretKeyNotConfigured"},
		{engine.ErrInvalidRequest, 400, "ValidationException"},
		{engine.ErrServiceQuotaExceeded, 409, "ServiceQuotaExceededException"},
		{&http.MaxBytesError{Limit: 10}, 413, "RequestTooLarge"},
		{echo.ErrNotFound, 404, "NotFound"},
		{echo.ErrMethodNotAllowed, 405, "MethodNotAllowed"},
		{errors.New("connection refused"), 500, "InternalError"},
		{echo.NewHTTPError(http.StatusInternalServerError, "boom"), 500, "InternalError"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			wrapped := fmt.Errorf("context: %w", tc.err)
			ae := Classify(wrapped)
			require.Equal(t, tc.status, ae.Status)
			require.Equal(t, tc.code, ae.Code)
		})
	}

	invalid := fmt.Errorf("create: %w", &engine.InvalidDefinitionError{Diagnostics: []asl.Diagnostic{{Code: "X", Pointer: "/States", Message: "m"}}})
	ae := Classify(invalid)
	require.Equal(t, "InvalidDefinition", ae.Code)
	require.Equal(t, map[string]any{"diagnostics": []Diagnostic{{Code: "X", Pointer: "/States", Message: "m"}}}, ae.Details)
}

// TestTableCoversEveryError checks that the table maps every sentinel
// error once, with an AWS error type for each.
func TestTableCoversEveryError(t *testing.T) {
	t.Parallel()
	seen := map[error]bool{}
	for _, m := range Table {
		require.False(t, seen[m.Err], "%v is in the table twice", m.Err)
		seen[m.Err] = true
		require.NotEmpty(t, m.AWS.Type, "%v", m.Err)
		require.Equal(t, AWSStatus(m.AWS.Type), m.AWS.Status, "%v", m.Err)
	}
	m, ok := Lookup(fmt.Errorf("delete: %w", engine.ErrStateMachineInUse))
	require.True(t, ok)
	require.Equal(t, Entry{engine.ErrStateMachineInUse, 409, "StateMachineInUse", AWSAnswer{Type: "ValidationException", Status: 400}}, m)
	m, _ = Lookup(engine.ErrServiceQuotaExceeded)
	require.Equal(t, 402, m.AWS.Status, "as the service model documents")
	m, _ = Lookup(engine.ErrStateMachineDoesNotExist)
	for op, want := range map[string]string{"DescribeStateMachine": "StateMachineDoesNotExist", "DescribeStateMachineAlias": "ResourceNotFound"} {
		typ, status := m.AWS.Of(op)
		require.Equal(t, want, typ, op)
		require.Equal(t, 400, status, op)
	}
}
