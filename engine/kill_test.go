package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/asl/runner"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/store"
)

// sagaSteps maps the saga's functions to the step names an order id can
// ask to fail ("o-7-ProcessPayment").
var sagaSteps = map[string]string{
	"reserve-inventory": "ReserveInventory", "process-payment": "ProcessPayment", "confirm-order": "ConfirmOrder",
	"refund-payment": "RefundPayment", "release-inventory": "ReleaseInventory",
}

// registerStateless registers the saga's functions without any state in
// the process, so a killed process loses nothing they need: each fails
// when the order id ends with its step name, else echoes its step.
func registerStateless(reg *activities.Registry) {
	for fn, step := range sagaSteps {
		activities.Register(reg, fn, func(ctx context.Context, in struct {
			OrderID string `json:"orderId"`
		}) (map[string]any, error) {
			if strings.HasSuffix(in.OrderID, "-"+step) {
				return nil, activities.NewError(step+"Failed", in.OrderID)
			}
			return map[string]any{"step": step, "orderId": in.OrderID}, nil
		})
	}
}

// runKillChild runs an engine with the example functions until killed.
func runKillChild(url string) {
	serveUntilKilled(url, func(reg *activities.Registry, _ *pgxpool.Pool) { registerStateless(reg) },
		engine.Config{Drive: true, RescueStuckJobsAfter: 4 * time.Second, TaskJobTimeout: 3 * time.Second, FetchPollInterval: 50 * time.Millisecond})
}

// sagaWithPause is the order saga with a one-second Wait first, so
// executions are parked on durable timers when the engine dies.
func sagaWithPause(t *testing.T) string {
	var def map[string]any
	require.NoError(t, json.Unmarshal([]byte(testkit.Example(t, "order-saga")), &def))
	states := def["States"].(map[string]any)
	states["Pause"] = map[string]any{"Type": "Wait", "Seconds": 1, "Next": def["StartAt"]}
	def["StartAt"] = "Pause"
	b, _ := json.Marshal(def)
	return string(b)
}

// expected runs a definition in memory with the same functions to learn
// the status, output and event types a correct durable run must have.
func expected(t *testing.T, definition, input string) *runner.Result {
	m, err := asl.Parse([]byte(definition))
	require.NoError(t, err)
	in, _ := asl.DecodeJSON([]byte(input))
	reg := activities.NewRegistry()
	registerStateless(reg)
	res, err := runner.Run(context.Background(), m, in, &runner.Config{Tasks: func(ctx context.Context, call *asl.TaskCall, _ string) (any, error) {
		return reg.Invoke(ctx, call.Resource, call.Input)
	}})
	require.NoError(t, err)
	return res
}

// TestKillEngine starts saga executions, SIGKILLs the engine process at
// random moments several times, then lets three engine processes share
// the rest of the work, and checks that every execution ended as the
// in-memory runner says it must, with a history of exactly the same
// events, none duplicated or missing.
func TestKillEngine(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes; skipped with -short")
	}
	t.Parallel()
	url, pool, api := newKillDatabase(t, "", func(reg *activities.Registry, _ *pgxpool.Pool) { registerStateless(reg) })
	ctx := context.Background()
	definitions := map[string]string{"saga": testkit.Example(t, "order-saga"), "paused": sagaWithPause(t)}
	for name, def := range definitions {
		_, _, err := api.CreateStateMachine(ctx, name, engine.MachineSpec{Definition: def})
		require.NoError(t, err)
	}
	failAts := []string{"", "ReserveInventory", "ProcessPayment", "ConfirmOrder"}
	want := map[string]*runner.Result{}
	var arns []string
	start := func(i int) {
		machine := []string{"saga", "paused"}[i%2]
		failAt := failAts[(i/2)%4]
		input := fmt.Sprintf(`{"orderId":"o-%d-%s","amount":%d,"items":[{"sku":"s","quantity":1}]}`, i, failAt, 10+i)
		if _, ok := want[machine+failAt]; !ok {
			want[machine+failAt] = expected(t, definitions[machine], input)
		}
		exec, _, err := api.StartExecution(ctx, engine.StartInput{StateMachine: machine, Name: fmt.Sprintf("e-%d", i), Input: input})
		require.NoError(t, err)
		arns = append(arns, exec.ARN)
	}
	for i := 0; i < 100; i++ {
		start(i)
	}

	kills := 0
	for round := 0; round < 8; round++ {
		child := startChild(t, url, "", nil)
		for i := 0; i < 60; i++ {
			start(len(arns))
		}
		time.Sleep(time.Duration(rand.IntN(1500)) * time.Millisecond)
		kill(child)
		kills++
		t.Logf("kill %d: %d executions still running", kills, running(t, pool))
	}
	for i := 0; i < 3; i++ {
		final := startChild(t, url, "", nil) // three engines share the rest of the work
		defer kill(final)
	}
	for i := 0; i < 60; i++ {
		start(len(arns))
	}
	waitAll(t, api, arns, 90*time.Second)
	t.Logf("%d executions, %d kills", len(arns), kills)

	for i, arn := range arns {
		exec, err := api.Execution(ctx, arn)
		require.NoError(t, err)
		w := want[[]string{"saga", "paused"}[i%2]+failAts[(i/2)%4]]
		require.Equal(t, w.Status, exec.Status, "%s: %s %s", arn, deref(exec.Error), deref(exec.Cause))
		if w.Error != nil {
			require.Equal(t, w.Error.Name, *exec.Error, arn)
		}
		events, err := api.History(ctx, exec.ID, 0, 10000, false)
		require.NoError(t, err)
		var types []string
		for j, e := range events {
			require.Equal(t, int64(j+1), e.ID)
			types = append(types, e.Type)
		}
		require.Equal(t, eventTypes(w), types, "history of %s", arn)
	}
}

// newKillDatabase makes a fresh database for a kill test with schema (if
// any) applied and the functions register adds marked as served by
// workers that ran before (so tasks wait for a restarted process instead
// of failing unbound), and an engine that drives nothing, for the test's
// own calls.
func newKillDatabase(t *testing.T, schema string, register func(*activities.Registry, *pgxpool.Pool)) (string, *pgxpool.Pool, *engine.Engine) {
	ctx := context.Background()
	url := testkit.NewDatabase(t)
	pool, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	if schema != "" {
		_, err = pool.Exec(ctx, schema)
		require.NoError(t, err)
	}
	reg := activities.NewRegistry()
	register(reg, nil)
	for _, name := range reg.Names() {
		require.NoError(t, store.RegisterFunction(ctx, pool, name), "workers have run before")
	}
	api, err := engine.New(pool, nil)
	require.NoError(t, err)
	return url, pool, api
}

func running(t *testing.T, pool *pgxpool.Pool) int {
	n := 0
	execs, err := store.ListExecutions(context.Background(), pool, store.ExecutionFilter{Status: store.StatusRunning, Limit: 10000})
	require.NoError(t, err)
	n = len(execs)
	return n
}

func eventTypes(res *runner.Result) []string {
	out := make([]string, len(res.Events))
	for i, e := range res.Events {
		out[i] = e.Type
	}
	return out
}

func waitAll(t *testing.T, api *engine.Engine, arns []string, limit time.Duration) {
	deadline := time.Now().Add(limit)
	for _, arn := range arns {
		for {
			exec, err := api.Execution(context.Background(), arn)
			require.NoError(t, err)
			if exec.Status != store.StatusRunning {
				break
			}
			if time.Now().After(deadline) {
				dumpJobs(t, api, exec.ID)
				t.Fatalf("%s still RUNNING after %s", arn, limit)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// dumpJobs logs the River jobs and runs of a stuck execution.
func dumpJobs(t *testing.T, api *engine.Engine, id int64) {
	rows, err := api.Pool().Query(context.Background(),
		`SELECT id, kind, state, attempt, max_attempts, args::text, errors::text, scheduled_at FROM river_job WHERE (args->>'execution_id')::bigint = $1 ORDER BY id`, id)
	require.NoError(t, err)
	for rows.Next() {
		var jid int64
		var kind, state, args string
		var attempt, maxAttempts int
		var errs *string
		var at time.Time
		require.NoError(t, rows.Scan(&jid, &kind, &state, &attempt, &maxAttempts, &args, &errs, &at))
		t.Logf("job %d %s %s attempt %d/%d at %s args %s errors %v", jid, kind, state, attempt, maxAttempts, at.Format(time.TimeOnly), args, deref(errs))
	}
	runs, err := api.Pool().Query(context.Background(), `SELECT id, status, state, seq, coalesce(task_job_id, 0) FROM stepwise_runs WHERE execution_id = $1`, id)
	require.NoError(t, err)
	for runs.Next() {
		var rid, seq, job int64
		var status, state string
		require.NoError(t, runs.Scan(&rid, &status, &state, &seq, &job))
		t.Logf("run %d %s at %s seq %d task job %d", rid, status, state, seq, job)
	}
}
