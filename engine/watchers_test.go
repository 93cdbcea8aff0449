package engine_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/examples/orders"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// twoApprovals asks for two approvals in a row, each answered by a
// callback: an execution that moves only when told.
var twoApprovals = `{"StartAt":"First","States":{
  "First":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
    "Parameters":{"FunctionName":"` + lambda("request-approval") + `","Payload":{"orderId":"o","amount":1,"taskToken.$":"$$.Task.Token"}},
    "ResultPath":null,"Next":"Second"},
  "Second":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
    "Parameters":{"FunctionName":"` + lambda("request-approval") + `","Payload":{"orderId":"o","amount":1,"taskToken.$":"$$.Task.Token"}},
    "End":true}}}`

// TestWatchAcrossEngines watches in one engine an execution another
// engine moves by callbacks: each commit wakes the watcher through
// NOTIFY, also after its LISTEN connection was cut; an execution nobody
// watches is never marked.
func TestWatchAcrossEngines(t *testing.T) {
	t.Parallel()
	requests := make(chan orders.ApprovalRequest, 4)
	h := newHarness(t)
	h.orders.OnApprovalRequest = func(r orders.ApprovalRequest) { requests <- r }
	h.machine("two-approvals", twoApprovals)
	watcher := testengine.Start(t, h.e.Pool(), &engine.Config{}) // drives nothing
	ctx := context.Background()
	token := func() string { return testkit.Receive(t, requests, 10*time.Second, "approval request").TaskToken }

	exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "two-approvals", Name: "watched"})
	require.NoError(t, err)
	first := token()
	changed, stop, err := watcher.Watch(ctx, exec.ARN)
	require.NoError(t, err)
	defer stop()
	last, status, err := watcher.Progress(ctx, exec.ID)
	require.NoError(t, err)
	require.Equal(t, store.StatusRunning, status)

	// next waits for a wake that shows events after last.
	next := func(what string) string {
		t.Helper()
		for {
			select {
			case <-changed:
			case <-time.After(10 * time.Second):
				t.Fatalf("the watcher was not woken by %s", what)
			}
			id, status, err := watcher.Progress(ctx, exec.ID)
			require.NoError(t, err)
			if id > last {
				last = id
				return status
			}
		}
	}
	require.NoError(t, h.e.SendTaskSuccess(ctx, first, `{}`))
	require.Equal(t, store.StatusRunning, next("the first callback's commit"))
	second := token()

	// Cut the LISTEN connections: the watcher reconnects, is woken to
	// look again, and is woken by the next commit.
	pool := h.e.Pool()
	var cut int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN "stepwise_%'`).Scan(&cut))
	require.Equal(t, 1, cut, "one LISTEN connection, in the engine that watches")
	testkit.Receive(t, changed, 10*time.Second, "the wake after the LISTEN connection was lost")
	require.NoError(t, h.e.SendTaskSuccess(ctx, second, `{}`))
	require.Equal(t, store.StatusSucceeded, next("the second callback's commit"))

	h.machine("quick", single(`{"Type":"Pass","End":true}`))
	requireSucceeded(t, h.run("quick", "unwatched", "{}"), "")
	var watched []string
	rows, err := pool.Query(ctx, `SELECT name FROM stepwise_executions WHERE watched`)
	require.NoError(t, err)
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		watched = append(watched, name)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{"watched"}, watched, "only the watched execution is marked")
}
