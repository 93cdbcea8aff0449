package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/itemio"
	"github.com/stepwise-run/stepwise/internal/testkit/s3test"
	"github.com/stepwise-run/stepwise/store"
)

func init() { childRoles["kill-map"] = runKillMapChild }

// killMapS3Env carries the test's S3 protocol server to the children.
const killMapS3Env = "STEPWISE_KILL_MAP_S3"

// runKillMapChild runs an engine whose object store is the test's S3
// protocol server, until killed.
func runKillMapChild(url string) {
	store, err := itemio.NewStore(context.Background(), &itemio.StoreConfig{Endpoint: os.Getenv(killMapS3Env),
		Region: "us-east-1", AccessKeyID: "test", SecretAccessKey: "test", PathStyle: true})
	if err != nil {
		panic(err)
	}
	serveUntilKilled(url, func(*activities.Registry, *pgxpool.Pool) {}, engine.Config{Drive: true, ObjectStore: store,
		RescueStuckJobsAfter: 4 * time.Second, FetchPollInterval: 50 * time.Millisecond})
}

// killMapItems is how many items the killed Distributed Map reads.
const killMapItems = 10000

// killMapDef reads items.jsonl in batches of ten, 200 children at a time,
// each child adding its batch's numbers up, and exports the results.
const killMapDef = `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":200,"End":true,
	"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},
		"Parameters":{"Bucket":"data","Key":"items.jsonl"}},
	"ItemBatcher":{"MaxItemsPerBatch":10},
	"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"data","Prefix":"out"}},
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"Sum",
		"States":{"Sum":{"Type":"Pass","Parameters":{"first.$":"$.Items[0].n","sum.$":"States.MathAdd(States.ArrayLength($.Items), 0)"},"End":true}}}}}}`

// TestKillDistributedMap SIGKILLs the engine process again and again in
// the middle of a Distributed Map over 10,000 items read from an S3
// protocol server, then lets two engines finish: every item is processed
// by exactly one child and the results are written once, in item order.
func TestKillDistributedMap(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes; skipped with -short")
	}
	t.Parallel()
	s3 := s3test.Start(t)
	lines := make([]string, killMapItems)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"n":%d}`, i)
	}
	s3.Put(t, "items.jsonl", []byte(strings.Join(lines, "\n")+"\n"))
	url, pool, api := newKillDatabase(t, "", func(*activities.Registry, *pgxpool.Pool) {})
	ctx := context.Background()
	_, _, err := api.CreateStateMachine(ctx, "sums", engine.MachineSpec{Definition: killMapDef})
	require.NoError(t, err)
	// a start runs the first steps in the starting process: it needs the
	// object store too
	starter, err := engine.New(pool, &engine.Config{ObjectStore: s3.Client})
	require.NoError(t, err)
	exec, _, err := starter.StartExecution(ctx, engine.StartInput{StateMachine: "sums", Input: `{}`})
	require.NoError(t, err)

	env := killMapS3Env + "=" + s3.Config.Endpoint
	for kills := 1; kills <= 6; kills++ {
		child := startChild(t, url, "kill-map", nil, env)
		time.Sleep(time.Duration(500+rand.IntN(1500)) * time.Millisecond)
		kill(child)
		t.Logf("kill %d: %d child executions", kills, countChildren(t, pool))
	}
	for range 2 {
		final := startChild(t, url, "kill-map", nil, env)
		defer kill(final)
	}
	waitAll(t, api, []string{exec.ARN}, 3*time.Minute)
	exec, err = api.Execution(ctx, exec.ARN)
	require.NoError(t, err)
	require.Equal(t, store.StatusSucceeded, exec.Status, "%s: %s", deref(exec.Error), deref(exec.Cause))
	rows, err := pool.Query(ctx, `SELECT arn, status, coalesce(error, ''), coalesce(cause, '') FROM stepwise_executions
		WHERE map_run_id IS NOT NULL AND status <> 'SUCCEEDED'`)
	require.NoError(t, err)
	for rows.Next() {
		var arn, status, e, c string
		require.NoError(t, rows.Scan(&arn, &status, &e, &c))
		t.Errorf("child %s ended %s: %s: %s", arn, status, e, c)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, killMapItems/10, countChildren(t, pool), "one child per batch, none repeated")
	requireSumsWrittenOnce(t, s3, *exec.Output)
}

func countChildren(t *testing.T, pool *pgxpool.Pool) int {
	var n int
	require.NoError(t, pool.QueryRow(context.Background(), `SELECT count(*) FROM stepwise_executions WHERE map_run_id IS NOT NULL`).Scan(&n))
	return n
}

// requireSumsWrittenOnce reads the exported results: one SUCCEEDED entry
// per batch, in item order, and no failed or pending entry.
func requireSumsWrittenOnce(t *testing.T, s3 *s3test.Server, output string) {
	var out struct{ ResultWriterDetails struct{ Key string } }
	require.NoError(t, json.Unmarshal([]byte(output), &out))
	var manifest struct {
		ResultFiles map[string][]struct{ Key string }
	}
	require.NoError(t, json.Unmarshal(s3.Get(t, out.ResultWriterDetails.Key), &manifest))
	require.Empty(t, manifest.ResultFiles["FAILED"])
	require.Empty(t, manifest.ResultFiles["PENDING"])
	next := 0
	for _, f := range manifest.ResultFiles["SUCCEEDED"] {
		var results []struct{ Output string }
		require.NoError(t, json.Unmarshal(s3.Get(t, f.Key), &results))
		for _, r := range results {
			var sum struct{ First, Sum int }
			require.NoError(t, json.Unmarshal([]byte(r.Output), &sum))
			require.Equal(t, next, sum.First, "the batch starting at item %d comes next, once", next)
			require.Equal(t, 10, sum.Sum)
			next += 10
		}
	}
	require.Equal(t, killMapItems, next, "every item's result is written")
}
