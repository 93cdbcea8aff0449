package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
)

func init() {
	childRoles["kill-services"] = func(url string) {
		serveUntilKilled(url, registerKillServices, engine.Config{Drive: true, RescueStuckJobsAfter: 3 * time.Second,
			TaskJobTimeout: 2 * time.Second, LocalTaskLease: time.Second, FetchPollInterval: 50 * time.Millisecond})
	}
}

// killServicesSchema is where the kill-services functions record what
// they did, in the test's database: the effects of sns:publish, once per
// idempotency key with the number of calls, and the task tokens
// sqs:sendMessage hands out, for the test to answer.
const killServicesSchema = `
CREATE TABLE kill_effects (
    idempotency_key  text PRIMARY KEY,
    execution_arn    text NOT NULL,
    calls            integer NOT NULL DEFAULT 1
);
CREATE TABLE kill_asks (
    token            text PRIMARY KEY,
    execution_arn    text NOT NULL,
    answered         boolean NOT NULL DEFAULT false
);`

// killServicesMachine runs one Task of each integration pattern: a
// request-response sns:publish, a glue:startJobRun.sync that takes a
// while and heartbeats, an sqs:sendMessage.waitForTaskToken, an HTTP
// Task and a nested execution (.sync:2), each adding its result to the
// input.
const killServicesMachine = `{"StartAt":"Publish","States":{
  "Publish":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","Parameters":{"order.$":"$.order"},
    "ResultSelector":{"id.$":"$.MessageId"},"ResultPath":"$.published","Next":"Job"},
  "Job":{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync","HeartbeatSeconds":60,"Parameters":{"JobName":"nightly"},
    "ResultSelector":{"state.$":"$.JobRunState"},"ResultPath":"$.job","Next":"Ask"},
  "Ask":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "Parameters":{"QueueUrl":"q","MessageBody":{"token.$":"$$.Task.Token"}},"ResultPath":"$.answer","Next":"Call"},
  "Call":{"Type":"Task","Resource":"arn:aws:states:::http:invoke",
    "Parameters":{"ApiEndpoint.$":"$.url","Method":"GET","QueryParameters":{"order.$":"$.order"}},
    "ResultSelector":{"body.$":"$.ResponseBody"},"ResultPath":"$.http","Next":"Nested"},
  "Nested":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync:2",
    "Parameters":{"StateMachineArn":"services-child","Name.$":"States.Format('{}-child', $$.Execution.Name)","Input":{"order.$":"$.order"}},
    "ResultSelector":{"out.$":"$.Output"},"ResultPath":"$.nested","End":true}}}`

// killServicesChild is the machine the Nested state starts: a .sync job
// of its own, so that kills land in children too.
const killServicesChild = `{"StartAt":"Job","States":{
  "Job":{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync","Parameters":{"JobName":"child"},
    "ResultSelector":{"state.$":"$.JobRunState"},"ResultPath":"$.job","End":true}}}`

// registerKillServices registers the functions of killServicesMachine;
// they keep nothing in the process, so a killed one loses nothing.
func registerKillServices(reg *activities.Registry, pool *pgxpool.Pool) {
	activities.RegisterIntegration(reg, "sns:publish", func(ctx context.Context, in struct {
		Order string `json:"order"`
	}) (map[string]any, error) {
		info, _ := activities.Info(ctx)
		_, err := pool.Exec(ctx, `INSERT INTO kill_effects (idempotency_key, execution_arn) VALUES ($1, $2)
			ON CONFLICT (idempotency_key) DO UPDATE SET calls = kill_effects.calls + 1`, info.IdempotencyKey, info.ExecutionARN)
		if err != nil {
			return nil, err
		}
		return map[string]any{"MessageId": "m-" + in.Order}, nil
	})
	activities.RegisterIntegration(reg, "glue:startJobRun", func(ctx context.Context, _ map[string]any) (map[string]any, error) {
		for range 3 {
			if err := activities.Heartbeat(ctx); err != nil {
				return nil, err
			}
			time.Sleep(150 * time.Millisecond)
		}
		return map[string]any{"JobRunState": "SUCCEEDED"}, nil
	})
	activities.RegisterIntegration(reg, "sqs:sendMessage", func(ctx context.Context, _ map[string]any) (map[string]any, error) {
		info, _ := activities.Info(ctx)
		_, err := pool.Exec(ctx, `INSERT INTO kill_asks (token, execution_arn) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			info.TaskToken, info.ExecutionARN)
		return map[string]any{"MessageId": "q-1"}, err
	})
	activities.RegisterHTTP(reg, &activities.HTTPConfig{Egress: activities.EgressPolicy{Allow: []string{"127.0.0.1"}}})
}

// TestKillServices runs executions through every integration pattern
// while engine processes serving them are SIGKILLed at random moments and
// restarted, and checks that each execution succeeded with the output it
// must have, that every Task state entry has exactly one scheduled and
// one succeeded task in history, and that sns:publish took effect once
// per execution (its idempotency key survived the redeliveries).
func TestKillServices(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes; skipped with -short")
	}
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, pool, api := newKillDatabase(t, killServicesSchema, registerKillServices)
	_, _, err := api.CreateStateMachine(ctx, "services-child", engine.MachineSpec{Definition: killServicesChild})
	require.NoError(t, err)
	_, _, err = api.CreateStateMachine(ctx, "services", engine.MachineSpec{Definition: killServicesMachine})
	require.NoError(t, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"order":"` + r.URL.Query().Get("order") + `"}`))
	}))
	defer srv.Close()
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		answerKillAsks(ctx, t, api)
	}()
	defer func() { cancel(); <-answered }()

	var arns []string
	start := func() {
		i := len(arns)
		input := fmt.Sprintf(`{"order":"o-%d","url":%q}`, i, srv.URL)
		exec, _, err := api.StartExecution(ctx, engine.StartInput{StateMachine: "services", Name: fmt.Sprintf("e-%d", i), Input: input})
		require.NoError(t, err)
		arns = append(arns, exec.ARN)
	}
	for range 10 {
		start()
	}
	for kills := 1; kills <= 3; kills++ {
		before := killProgress(t, pool)
		child := startChild(t, url, "kill-services", nil)
		for range 5 {
			start()
		}
		for killProgress(t, pool) == before { // kill a child at work, not one starting
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(time.Duration(rand.IntN(800)) * time.Millisecond)
		kill(child)
		t.Logf("kill %d: %d executions still running", kills, running(t, pool))
	}
	for range 2 {
		final := startChild(t, url, "kill-services", nil)
		defer kill(final)
	}
	for range 5 {
		start()
	}
	// A kill that lands while a River job runs leaves it to River's job
	// rescuer, which looks every 30 seconds: then the wait is that long.
	waitAll(t, api, arns, 90*time.Second)

	for i, arn := range arns {
		exec, err := api.Execution(ctx, arn)
		require.NoError(t, err)
		order := fmt.Sprintf("o-%d", i)
		requireSucceeded(t, exec, fmt.Sprintf(`{"order":%q,"url":%q,"published":{"id":"m-%s"},"job":{"state":"SUCCEEDED"},
			"answer":{"answeredFor":%q},"http":{"body":{"order":%q}},"nested":{"out":{"order":%q,"job":{"state":"SUCCEEDED"}}}}`,
			order, srv.URL, order, arn, order, order))
		requireOneResultPerTask(t, api, exec.ID)
	}
	var executions, keys, calls int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(DISTINCT execution_arn), count(*), sum(calls) FROM kill_effects`).Scan(&executions, &keys, &calls))
	require.Equal(t, len(arns), executions, "every execution published")
	require.Equal(t, len(arns), keys, "one idempotency key per execution: redeliveries keep the key")
	var children int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM stepwise_executions WHERE parent_id IS NOT NULL`).Scan(&children))
	require.Equal(t, len(arns), children, "one nested execution per execution")
	t.Logf("%d executions, 3 kills; sns:publish called %d times for %d effects", len(arns), calls, keys)
}

// killProgress counts the calls of sns:publish and sqs:sendMessage so far.
func killProgress(t *testing.T, pool *pgxpool.Pool) int {
	var n int
	require.NoError(t, pool.QueryRow(context.Background(),
		`SELECT coalesce((SELECT sum(calls) FROM kill_effects), 0) + (SELECT count(*) FROM kill_asks)`).Scan(&n))
	return n
}

// answerKillAsks answers every task token the kill-services functions
// recorded with {"answeredFor": EXECUTION_ARN}, until ctx ends.
func answerKillAsks(ctx context.Context, t *testing.T, api *engine.Engine) {
	for ctx.Err() == nil {
		rows, err := api.Pool().Query(ctx, `SELECT token, execution_arn FROM kill_asks WHERE NOT answered`)
		if err != nil {
			continue
		}
		asks := map[string]string{}
		for rows.Next() {
			var token, arn string
			if rows.Scan(&token, &arn) == nil {
				asks[token] = arn
			}
		}
		rows.Close()
		for token, arn := range asks {
			if err := api.SendTaskSuccess(ctx, token, fmt.Sprintf(`{"answeredFor":%q}`, arn)); err != nil && ctx.Err() == nil {
				t.Logf("answering %s: %v", arn, err)
			}
			_, _ = api.Pool().Exec(ctx, `UPDATE kill_asks SET answered = true WHERE token = $1`, token)
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// requireOneResultPerTask checks an execution's history: dense event ids,
// and for every Task state entry exactly one TaskScheduled and one
// TaskSucceeded and no failure or time-out.
func requireOneResultPerTask(t *testing.T, api *engine.Engine, id int64) {
	t.Helper()
	events, err := api.History(context.Background(), id, 0, 10000, false)
	require.NoError(t, err)
	var entries []map[string]int
	for j, e := range events {
		require.Equal(t, int64(j+1), e.ID)
		if e.Type == history.TaskStateEntered {
			var d struct{ Name string }
			require.NoError(t, json.Unmarshal([]byte(*e.Details), &d))
			entries = append(entries, map[string]int{})
			continue
		}
		if len(entries) > 0 {
			entries[len(entries)-1][e.Type]++
		}
	}
	require.Len(t, entries, 5, "five Task states entered once each")
	for _, counts := range entries {
		require.Equal(t, 1, counts[history.TaskScheduled], "%v", counts)
		require.Equal(t, 1, counts[history.TaskSucceeded], "%v", counts)
		require.Zero(t, counts[history.TaskFailed]+counts[history.TaskTimedOut], "%v", counts)
	}
}
