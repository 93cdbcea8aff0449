package engine_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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

func init() {
	childRoles["kill-express"] = runKillExpressChild
}

// napMachine is an EXPRESS machine whose one Task sleeps for the
// input's ms milliseconds and answers {"slept": ms}.
const napMachine = `{"StartAt":"Nap","States":{"Nap":{"Type":"Task",
	"Resource":"arn:aws:lambda:us-east-1:123456789012:function:nap","End":true}}}`

// killExpressLease is the lease of the killed engine's EXPRESS starts:
// short, so that the test's engine claims them soon after the kill.
const killExpressLease = time.Second

// registerNap registers nap, which sleeps for its input's ms
// milliseconds (less if its task is cancelled) and tells called, unless
// nil, the ARN of the execution it sleeps for.
func registerNap(reg *activities.Registry, called func(arn string)) {
	activities.Register(reg, "nap", func(ctx context.Context, in struct {
		MS int `json:"ms"`
	}) (map[string]int, error) {
		if called != nil {
			info, _ := activities.Info(ctx)
			called(info.ExecutionARN)
		}
		select {
		case <-time.After(time.Duration(in.MS) * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return map[string]int{"slept": in.MS}, nil
	})
}

// runKillExpressChild runs an engine that logs to the database's
// Postgres sink and starts asynchronous executions of the machine "naps"
// from eight goroutines, sleeping 0 to 1.75 s each, until killed. It
// prints "ARN MS" on standard output for every start StartExecution
// accepted, once it answered: one write per line, and lines this short
// reach the pipe whole, so the test reads every accepted start, even
// those answered just before the kill.
func runKillExpressChild(url string) {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e := serveChild(url, func(reg *activities.Registry, _ *pgxpool.Pool) { registerNap(reg, nil) },
		engine.Config{ExpressStartLease: killExpressLease, LogSink: logsink.NewPostgres(childPool(url), nil), Logger: log})
	var n atomic.Int64
	for range 8 {
		go func() {
			for {
				ms := int(n.Add(1)%8) * 250
				exec, _, err := e.StartExecution(context.Background(), engine.StartInput{StateMachine: "naps", Input: fmt.Sprintf(`{"ms":%d}`, ms)})
				if err != nil {
					log.Warn("start", "error", err)
				} else {
					fmt.Fprintf(os.Stdout, "%s %d\n", exec.ARN, ms)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	select {}
}

// TestKillExpressAsync SIGKILLs an engine process while it accepts
// asynchronous EXPRESS starts and runs them (most still running), lets
// an engine of this process claim the starts whose leases ran out, and
// checks, once no start is recorded any more, that every start the
// killed process accepted was logged as succeeded with its output at
// least once: none lost, whether it ended before the kill, was cut short
// by it, or was being accepted when it landed.
func TestKillExpressAsync(t *testing.T) {
	if testing.Short() {
		t.Skip("kills processes; skipped with -short")
	}
	t.Parallel()
	const accepts = 200
	ctx := context.Background()
	nap := func(reg *activities.Registry, _ *pgxpool.Pool) { registerNap(reg, nil) }
	url, pool, api := newKillDatabase(t, "", nap)
	_, _, err := api.CreateStateMachine(ctx, "naps", engine.MachineSpec{Definition: napMachine, Type: store.TypeExpress,
		Logging: &engine.LoggingConfiguration{Level: "ALL", IncludeExecutionData: true, Destinations: []string{logGroup}}})
	require.NoError(t, err)

	child := childCommand(url, "kill-express", nil)
	out, err := child.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, child.Start())
	t.Cleanup(func() { kill(child) })
	lines := make(chan string, 4*accepts)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(out); sc.Scan(); {
			lines <- sc.Text()
		}
	}()
	accepted := map[string]int{} // the ms each accepted start sleeps, by ARN
	read := func(line string) {
		arn, ms, ok := strings.Cut(line, " ")
		require.True(t, ok, "a line of the child: %q", line)
		accepted[arn], err = strconv.Atoi(ms)
		require.NoError(t, err, line)
	}
	for len(accepted) < accepts {
		read(testkit.Receive(t, lines, 30*time.Second, "an accepted start"))
	}
	kill(child)
	for line := range lines {
		read(line)
	}
	unfinished := expressStarts(t, pool)
	t.Logf("killed after %d accepted starts; %d starts recorded as unfinished", len(accepted), unfinished)

	var mu sync.Mutex
	reran := map[string]bool{}
	reg := activities.NewRegistry()
	registerNap(reg, func(arn string) { mu.Lock(); reran[arn] = true; mu.Unlock() })
	testengine.Start(t, pool, &engine.Config{Functions: reg, FetchPollInterval: testengine.FetchPollInterval,
		ExpressStartLease: 300 * time.Millisecond, LogSink: logsink.NewPostgres(pool, &logsink.PostgresConfig{FlushInterval: 10 * time.Millisecond})})
	require.Eventually(t, func() bool { return expressStarts(t, pool) == 0 }, 30*time.Second, 20*time.Millisecond,
		"every recorded start ran again and ended")

	// The records are written before a start's record is deleted: the
	// empty table means every execution's end is logged already.
	ends := killExpressEnds(t, pool)
	var twice, missing, again int
	mu.Lock()
	defer mu.Unlock()
	for arn, ms := range accepted {
		if reran[arn] {
			again++
		}
		outputs := ends[arn]
		if len(outputs) == 0 {
			missing++
			t.Errorf("accepted start %s (%d ms) was never logged as ended", arn, ms)
			continue
		}
		for _, output := range outputs {
			require.JSONEq(t, fmt.Sprintf(`{"slept":%d}`, ms), output, arn)
		}
		if len(outputs) > 1 {
			twice++
		}
	}
	t.Logf("%d accepted starts: %d ran again on the second engine, %d logged as succeeded twice or more (at least once allows it), %d missing; "+
		"%d more started and logged without an answer (being accepted at the kill)", len(accepted), again, twice, missing, len(ends)-len(accepted)+missing)
}

// killExpressEnds reads the end records of the executions logged, by
// ARN: the output of each ExecutionSucceeded; an execution that ended
// otherwise fails the test.
func killExpressEnds(t *testing.T, pool *pgxpool.Pool) map[string][]string {
	rows, err := pool.Query(context.Background(), `SELECT execution_arn, type, record FROM stepwise_log_records
		WHERE type IN ('ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted')`)
	require.NoError(t, err)
	defer rows.Close()
	ends := map[string][]string{}
	for rows.Next() {
		var arn, typ, record string
		require.NoError(t, rows.Scan(&arn, &typ, &record))
		require.Equal(t, "ExecutionSucceeded", typ, "%s: %s", arn, record)
		var r logsink.Record
		require.NoError(t, json.Unmarshal([]byte(record), &r))
		output, _ := r.Details["output"].(string)
		ends[arn] = append(ends[arn], output)
	}
	require.NoError(t, rows.Err())
	return ends
}
