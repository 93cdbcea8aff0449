package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/store"
)

// TestExpressReplies: a reply is taken once, a second delivery of the
// same task changes nothing, and replies nobody reads are pruned.
func TestExpressReplies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	out := `{"n":2}`
	require.NoError(t, store.InsertExpressReply(ctx, pool, "k1", store.ExpressReply{Output: &out}))
	require.NoError(t, store.InsertExpressReply(ctx, pool, "k1", store.ExpressReply{Error: "Later", Cause: "ignored"}))
	require.NoError(t, store.InsertExpressReply(ctx, pool, "k2", store.ExpressReply{Error: "Boom", Cause: "it went off"}))

	got, err := store.TakeExpressReply(ctx, pool, "k1")
	require.NoError(t, err)
	require.Equal(t, &store.ExpressReply{Output: &out}, got)
	_, err = store.TakeExpressReply(ctx, pool, "k1")
	require.ErrorIs(t, err, store.ErrNotFound, "taken once")

	n, err := store.DeleteStaleExpressReplies(ctx, pool, time.Hour)
	require.NoError(t, err)
	require.Zero(t, n, "k2 is fresh")
	got, err = store.TakeExpressReply(ctx, pool, "k2")
	require.NoError(t, err)
	require.Equal(t, &store.ExpressReply{Error: "Boom", Cause: "it went off"}, got)

	require.NoError(t, store.InsertExpressReply(ctx, pool, "k3", store.ExpressReply{Error: "Old"}))
	_, err = pool.Exec(ctx, `UPDATE stepwise_express_replies SET created_at = now() - interval '2 hours'`)
	require.NoError(t, err)
	n, err = store.DeleteStaleExpressReplies(ctx, pool, time.Hour)
	require.NoError(t, err)
	require.Equal(t, int64(1), n)
}

// TestExpressStartTestCase: the test case of an asynchronous start comes
// back to the engine that claims it.
func TestExpressStartTestCase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testkit.NewPool(t)
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	starts := []store.ExpressStart{
		{ARN: "arn:a", StateMachine: "m", Version: 1, Name: "a", Input: "{}", StartedAt: at, TestCase: "HappyPath"},
		{ARN: "arn:b", StateMachine: "m", Version: 1, Name: "b", Input: "{}", StartedAt: at},
	}
	require.NoError(t, store.InsertExpressStarts(ctx, pool, starts, "gone", at))
	claimed, err := store.ClaimExpressStarts(ctx, pool, "me", time.Now().Add(time.Minute), 10)
	require.NoError(t, err)
	for i := range claimed {
		claimed[i].StartedAt = claimed[i].StartedAt.UTC()
	}
	require.ElementsMatch(t, starts, claimed)
}
