package history_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/history"
)

func TestStateEvents(t *testing.T) {
	t.Parallel()
	require.Equal(t, history.PassStateEntered, history.StateEntered("Pass"))
	require.Equal(t, history.TaskStateExited, history.StateExited("Task"))
	require.True(t, history.IsStateEntered(history.WaitStateEntered))
	require.False(t, history.IsStateEntered(history.TaskScheduled))
	require.False(t, history.IsStateEntered("StateEntered"))
	require.True(t, history.IsStateExited(history.PassStateExited))
}
