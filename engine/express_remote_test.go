package engine_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// newRemoteExpress starts two engines on one database: a worker that
// serves the functions of expressFunctions, whoami (returns its task's
// execution ARN and idempotency key) and flaky (fails with Flaky on every
// other call, the first included), and an engine that serves no
// function and drives nothing (an API process), which it returns to run
// EXPRESS executions.
func newRemoteExpress(t *testing.T) (*engine.Engine, *pgxpool.Pool) {
	t.Helper()
	reg := expressFunctions()
	activities.Register(reg, "whoami", func(ctx context.Context, _ map[string]any) (map[string]any, error) {
		info, _ := activities.Info(ctx)
		return map[string]any{"arn": info.ExecutionARN, "key": info.IdempotencyKey}, nil
	})
	var calls atomic.Int64
	activities.Register(reg, "flaky", func(context.Context, map[string]any) (map[string]any, error) {
		if calls.Add(1)%2 == 1 {
			return nil, activities.NewError("Flaky", "not this time")
		}
		return map[string]any{"ok": true}, nil
	})
	pool := testkit.NewPool(t)
	testengine.Start(t, pool, &engine.Config{Functions: reg, FetchPollInterval: testengine.FetchPollInterval})
	return testengine.Start(t, pool, &engine.Config{ExpressTimeout: 5 * time.Second,
		FetchPollInterval: testengine.FetchPollInterval}), pool
}

func TestExpressRemoteTasks(t *testing.T) {
	t.Parallel()
	e, pool := newRemoteExpress(t)
	ctx := context.Background()
	tests := append(taskCases(), []expressCase{
		{name: "retried", definition: `{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"` + lambda("flaky") + `",
			"Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":1,"MaxAttempts":1}],"End":true}}}`,
			status: "SUCCEEDED", output: `{"ok":true}`},
		{name: "timed out", definition: `{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"` + lambda("stall") + `",
			"TimeoutSeconds":1,"Catch":[{"ErrorEquals":["States.Timeout"],"ResultPath":"$.error","Next":"Done"}],"End":true},
			"Done":{"Type":"Pass","OutputPath":"$.error.Error","End":true}}}`, status: "SUCCEEDED", output: `"States.Timeout"`},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			runCase(t, e, tt)
		})
	}
	t.Run("task context", func(t *testing.T) {
		t.Parallel()
		_, _, err := e.CreateStateMachine(ctx, "who", engine.MachineSpec{Definition: oneTask(lambda("whoami")), Type: store.TypeExpress})
		require.NoError(t, err)
		res, err := e.StartSyncExpress(ctx, engine.StartInput{StateMachine: "who"})
		require.NoError(t, err)
		require.Equal(t, "SUCCEEDED", res.Status, "%s: %s", res.Error, res.Cause)
		require.JSONEq(t, `{"arn":"`+res.ExecutionARN+`","key":"`+res.ExecutionARN+`:Work"}`, *res.Output)
	})
	t.Cleanup(func() {
		// Every reply was taken; the stalled task's worker, whose
		// execution stopped waiting, wrote none.
		var n int
		require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM stepwise_express_replies").Scan(&n))
		require.Zero(t, n, "replies left")
		requireNothingRecorded(t, pool)
	})
}
