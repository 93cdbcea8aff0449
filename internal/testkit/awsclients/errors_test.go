package awsclients

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadModelErrors checks the error lists read from the SDK against a
// few that AWS's API reference gives.
func TestReadModelErrors(t *testing.T) {
	t.Parallel()
	m := ReadModelErrors(t)
	require.Len(t, m.Operations, 37, "the 37 operations of the Step Functions API")
	require.ElementsMatch(t, []string{"InvalidArn", "ResourceNotFound", "ValidationException"}, m.Operations["DescribeStateMachineAlias"])
	require.ElementsMatch(t, []string{"InvalidToken"}, m.Operations["ListStateMachines"])
	require.Equal(t, 409, m.Status["ConflictException"])
	require.Equal(t, 402, m.Status["ServiceQuotaExceededException"])
	require.Equal(t, 400, m.Status["StateMachineDoesNotExist"])
	status, ok := m.Documented("DescribeStateMachine", "ResourceNotFound")
	require.False(t, ok, "DescribeStateMachine lists StateMachineDoesNotExist, not ResourceNotFound (%d)", status)
	status, ok = m.Documented("ListStateMachines", "InternalFailure")
	require.True(t, ok)
	require.Equal(t, 500, status)
}
