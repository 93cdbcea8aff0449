package engine_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/store/storetest"
)

// benchEngine is an engine with a no-op function, tuned as serve runs it.
func benchEngine(b *testing.B) *engine.Engine {
	b.Helper()
	cfg, err := pgxpool.ParseConfig(storetest.NewDatabase(b))
	require.NoError(b, err)
	cfg.MaxConns = 32
	if os.Getenv("STEPWISE_BENCH_LOG_SQL") != "" {
		cfg.ConnConfig.RuntimeParams["log_min_duration_statement"] = "0"
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	reg := activities.NewRegistry()
	activities.Register(reg, "noop", func(ctx context.Context, in any) (any, error) { return in, nil })
	cooldown, _ := time.ParseDuration(os.Getenv("STEPWISE_BENCH_COOLDOWN"))
	e, err := engine.New(pool, &engine.Config{Functions: reg, Drive: true, DriveWorkers: 100, TaskWorkers: 100, FetchCooldown: cooldown,
		DisableLocalTasks: os.Getenv("STEPWISE_BENCH_NO_LOCAL") != ""})
	require.NoError(b, err)
	require.NoError(b, e.Start(context.Background()))
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = e.Stop(ctx)
	})
	return e
}

// startMany starts n executions from a few goroutines and waits for all of
// them to end.
func startMany(b *testing.B, e *engine.Engine, machine string, n int) {
	b.Helper()
	ctx := context.Background()
	var wg sync.WaitGroup
	starters := 8
	if s, err := strconv.Atoi(os.Getenv("STEPWISE_BENCH_STARTERS")); err == nil {
		starters = s
	}
	for g := 0; g < starters; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += starters {
				if _, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: machine, Input: `{"n":1}`}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	waitFinished(b, e, n)
}

// waitFinished polls until no execution is RUNNING (n were started).
func waitFinished(b *testing.B, e *engine.Engine, n int) {
	for {
		var running int
		err := e.Pool().QueryRow(context.Background(), `SELECT count(*) FROM stepwise_executions WHERE status = 'RUNNING'`).Scan(&running)
		require.NoError(b, err)
		if running == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// BenchmarkOneTaskExecutions measures executions per second of a machine
// with one Task on a no-op function, start to finish.
func BenchmarkOneTaskExecutions(b *testing.B) {
	e := benchEngine(b)
	_, _, err := e.CreateStateMachine(context.Background(), "one", engine.MachineSpec{
		Definition: single(`{"Type":"Task","Resource":"` + lambda("noop") + `","End":true}`)})
	require.NoError(b, err)
	cost := measureDB(b, e.Pool())
	b.ResetTimer()
	startMany(b, e, "one", b.N)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "executions/s")
	cost.report(b, b.N, "exec")
}

// tenStates mixes five Tasks with Pass and Choice states.
const tenStates = `{"StartAt":"P1","States":{
	"P1":{"Type":"Pass","Result":1,"ResultPath":"$.k","Next":"T1"},
	"T1":{"Type":"Task","Resource":"` + "arn:aws:lambda:us-east-1:123456789012:function:noop" + `","Next":"C1"},
	"C1":{"Type":"Choice","Choices":[{"Variable":"$.k","NumericEquals":1,"Next":"T2"}],"Default":"T2"},
	"T2":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:noop","Next":"P2"},
	"P2":{"Type":"Pass","Next":"T3"},
	"T3":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:noop","Next":"C2"},
	"C2":{"Type":"Choice","Choices":[{"Variable":"$.k","NumericEquals":1,"Next":"T4"}],"Default":"T4"},
	"T4":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:noop","Next":"P3"},
	"P3":{"Type":"Pass","Next":"T5"},
	"T5":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:noop","End":true}}}`

// BenchmarkTransitions measures state transitions per second of a
// ten-state machine mixing five Tasks with Pass and Choice states.
func BenchmarkTransitions(b *testing.B) {
	e := benchEngine(b)
	_, _, err := e.CreateStateMachine(context.Background(), "ten", engine.MachineSpec{Definition: tenStates})
	require.NoError(b, err)
	n := max(b.N/10, 1)
	cost := measureDB(b, e.Pool())
	b.ResetTimer()
	startMany(b, e, "ten", n)
	b.ReportMetric(float64(n*10)/b.Elapsed().Seconds(), "transitions/s")
	cost.report(b, n, "exec")
}

// BenchmarkDispatchLatency starts executions of a one-Task machine at 100
// per second and reports the time from TaskScheduled to TaskStarted.
func BenchmarkDispatchLatency(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	_, _, err := e.CreateStateMachine(ctx, "one", engine.MachineSpec{
		Definition: single(`{"Type":"Task","Resource":"` + lambda("noop") + `","End":true}`)})
	require.NoError(b, err)
	n := max(b.N, 200)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var arns []string
	b.ResetTimer()
	for i := 0; i < n; i++ {
		<-tick.C
		exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "one", Name: fmt.Sprint("d", i)})
		require.NoError(b, err)
		arns = append(arns, exec.ARN)
	}
	waitFinished(b, e, n)
	b.StopTimer()
	lat := dispatchLatencies(b, e, arns)
	b.ReportMetric(float64(percentile(lat, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 99).Microseconds())/1000, "p99-ms")
}

func dispatchLatencies(b *testing.B, e *engine.Engine, arns []string) []time.Duration {
	var out []time.Duration
	for _, arn := range arns {
		exec, err := e.Execution(context.Background(), arn)
		require.NoError(b, err)
		events, err := e.History(context.Background(), exec.ID, 0, 100, false)
		require.NoError(b, err)
		out = append(out, between(events, "TaskScheduled", "TaskStarted"))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func between(events []*store.Event, from, to string) time.Duration {
	var start time.Time
	for _, ev := range events {
		switch ev.Type {
		case from:
			start = ev.Timestamp
		case to:
			return ev.Timestamp.Sub(start)
		}
	}
	return 0
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

// dbCost measures what a benchmark costs PostgreSQL: the CPU time of the
// server processes serving the benchmark's database (read from /proc, so
// the server must run on this machine; other databases' work is left
// out) and the transactions committed in it.
type dbCost struct {
	pool    *pgxpool.Pool
	cpu     map[int]int64
	commits int64
}

func measureDB(b *testing.B, pool *pgxpool.Pool) *dbCost {
	c := &dbCost{pool: pool}
	c.cpu, c.commits = c.read(b)
	return c
}

// report adds pg-cpu-µs and commits per unit of work (n units).
func (c *dbCost) report(b *testing.B, n int, unit string) {
	cpu, commits := c.read(b)
	var ticks int64
	for pid, t := range cpu {
		ticks += t - c.cpu[pid]
	}
	b.ReportMetric(float64(ticks)*1e4/float64(n), "pg-cpu-µs/"+unit)
	b.ReportMetric(float64(commits-c.commits)/float64(n), "commits/"+unit)
}

func (c *dbCost) read(b *testing.B) (map[int]int64, int64) {
	ctx := context.Background()
	rows, err := c.pool.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	require.NoError(b, err)
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	require.NoError(b, err)
	cpu := map[int]int64{}
	for _, pid := range pids {
		cpu[int(pid)] = procTicks(int(pid))
	}
	var commits int64
	require.NoError(b, c.pool.QueryRow(ctx, `SELECT pg_stat_get_db_xact_commit(oid) FROM pg_database WHERE datname = current_database()`).Scan(&commits))
	return cpu, commits
}

// procTicks is a process's user and system CPU time in clock ticks
// (1/100 s), or 0 if it cannot be read.
func procTicks(pid int) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return utime + stime
}
