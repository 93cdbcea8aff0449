package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNestedLinks: a child execution names its parent, and the parent
// lists its children oldest first, page by page.
func TestNestedLinks(t *testing.T) {
	t.Parallel()
	h := newNestedHarness(t)
	ctx := context.Background()
	h.machine("p-links", `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"ItemsPath":"$.names","End":true,
		"Iterator":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
		"Parameters":{"StateMachineArn":"child-echo","Name.$":"$"},"End":true}}}}}}`)
	parent := h.run("p-links", "", `{"names":["c1","c2","c3"]}`)
	requireSucceeded(t, parent, "")

	var names []string
	var after int64
	for page := 0; ; page++ {
		children, next, err := h.e.ChildExecutions(ctx, parent, after, 2)
		require.NoError(t, err)
		for _, c := range children {
			names = append(names, c.Name)
			got, err := h.e.ParentExecution(ctx, c)
			require.NoError(t, err)
			require.Equal(t, parent.ARN, got.ARN)
		}
		if next == 0 {
			require.Equal(t, 1, page, "two pages of two and one")
			break
		}
		after = next
	}
	require.Equal(t, []string{"c1", "c2", "c3"}, names)

	got, err := h.e.ParentExecution(ctx, parent)
	require.NoError(t, err)
	require.Nil(t, got, "an execution started through the API has no parent")
	children, next, err := h.e.ChildExecutions(ctx, h.run("child-echo", "", `{}`), 0, 0)
	require.NoError(t, err)
	require.Empty(t, children)
	require.Zero(t, next)
}
