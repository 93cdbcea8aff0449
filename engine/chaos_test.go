//go:build chaos

package engine_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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

// The fault-injection suite: go test -tags chaos -p 1 -run Chaos ./engine/
// (TestChaos here; TestChaosFailover, in chaos_failover_test.go, fails
// over a replicated PostgreSQL of its own and has its own settings).
//
// Environment:
//
//	STEPWISE_CHAOS_SCALE        short (default: a few hundred executions,
//	                            a few kills, one PostgreSQL restart) or full
//	                            (2,000 executions, 20 engine kills, 20
//	                            worker kills, two restarts)
//	STEPWISE_CHAOS_PG_RESTARTS  how many times to restart PostgreSQL,
//	                            overriding the scale; 0 disables restarts
//	STEPWISE_CHAOS_PG_RESTART   the shell command that restarts the server;
//	                            default pg_ctlcluster --skip-systemctl-redirect
//	                            VERSION main restart (the local cluster), and
//	                            required when STEPWISE_TEST_DATABASE_URL points
//	                            elsewhere
//	STEPWISE_CHAOS_LOGS         a directory to keep the processes' logs in;
//	                            default a temporary one, removed after a pass
//
// Restarting PostgreSQL breaks every other test using the server at the
// time: run the suite alone.

// chaosScale sizes a run.
type chaosScale struct {
	executions  int
	engineKills int
	workerKills int
	pgRestarts  int
	// settle is how long executions may take to finish after the faults.
	settle time.Duration
}

var chaosScales = map[string]chaosScale{
	"short": {executions: 300, engineKills: 4, workerKills: 4, pgRestarts: 1, settle: 150 * time.Second},
	"full":  {executions: 2000, engineKills: 20, workerKills: 20, pgRestarts: 2, settle: 8 * time.Minute},
}

func init() {
	childRoles["chaos-engine"] = func(url string) { runChaosChild(url, false) }
	childRoles["chaos-worker"] = func(url string) { runChaosChild(url, true) }
}

// The chaos processes' settings: short leases and rescue times, so that
// the work of a killed process moves on within seconds.
const (
	chaosRescueAfter = 4 * time.Second
	chaosTaskTimeout = 3 * time.Second
	chaosLease       = 2 * time.Second
	chaosWorkers     = 2
)

// runChaosChild runs an engine (driving executions and serving the saga's
// functions locally) or a worker (serving every function, driving
// nothing) until killed, logging warnings to stderr.
func runChaosChild(url string, worker bool) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		panic(err)
	}
	e, err := engine.New(pool, &engine.Config{Functions: chaosChildFunctions(url, worker), Drive: !worker,
		RescueStuckJobsAfter: chaosRescueAfter, TaskJobTimeout: chaosTaskTimeout, LocalTaskLease: chaosLease,
		FetchPollInterval: 50 * time.Millisecond, Logger: log})
	if err != nil {
		panic(err)
	}
	for {
		if err = e.Start(ctx); err == nil {
			break
		}
		log.Warn("start", "error", err) // the server may be restarting
		time.Sleep(200 * time.Millisecond)
	}
	log.Warn("started", "worker", worker, "pid", os.Getpid())
	select {}
}

// chaosSettings reads the scale and the restart command from the
// environment.
func chaosSettings(t *testing.T) (chaosScale, string) {
	name := os.Getenv("STEPWISE_CHAOS_SCALE")
	if name == "" {
		name = "short"
	}
	sc, ok := chaosScales[name]
	require.True(t, ok, "STEPWISE_CHAOS_SCALE must be short or full, not %q", name)
	if s := os.Getenv("STEPWISE_CHAOS_PG_RESTARTS"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err, "STEPWISE_CHAOS_PG_RESTARTS")
		sc.pgRestarts = n
	}
	restart := os.Getenv("STEPWISE_CHAOS_PG_RESTART")
	if restart == "" && sc.pgRestarts > 0 {
		if os.Getenv("STEPWISE_TEST_DATABASE_URL") != "" {
			t.Log("STEPWISE_TEST_DATABASE_URL is set but STEPWISE_CHAOS_PG_RESTART is not: no PostgreSQL restarts")
			sc.pgRestarts = 0
		} else {
			versions, err := os.ReadDir("/etc/postgresql")
			require.NoError(t, err, "finding the local cluster to restart (set STEPWISE_CHAOS_PG_RESTART)")
			require.NotEmpty(t, versions, "no cluster in /etc/postgresql (set STEPWISE_CHAOS_PG_RESTART)")
			restart = "pg_ctlcluster --skip-systemctl-redirect " + versions[0].Name() + " main restart"
		}
	}
	t.Logf("scale %s: %d executions, %d engine kills, %d worker kills, %d PostgreSQL restarts", name, sc.executions, sc.engineKills, sc.workerKills, sc.pgRestarts)
	return sc, restart
}

// chaosExec is one execution of the run and what it must end with.
type chaosExec struct {
	machine, name, input string
	arn                  string
	id                   int64
	want                 *runner.Result
	calls                []chaosCall
}

// chaosLoad starts executions of the two examples and computes what each
// must do with the in-memory runner.
type chaosLoad struct {
	t        *testing.T
	api      *engine.Engine
	machines map[string]*asl.StateMachine
	mu       sync.Mutex
	execs    []*chaosExec
}

// sagaVariants steer the saga: a first attempt failing with
// ServiceException (retried) and a failing step (compensated).
var sagaVariants = []string{"ok", "flaky", "ReserveInventory", "ProcessPayment", "ConfirmOrder", "flaky-ConfirmOrder"}

// input returns the machine and input of execution i: even ones run the
// saga, odd ones order processing with restock waits, flaky validation,
// invalid orders and declined payments.
func chaosInput(i int) (machine, input string) {
	if i%2 == 0 {
		v := sagaVariants[(i/2)%len(sagaVariants)]
		return "order-saga", fmt.Sprintf(`{"orderId":"c-%d-%s","amount":%d,"items":[{"sku":"kettle","quantity":%d}]}`, i, v, 10+i%90, 1+i%3)
	}
	j := i / 2
	id := fmt.Sprintf("p-%d", i)
	if j%11 == 10 {
		id += "-ProcessPayment"
	}
	return "order-processing", fmt.Sprintf(`{"orderId":%q,"amount":%d,"customer":{"name":"Ada","email":"ada-%d@example.com"},
		"items":[{"sku":"kettle","quantity":1},{"sku":"teapot","quantity":2}],"restockAfter":%d,"flakyValidation":%d,"invalid":%t}`,
		id, 20+j%50, j, j%3, (j/3)%3, j%7 == 6)
}

// start starts executions i to i+n-1, retrying while the server is away
// (for up to two minutes each).
func (l *chaosLoad) start(i, n int) {
	for ; n > 0; i, n = i+1, n-1 {
		machine, input := chaosInput(i)
		x := &chaosExec{machine: machine, name: fmt.Sprintf("x-%d", i), input: input}
		x.want, x.calls = l.expect(x)
		deadline := time.Now().Add(2 * time.Minute) // a failover with default timeouts takes about 50 s
		for {
			exec, _, err := l.api.StartExecution(context.Background(), engine.StartInput{StateMachine: machine, Name: x.name, Input: input})
			if err == nil {
				x.arn, x.id = exec.ARN, exec.ID
				break
			}
			if time.Now().After(deadline) {
				l.t.Errorf("start %s: %v", x.name, err)
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		l.mu.Lock()
		l.execs = append(l.execs, x)
		l.mu.Unlock()
	}
}

// expect runs an execution in memory with the same functions.
func (l *chaosLoad) expect(x *chaosExec) (*runner.Result, []chaosCall) {
	log := &memLog{}
	reg := activities.NewRegistry()
	registerChaos(reg, log, 0, nil)
	attempts := map[string]int{}
	in, err := asl.DecodeJSON([]byte(x.input))
	require.NoError(l.t, err)
	res, err := runner.Run(context.Background(), l.machines[x.machine], in, &runner.Config{ExecutionName: x.name, StateMachineName: x.machine,
		Tasks: func(ctx context.Context, call *asl.TaskCall, token string) (any, error) {
			entry := call.State + "/" + token // one entry into the state; retries share it
			info := activities.TaskInfo{ExecutionARN: x.name, StateName: call.State, Attempt: attempts[entry]}
			attempts[entry]++
			return reg.Invoke(activities.WithTask(ctx, info, nil), call.Resource, call.Input)
		}})
	require.NoError(l.t, err)
	return res, log.calls
}

func (l *chaosLoad) all() []*chaosExec {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]*chaosExec(nil), l.execs...)
}

// chaosCluster runs the engine and worker processes, each logging to its
// own file.
type chaosCluster struct {
	t       *testing.T
	url     string
	logs    string
	mu      sync.Mutex
	engines []*exec.Cmd
	workers []*exec.Cmd
	started int
	// roles names the role of every process started, by pid.
	roles map[int]string
}

func (c *chaosCluster) spawn(role string) *exec.Cmd {
	c.mu.Lock()
	c.started++
	name := filepath.Join(c.logs, fmt.Sprintf("%03d-%s.log", c.started, role))
	c.mu.Unlock()
	f, err := os.Create(name)
	require.NoError(c.t, err)
	cmd := startChild(c.t, c.url, role, f)
	f.Close()
	c.mu.Lock()
	c.roles[cmd.Process.Pid] = strings.TrimPrefix(role, "chaos-")
	c.mu.Unlock()
	return cmd
}

func (c *chaosCluster) startEngine() {
	cmd := c.spawn("chaos-engine")
	c.mu.Lock()
	c.engines = append(c.engines, cmd)
	c.mu.Unlock()
}

func (c *chaosCluster) startWorker() {
	cmd := c.spawn("chaos-worker")
	c.mu.Lock()
	c.workers = append(c.workers, cmd)
	c.mu.Unlock()
}

// pids returns the ids of the processes running now.
func (c *chaosCluster) pids() []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []int
	for _, cmd := range append(c.engines, c.workers...) {
		out = append(out, cmd.Process.Pid)
	}
	return out
}

// alive returns those of pids whose processes still run (neither gone
// nor exited and waiting to be reaped).
func (c *chaosCluster) alive(pids []int) []int {
	var out []int
	for _, pid := range pids {
		if testkit.Command(pid) != "" {
			out = append(out, pid)
		}
	}
	return out
}

// killEngine SIGKILLs engine i.
func (c *chaosCluster) killEngine(i int) {
	c.mu.Lock()
	cmd := c.engines[i]
	c.engines = append(c.engines[:i], c.engines[i+1:]...)
	c.mu.Unlock()
	kill(cmd)
}

// killAll SIGKILLs every process.
func (c *chaosCluster) killAll() {
	c.mu.Lock()
	cmds := append(c.engines, c.workers...)
	c.engines, c.workers = nil, nil
	c.mu.Unlock()
	for _, cmd := range cmds {
		kill(cmd)
	}
}

// killWorkerMidTask waits (up to a few seconds) until a random worker is
// running a task, SIGKILLs it and starts another. It returns how many
// tasks the worker was running.
func (c *chaosCluster) killWorkerMidTask(pool *pgxpool.Pool) int {
	c.mu.Lock()
	i := rand.IntN(len(c.workers))
	cmd := c.workers[i]
	c.mu.Unlock()
	busy := 0
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		err := pool.QueryRow(context.Background(), `SELECT count(*) FROM chaos_invocations WHERE pid = $1 AND finished_at IS NULL`, cmd.Process.Pid).Scan(&busy)
		if err == nil && busy > 0 {
			break
		}
	}
	c.mu.Lock()
	c.workers = append(c.workers[:i], c.workers[i+1:]...)
	c.mu.Unlock()
	kill(cmd)
	c.startWorker()
	return busy
}

// restartPostgres runs the restart command and waits until the server
// answers again.
func restartPostgres(t *testing.T, command string, pool *pgxpool.Pool) time.Duration {
	began := time.Now()
	out, err := exec.Command("sh", "-c", command).CombinedOutput()
	if err != nil {
		t.Errorf("restart PostgreSQL (%s): %v\n%s", command, err, out)
	}
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if _, err := pool.Exec(context.Background(), "SELECT 1"); err == nil {
			break
		}
	}
	return time.Since(began)
}

// chaosTotals counts the faults injected.
type chaosTotals struct {
	mu             sync.Mutex
	engineKills    int
	workerKills    int
	busyAtKill     int
	pgRestarts     int
	maxEnginesOnce int
}

func (c *chaosTotals) add(f func(*chaosTotals)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(c)
}

// chaosRun is one run of the suite: the test's own engine (it starts
// executions and reads them, driving nothing), the load, the engine and
// worker processes, and the checks.
type chaosRun struct {
	t       *testing.T
	began   time.Time
	pool    *pgxpool.Pool
	api     *engine.Engine
	load    *chaosLoad
	checks  *chaosChecks
	cluster *chaosCluster
	logs    string
}

// newChaosRun prepares a run on the migrated database at url: the
// functions' log, the two examples, and no process started yet. The
// processes are killed when the test ends.
func newChaosRun(t *testing.T, url string) *chaosRun {
	ctx := context.Background()
	r := &chaosRun{t: t, began: time.Now()}
	var err error
	r.pool, err = pgxpool.New(ctx, url)
	require.NoError(t, err)
	t.Cleanup(r.pool.Close)
	_, err = r.pool.Exec(ctx, chaosSchema)
	require.NoError(t, err)
	r.api, err = engine.New(r.pool, nil)
	require.NoError(t, err)
	r.load = &chaosLoad{t: t, api: r.api, machines: map[string]*asl.StateMachine{}}
	for _, name := range []string{"order-saga", "order-processing"} {
		def := testkit.Example(t, name)
		_, _, err = r.api.CreateStateMachine(ctx, name, engine.MachineSpec{Definition: def})
		require.NoError(t, err)
		r.load.machines[name], err = asl.Parse([]byte(def))
		require.NoError(t, err)
	}
	for name := range chaosBodies {
		require.NoError(t, store.RegisterFunction(ctx, r.pool, name), "workers have run before")
	}
	r.checks = &chaosChecks{t: t, api: r.api, pool: r.pool, counts: map[string]*[2]int{}}
	r.logs = os.Getenv("STEPWISE_CHAOS_LOGS")
	if r.logs == "" {
		r.logs, err = os.MkdirTemp("", "stepwise-chaos-")
	} else {
		err = os.MkdirAll(r.logs, 0o755)
	}
	require.NoError(t, err)
	r.cluster = &chaosCluster{t: t, url: url, logs: r.logs, roles: map[int]string{}}
	t.Cleanup(r.cluster.killAll)
	return r
}

// finish waits up to settle for every execution to end, kills the
// processes, checks every execution, and returns how long the run took.
func (r *chaosRun) finish(settle time.Duration) time.Duration {
	waitChaos(r.t, r.api, r.pool, settle)
	elapsed := time.Since(r.began)
	r.cluster.killAll()
	r.checks.roles = r.cluster.roles
	r.checks.run(r.load)
	return elapsed
}

// report prints the checks' counts, failing the test if one failed, and
// removes the processes' logs after a pass.
func (r *chaosRun) report() {
	r.checks.report()
	if r.t.Failed() || os.Getenv("STEPWISE_CHAOS_LOGS") != "" {
		r.t.Logf("process logs kept in %s", r.logs)
	} else {
		_ = os.RemoveAll(r.logs)
	}
}

// TestChaos runs the order examples while it SIGKILLs the engine and the
// workers and restarts PostgreSQL, then lets three engines finish the
// work, and checks every execution against the in-memory runner and
// every task call against the function log.
func TestChaos(t *testing.T) {
	sc, restartCommand := chaosSettings(t)
	r := newChaosRun(t, testkit.NewDatabase(t))
	load, checks, cluster, pool := r.load, r.checks, r.cluster, r.pool
	totals := &chaosTotals{maxEnginesOnce: 1}
	for range chaosWorkers {
		cluster.startWorker()
	}

	// Worker kills, spread over the run, each landing while the worker
	// runs a task.
	rounds := sc.engineKills - 1
	workerKillsDone := make(chan struct{})
	go func() {
		defer close(workerKillsDone)
		gap := time.Duration(rounds) * 1750 * time.Millisecond / time.Duration(max(sc.workerKills, 1))
		for range sc.workerKills {
			time.Sleep(gap/2 + rand.N(gap))
			busy := cluster.killWorkerMidTask(pool)
			totals.add(func(c *chaosTotals) { c.workerKills++; c.busyAtKill += busy })
		}
	}()

	// Phase one: one engine, killed at random moments and restarted, while
	// executions start; PostgreSQL restarts in the middle.
	perRound := sc.executions / (rounds + 1)
	restartAt := map[int]bool{}
	for k := range sc.pgRestarts {
		restartAt[(k+1)*rounds/(sc.pgRestarts+1)] = true
	}
	cluster.startEngine()
	for round := range rounds {
		loaded := make(chan struct{})
		go func() { load.start(round*perRound, perRound); close(loaded) }()
		if restartAt[round] {
			// The engine and the workers must ride the restart out.
			time.Sleep(200*time.Millisecond + rand.N(600*time.Millisecond))
			took := restartPostgres(t, restartCommand, pool)
			totals.add(func(c *chaosTotals) { c.pgRestarts++ })
			pid := cluster.engines[0].Process.Pid
			progress, ok := finishing(pool, 10, 30*time.Second)
			checks.check(checkRideOut, ok && cluster.engines[0].Process.Pid == pid,
				"the engine (pid %d) finished no 10 executions within 30 s of the restart", pid)
			t.Logf("PostgreSQL restarted (answering again after %s); the same engine finished 10 more executions %s later",
				took.Round(time.Millisecond), progress.Round(time.Millisecond))
		}
		time.Sleep(500*time.Millisecond + rand.N(2500*time.Millisecond))
		cluster.killEngine(0)
		totals.add(func(c *chaosTotals) { c.engineKills++ })
		<-loaded
		cluster.startEngine()
		t.Logf("engine kill %d: %d executions started, %d running", round+1, len(load.all()), runningCount(pool))
	}

	// Phase two: three engines at once share the rest, and one of them is
	// killed and replaced.
	for len(cluster.engines) < 3 {
		cluster.startEngine()
	}
	totals.add(func(c *chaosTotals) { c.maxEnginesOnce = 3 })
	first := rounds * perRound
	go load.start(first, sc.executions-first)
	time.Sleep(500*time.Millisecond + rand.N(1500*time.Millisecond))
	if sc.engineKills > 0 {
		cluster.killEngine(rand.IntN(3))
		totals.add(func(c *chaosTotals) { c.engineKills++ })
		cluster.startEngine()
	}
	<-workerKillsDone
	for len(load.all()) < sc.executions && !t.Failed() {
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("all %d executions started after %s; three engines finishing", sc.executions, time.Since(r.began).Round(time.Second))
	elapsed := r.finish(sc.settle)
	fmt.Printf("chaos: %d executions (%d saga, %d order processing) in %s; %d engine kills, %d worker kills (%d tasks running at the kills), %d PostgreSQL restarts, up to %d engines at once\n",
		len(load.execs), (len(load.execs)+1)/2, len(load.execs)/2, elapsed.Round(time.Second),
		totals.engineKills, totals.workerKills, totals.busyAtKill, totals.pgRestarts, totals.maxEnginesOnce)
	r.report()
}

// runningCount is how many executions are running, or -1 when the
// server does not answer.
func runningCount(pool *pgxpool.Pool) int {
	n := -1
	_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM stepwise_executions WHERE status = 'RUNNING'`).Scan(&n)
	return n
}

// finishing waits until n more executions have finished, and says how
// long that took.
func finishing(pool *pgxpool.Pool, n int, limit time.Duration) (time.Duration, bool) {
	began := time.Now()
	count := func() int {
		done := -1
		_ = pool.QueryRow(context.Background(), `SELECT count(*) FROM stepwise_executions WHERE status <> 'RUNNING'`).Scan(&done)
		return done
	}
	before := -1
	for time.Since(began) < limit {
		if before < 0 {
			before = count() // the first tries may meet connections the restart broke
		} else if count() >= before+n {
			return time.Since(began), true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return limit, false
}

// waitChaos waits until no execution runs, logging progress.
func waitChaos(t *testing.T, api *engine.Engine, pool *pgxpool.Pool, limit time.Duration) {
	deadline := time.Now().Add(limit)
	last := time.Now()
	for {
		n := runningCount(pool)
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			rows, err := pool.Query(context.Background(), `SELECT id FROM stepwise_executions WHERE status = 'RUNNING' ORDER BY id LIMIT 3`)
			require.NoError(t, err)
			var ids []int64
			for rows.Next() {
				var id int64
				require.NoError(t, rows.Scan(&id))
				ids = append(ids, id)
			}
			for _, id := range ids {
				dumpJobs(t, api, id)
			}
			t.Fatalf("%d executions still RUNNING after %s", n, limit)
		}
		if time.Since(last) > 10*time.Second {
			t.Logf("%d executions running", n)
			last = time.Now()
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// keyEntered reads the entered event id and attempt from an idempotency
// key (execution ARN:state:entered event id:attempt).
func keyEntered(key, arn, state string) (entered int64, attempt int, ok bool) {
	rest, found := strings.CutPrefix(key, arn+":"+state+":")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(rest, ":")
	if !found {
		return 0, 0, false
	}
	entered, err1 := strconv.ParseInt(a, 10, 64)
	attempt, err2 := strconv.Atoi(b)
	return entered, attempt, err1 == nil && err2 == nil
}
