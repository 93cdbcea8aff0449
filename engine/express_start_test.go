package engine_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/logsink"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// reportArn is an EXPRESS machine whose one Task calls the function
// report with its execution's ARN.
const reportArn = `{"StartAt":"Report","States":{"Report":{"Type":"Task",
	"Resource":"arn:aws:lambda:us-east-1:123456789012:function:report",
	"Parameters":{"arn.$":"$$.Execution.Id"},"End":true}}}`

// reporter is an engine on pool whose function report calls called with
// the ARN it gets, then, unless block is nil, waits until block is
// closed or its task is cancelled.
func reporter(t *testing.T, pool *pgxpool.Pool, lease time.Duration, called func(arn string), block chan struct{}) *engine.Engine {
	t.Helper()
	reg := activities.NewRegistry()
	activities.Register(reg, "report", func(ctx context.Context, in struct{ ARN string }) (map[string]string, error) {
		called(in.ARN)
		if block != nil {
			select {
			case <-block:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return map[string]string{"reported": in.ARN}, nil
	})
	return testengine.Start(t, pool, &engine.Config{Functions: reg, FetchPollInterval: testengine.FetchPollInterval, ExpressStartLease: lease})
}

// expressStarts counts the recorded EXPRESS starts.
func expressStarts(t *testing.T, pool *pgxpool.Pool) int {
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM stepwise_express_starts").Scan(&n))
	return n
}

// TestExpressAsyncStart: StartExecution of an EXPRESS machine answers
// while the execution's Task still runs, with a RUNNING execution under
// an express ARN; the start is recorded until the execution ends.
func TestExpressAsyncStart(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	calls, block := make(chan string, 1), make(chan struct{})
	e := reporter(t, pool, 15*time.Second, func(arn string) { calls <- arn }, block)
	ctx := context.Background()
	_, _, err := e.CreateStateMachine(ctx, "async", engine.MachineSpec{Definition: reportArn, Type: store.TypeExpress})
	require.NoError(t, err)

	exec, created, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "async", Input: `{"n":1}`})
	require.NoError(t, err)
	require.True(t, created)
	require.Equal(t, store.StatusRunning, exec.Status)
	require.Contains(t, exec.ARN, ":express:async:")
	require.Equal(t, exec.ARN, testkit.Receive(t, calls, 10*time.Second, "the task's call"), "the task runs with the execution's ARN")
	require.Equal(t, 1, expressStarts(t, pool), "recorded while it runs")
	_, err = e.Execution(ctx, exec.ARN)
	require.Error(t, err, "an Express execution cannot be described")

	close(block)
	require.Eventually(t, func() bool { return expressStarts(t, pool) == 0 }, 10*time.Second, 10*time.Millisecond, "deleted at the end")
}

// TestExpressAsyncBatched: many concurrent starts share inserts, and
// every one runs once.
func TestExpressAsyncBatched(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	var mu sync.Mutex
	seen := map[string]int{}
	e := reporter(t, pool, 15*time.Second, func(arn string) { mu.Lock(); seen[arn]++; mu.Unlock() }, nil)
	ctx := context.Background()
	_, _, err := e.CreateStateMachine(ctx, "many", engine.MachineSpec{Definition: reportArn, Type: store.TypeExpress})
	require.NoError(t, err)

	const n = 300
	var wg sync.WaitGroup
	arns := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "many"})
			if err == nil {
				arns[i] = exec.ARN
			}
		}()
	}
	wg.Wait()
	inserts := engine.ExpressInserts(e)
	require.Less(t, inserts, int64(n), "starts arriving together share inserts")
	t.Logf("%d starts, %d inserts", n, inserts)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(seen) == n
	}, 30*time.Second, 10*time.Millisecond)
	for _, arn := range arns {
		require.Equal(t, 1, seen[arn], arn)
	}
	require.Eventually(t, func() bool { return expressStarts(t, pool) == 0 }, 10*time.Second, 10*time.Millisecond)
}

// TestExpressAsyncRecovery: a start whose engine stopped before the
// execution ended, or whose lease ran out, is claimed by another engine,
// which runs it again from the beginning under the same ARN.
func TestExpressAsyncRecovery(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"stopped", "lease expired"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			pool := testkit.NewPool(t)
			ctx := context.Background()
			first := make(chan string, 1)
			a := reporter(t, pool, time.Hour, func(arn string) { first <- arn }, make(chan struct{}))
			_, _, err := a.CreateStateMachine(ctx, "again", engine.MachineSpec{Definition: reportArn, Type: store.TypeExpress})
			require.NoError(t, err)
			exec, _, err := a.StartExecution(ctx, engine.StartInput{StateMachine: "again"})
			require.NoError(t, err)
			require.Equal(t, exec.ARN, testkit.Receive(t, first, 10*time.Second, "the first engine's call"))
			if how == "stopped" {
				require.NoError(t, a.Stop(ctx))
			} else {
				_, err := pool.Exec(ctx, "UPDATE stepwise_express_starts SET until = now() - interval '1 second'")
				require.NoError(t, err)
			}
			require.Equal(t, 1, expressStarts(t, pool), "the start is still recorded")

			second := make(chan string, 1)
			reporter(t, pool, 300*time.Millisecond, func(arn string) { second <- arn }, nil)
			require.Equal(t, exec.ARN, testkit.Receive(t, second, 10*time.Second, "the second engine's call"))
			require.Eventually(t, func() bool { return expressStarts(t, pool) == 0 }, 10*time.Second, 10*time.Millisecond)
		})
	}
}

// TestExpressAsyncLogs: an asynchronous EXPRESS execution is logged as
// a synchronous one is, under the ARN StartExecution answered.
func TestExpressAsyncLogs(t *testing.T) {
	t.Parallel()
	var buf testkit.SyncBuffer
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{LogSink: logsink.NewStdout(&buf)})
	tc := logCase{"ALL", true, []string{"ExecutionStarted", "PassStateEntered", "PassStateExited", "FailStateEntered", "ExecutionFailed"}}
	sm := createLogged(t, e, "async-logged", store.TypeExpress, tc)
	exec, _, err := e.StartExecution(context.Background(), engine.StartInput{StateMachine: "async-logged", Input: `{"secret":42}`})
	require.NoError(t, err)
	read := func(t *testing.T, _ string) []logsink.Record {
		var out []logsink.Record
		for _, line := range strings.Split(buf.String(), "\n") {
			var r logsink.Record
			if json.Unmarshal([]byte(line), &r) == nil && r.ExecutionARN == exec.ARN {
				out = append(out, r)
			}
		}
		return out
	}
	requireSinkRecords(t, read, sm.ARN, exec.ARN, tc)
}

// TestExpressAsyncLoggedBeforeForgotten: the log records of an
// asynchronous EXPRESS execution are written before its start's record
// is deleted, even by a sink that would wait an hour to write them, so
// that a crash between the two cannot lose the execution's result.
func TestExpressAsyncLoggedBeforeForgotten(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	e := testengine.Start(t, pool, &engine.Config{LogSink: logsink.NewPostgres(pool, &logsink.PostgresConfig{FlushInterval: time.Hour})})
	tc := logCases[0]
	sm := createLogged(t, e, "async-flushed", store.TypeExpress, tc)
	exec, _, err := e.StartExecution(context.Background(), engine.StartInput{StateMachine: "async-flushed"})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return expressStarts(t, pool) == 0 }, 10*time.Second, 10*time.Millisecond)
	rows, err := store.ListLogRecords(context.Background(), pool, sm.ARN, time.Time{}, 100)
	require.NoError(t, err)
	require.Len(t, rows, len(tc.types), "written before the record of %s was deleted", exec.ARN)
}

// TestExpressAsyncOwnedNotRun: a start an engine owns but does not run
// (its end's record could not be deleted, or its caller gave up while
// it was inserted) is not kept alive by that engine's renewals: its
// lease runs out and the execution runs again.
func TestExpressAsyncOwnedNotRun(t *testing.T) {
	t.Parallel()
	pool := testkit.NewPool(t)
	calls := make(chan string, 1)
	e := reporter(t, pool, 300*time.Millisecond, func(arn string) { calls <- arn }, nil)
	ctx := context.Background()
	sm, _, err := e.CreateStateMachine(ctx, "owned", engine.MachineSpec{Definition: reportArn, Type: store.TypeExpress})
	require.NoError(t, err)
	arn := "arn:aws:states:us-east-1:000000000000:express:owned:orphan:0b8c3c2e-5f7e-4a51-9b0e-3c9d4f1a2b6c"
	_, err = pool.Exec(ctx, `INSERT INTO stepwise_express_starts (arn, state_machine, version, name, input, started_at, owner, until)
		VALUES ($1, 'owned', $2, 'orphan', '{}', now(), $3, now() + interval '300 milliseconds')`, arn, sm.LatestVersion, engine.ExpressOwner(e))
	require.NoError(t, err)
	require.Equal(t, arn, testkit.Receive(t, calls, 10*time.Second, "the run of the start its owner does not run"))
	require.Eventually(t, func() bool { return expressStarts(t, pool) == 0 }, 10*time.Second, 10*time.Millisecond)
}
