//go:build chaos

package engine_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/migrations"
)

// The failover scenario: go test -tags chaos -p 1 -run ChaosFailover ./engine/
//
// It needs pg_autoctl (Debian's postgresql-15-auto-failover) and is
// skipped without it, unless STEPWISE_REQUIRE_FAILOVER=1 (CI) makes that
// a failure. It starts its own formation on free ports, so the shared
// server is untouched and other tests may run meanwhile.
//
// Environment:
//
//	STEPWISE_CHAOS_SCALE                short (default: 200 executions,
//	                                    one failover) or full (1,000
//	                                    executions, two failovers, the
//	                                    second one back to the first node)
//	STEPWISE_FAILOVER_DEFAULT_TIMEOUTS  1 keeps pg_auto_failover's own
//	                                    failure detection timeouts (about
//	                                    50 s a failover) instead of
//	                                    testkit.FormationFastTimeouts
//	STEPWISE_FAILOVER_FAULT             crash (default: the primary's
//	                                    processes end at once, closing
//	                                    connections) or freeze (they stop
//	                                    answering, connections stay open:
//	                                    a hung or vanished machine)
//	STEPWISE_REQUIRE_FAILOVER           1 fails the test when pg_autoctl is
//	                                    missing
//	STEPWISE_FAILOVER_PG_CTL            the pg_ctl the formation runs
//	                                    (default: that of the PostgreSQL
//	                                    with the pgautofailover extension)

// failoverScale sizes a failover run.
type failoverScale struct {
	executions, failovers int
	settle                time.Duration
	// fault is how the primary stops: crash (Formation.Crash) or freeze
	// (Formation.Freeze), from STEPWISE_FAILOVER_FAULT.
	fault string
}

var failoverScales = map[string]failoverScale{
	"short": {executions: 200, failovers: 1, settle: 150 * time.Second},
	"full":  {executions: 1000, failovers: 2, settle: 8 * time.Minute},
}

// checkFailover is the failover scenario's own check.
const checkFailover = "engines and workers rode the failover out by themselves"

// failoverEngines is how many engine processes share the load.
const failoverEngines = 2

// failover is what one failover cost.
type failover struct {
	from, to string
	// promoted is when the monitor had promoted the secondary, writable
	// when the test's pool wrote again, and transition when the first
	// transition committed after the stop; all from the stop.
	promoted, writable, transition time.Duration
	// gap is the longest time without a transition around the stop, from
	// gapFrom.
	gap, gapFrom time.Duration
	// stopped is when the fault began, down when it was done.
	stopped, down time.Time
	// rejoined is how long the stopped node took to rejoin as secondary.
	rejoined time.Duration
}

// TestChaosFailover runs the order examples on a pg_auto_failover
// formation (a primary and a synchronous secondary) through a
// multi-host connection string, crashes the primary (testkit.Formation.Crash) in
// the middle of the load, and checks that the engines and workers carry
// on against the promoted secondary by themselves, without a restart,
// and that every execution ends as the in-memory runner says, with every
// transition, effect and compensation exactly once.
func TestChaosFailover(t *testing.T) {
	if testkit.PGAutoctl() == "" {
		if os.Getenv("STEPWISE_REQUIRE_FAILOVER") != "" {
			t.Fatal("pg_autoctl is not installed (apt-get install postgresql-15-auto-failover) and STEPWISE_REQUIRE_FAILOVER is set")
		}
		t.Skip("pg_autoctl is not installed (apt-get install postgresql-15-auto-failover); set STEPWISE_REQUIRE_FAILOVER=1 to fail instead")
	}
	sc := failoverSettings(t)
	defaults := os.Getenv("STEPWISE_FAILOVER_DEFAULT_TIMEOUTS") != ""
	formation := testkit.NewFormation(t, &testkit.FormationConfig{DefaultTimeouts: defaults})
	url := formation.URL()
	t.Logf("engines and workers connect to %s", url)
	migrate(t, url)
	r := newChaosRun(t, url)
	for range chaosWorkers {
		r.cluster.startWorker()
	}
	for range failoverEngines {
		r.cluster.startEngine()
	}
	pids := r.cluster.pids()
	loaded := make(chan struct{})
	go func() { r.load.start(0, sc.executions); close(loaded) }()

	var done []failover
	for k := range sc.failovers {
		// Each failover lands while executions start and run.
		for len(r.load.all()) < (k+1)*sc.executions/(sc.failovers+1) && !t.Failed() {
			time.Sleep(50 * time.Millisecond)
		}
		f := failOver(t, formation, r.pool, sc.fault)
		done = append(done, f)
		t.Logf("failover %d: %s stopped (%s); %s promoted after %s, writable after %s; %s rejoined as secondary %s after the stop",
			k+1, f.from, sc.fault, f.to, ms(f.promoted), ms(f.writable), f.from, ms(f.rejoined))
	}
	<-loaded
	t.Logf("all %d executions started after %s; the same %d engines finishing", sc.executions, time.Since(r.began).Round(time.Second), failoverEngines)
	alive := r.cluster.alive(pids)
	r.checks.check(checkFailover, len(alive) == len(pids), "processes %v started, %v still running", pids, alive)
	elapsed := r.finish(sc.settle)
	timeouts := "fast"
	if defaults {
		timeouts = "default"
	}
	fmt.Printf("chaos failover: %d executions (%d saga, %d order processing) in %s on %d engines and %d workers, %d failovers (%s, %s timeouts)\n",
		len(r.load.execs), (len(r.load.execs)+1)/2, len(r.load.execs)/2, elapsed.Round(time.Second), failoverEngines, chaosWorkers, len(done), sc.fault, timeouts)
	for i := range done {
		f := &done[i]
		f.transitions(t, r.pool)
		fmt.Printf("  failover %d, %s to %s: promoted %s after the stop, writable %s, first transition %s; none for %s from %s; old primary rejoined %s\n",
			i+1, f.from, f.to, ms(f.promoted), ms(f.writable), ms(f.transition), ms(f.gap), ms(f.gapFrom), ms(f.rejoined))
	}
	r.report()
}

// failoverSettings reads the scale from the environment.
func failoverSettings(t *testing.T) failoverScale {
	name := os.Getenv("STEPWISE_CHAOS_SCALE")
	if name == "" {
		name = "short"
	}
	sc, ok := failoverScales[name]
	require.True(t, ok, "STEPWISE_CHAOS_SCALE must be short or full, not %q", name)
	sc.fault = os.Getenv("STEPWISE_FAILOVER_FAULT")
	if sc.fault == "" {
		sc.fault = "crash"
	}
	require.Contains(t, []string{"crash", "freeze"}, sc.fault, "STEPWISE_FAILOVER_FAULT")
	t.Logf("scale %s: %d executions, %d failovers (%s)", name, sc.executions, sc.failovers, sc.fault)
	return sc
}

// migrate applies the migrations to the database at url.
func migrate(t *testing.T, url string) {
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	defer pool.Close()
	_, err = migrations.Up(context.Background(), pool)
	require.NoError(t, err)
}

// failOver crashes the primary, measures how long until the secondary is
// promoted, the database takes writes again and the engines commit a
// transition, then starts the old primary again and waits until it
// has rejoined as the synchronous secondary.
func failOver(t *testing.T, formation *testkit.Formation, pool *pgxpool.Pool, fault string) failover {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var f failover
	var err error
	f.from, err = formation.Primary(ctx)
	require.NoError(t, err)
	f.to = formation.Other(f.from)
	_, err = pool.Exec(ctx, "CREATE TABLE IF NOT EXISTS failover_probe (at timestamptz)")
	require.NoError(t, err)
	stopped := time.Now()
	if fault == "freeze" {
		require.NoError(t, formation.Freeze(f.from))
	} else {
		require.NoError(t, formation.Crash(f.from))
	}
	// Nothing commits on the old primary from here on: a transition
	// written later was committed on the new one.
	down := time.Now()
	writable := make(chan time.Duration, 1)
	go func() { writable <- writeAgain(ctx, pool, stopped) }()
	require.NoError(t, formation.WaitStates(ctx, map[string]string{f.to: "wait_primary"}))
	f.promoted = time.Since(stopped)
	f.writable = <-writable
	_, ok := finishing(pool, 10, time.Minute)
	require.True(t, ok, "no 10 executions finished within a minute of the promotion")
	f.stopped, f.down = stopped, down
	require.NoError(t, formation.Rejoin(ctx, f.from))
	f.rejoined = time.Since(stopped)
	return f
}

// writeAgain writes through pool until a write succeeds, and returns when
// that was, from since.
func writeAgain(ctx context.Context, pool *pgxpool.Pool, since time.Time) time.Duration {
	for ctx.Err() == nil {
		attempt, cancel := context.WithTimeout(ctx, time.Second)
		_, err := pool.Exec(attempt, "INSERT INTO failover_probe VALUES (now())")
		cancel()
		if err == nil {
			return time.Since(since)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(since)
}

// transitions reads, once the run is over, when the first transition
// written after the fault was, and the longest time without a transition
// (an event written) from 10 s before the fault to a minute after it,
// and when that began; all from the fault.
func (f *failover) transitions(t *testing.T, pool *pgxpool.Pool) {
	var at, from time.Time
	err := pool.QueryRow(context.Background(), `SELECT min("timestamp") FROM stepwise_events WHERE "timestamp" > $1`, f.down).Scan(&at)
	require.NoError(t, err)
	err = pool.QueryRow(context.Background(), `
		SELECT previous, at - previous FROM (
		    SELECT "timestamp" AS at, lag("timestamp") OVER (ORDER BY "timestamp") AS previous
		    FROM stepwise_events
		    WHERE "timestamp" BETWEEN $1::timestamptz - interval '10 seconds' AND $1::timestamptz + interval '1 minute') AS e
		WHERE previous IS NOT NULL ORDER BY at - previous DESC LIMIT 1`, f.stopped).Scan(&from, &f.gap)
	require.NoError(t, err)
	f.transition, f.gapFrom = at.Sub(f.stopped), from.Sub(f.stopped)
}

// ms rounds d to milliseconds for a report.
func ms(d time.Duration) string { return d.Round(time.Millisecond).String() }
