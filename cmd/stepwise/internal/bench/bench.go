// Package bench runs the workloads of `stepwise bench`: each on a fresh
// database cloned from a migrated template, for a fixed count, reporting
// throughput, latency percentiles, PostgreSQL commits per second and
// engine memory, next to the River baseline measured in the same run.
package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/logsink"
	"github.com/stepwise-run/stepwise/migrations"
	"github.com/stepwise-run/stepwise/store"
)

// Config says where and how much to run; zero fields take defaults.
type Config struct {
	// ServerURL is an admin connection to the PostgreSQL server; the
	// benchmark creates its databases there and drops them at the end.
	ServerURL string
	// Scale multiplies every workload's count; default 1 (the full size).
	Scale float64
	// Count, when set, is every workload's count instead.
	Count int
	// Only, when set, names the workloads to run; when empty, every
	// workload runs but the opt-in ones (OptInWorkloads).
	Only []string
	// PoolSize is the engine's database pool size; default 32.
	PoolSize int32
	// Progress receives a line per workload; nil discards them.
	Progress io.Writer
	// LogSink, when "postgres" or "stdout", gives the engine that log
	// sink (stdout writing to io.Discard), and LogLevel is the level of
	// the machines that runExecutions creates ("" means OFF, with a
	// log group); both measure what execution logs cost. "" means none.
	LogSink  string
	LogLevel string
	// OverloadRate is the start rate, per second, that the overload
	// workload takes as sustainable (it offers three times as much); 0
	// measures it first.
	OverloadRate float64
}

// Result is what one workload measured.
type Result struct {
	Workload  string  `json:"workload"`
	Count     int     `json:"count"`
	Unit      string  `json:"unit"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"perSecond"`
	// P50, P95 and P99 are latencies in milliseconds: of whole executions,
	// or of what Latency names.
	Latency string  `json:"latency,omitempty"`
	P50     float64 `json:"p50Ms"`
	P95     float64 `json:"p95Ms"`
	P99     float64 `json:"p99Ms"`
	// CommitsPerSecond is PostgreSQL's commit rate in the workload's
	// database while it ran.
	CommitsPerSecond float64 `json:"commitsPerSecond"`
	// PGCPUPerUnit is the CPU time, in milliseconds per unit, of the
	// PostgreSQL processes serving the workload's database; 0 when the
	// server is not on this machine (it is read from /proc).
	PGCPUPerUnit float64 `json:"pgCpuMsPerUnit"`
	// PeakHeapMB is the engine process's largest Go heap while it ran.
	PeakHeapMB float64 `json:"peakHeapMB"`
	Note       string  `json:"note,omitempty"`
	// Soak is the soak workload's report over time; nil for the others.
	Soak *SoakReport `json:"soak,omitempty"`
}

// Workloads lists the names of the workloads that run by default, in
// the order they run.
func Workloads() []string { return names(workloads) }

// OptInWorkloads lists the names of the workloads that run only when
// Config.Only names them (soak, 30 minutes at full size), after the
// others.
func OptInWorkloads() []string { return names(optIn) }

func names(ws []workload) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = w.name
	}
	return out
}

type workload struct {
	name  string
	count int
	run   func(ctx context.Context, r *runner, n int) (*Result, error)
}

// runner holds what the workloads share: the server, the template and
// the results so far (for ratios to the baseline).
type runner struct {
	cfg      Config
	template string
	results  map[string]*Result
}

// Run runs the selected workloads and returns their results in order.
func Run(ctx context.Context, cfg Config) ([]*Result, error) {
	if cfg.Scale <= 0 {
		cfg.Scale = 1
	}
	if cfg.PoolSize <= 0 {
		cfg.PoolSize = 32
	}
	if cfg.Progress == nil {
		cfg.Progress = io.Discard
	}
	known := slices.Concat(Workloads(), OptInWorkloads())
	for _, name := range cfg.Only {
		if !slices.Contains(known, name) {
			return nil, fmt.Errorf("unknown workload %q (known: %v)", name, known)
		}
	}
	r := &runner{cfg: cfg, results: map[string]*Result{}}
	if err := r.createTemplate(ctx); err != nil {
		return nil, err
	}
	defer r.drop(r.template)
	var out []*Result
	for _, w := range slices.Concat(workloads, optIn) {
		if !cfg.selects(w) {
			continue
		}
		n := max(1, int(float64(w.count)*cfg.Scale))
		if cfg.Count > 0 {
			n = cfg.Count
		}
		fmt.Fprintf(cfg.Progress, "running %s (%d)...\n", w.name, n)
		res, err := w.run(ctx, r, n)
		if err != nil {
			return out, fmt.Errorf("%s: %w", w.name, err)
		}
		res.Workload = w.name
		r.results[w.name] = res
		out = append(out, res)
	}
	return out, nil
}

// selects reports whether the configuration runs w: every workload but
// the opt-in ones when Only is empty, else those it names.
func (cfg *Config) selects(w workload) bool {
	if len(cfg.Only) == 0 {
		return !slices.ContainsFunc(optIn, func(o workload) bool { return o.name == w.name })
	}
	return slices.Contains(cfg.Only, w.name)
}

// admin connects to the benchmark server: to the database of the URL, or,
// when that database does not exist (a fresh server), to "postgres".
func (r *runner) admin(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, r.cfg.ServerURL)
	if store.Code(err) != store.CodeInvalidCatalog {
		return conn, err
	}
	cfg, perr := pgx.ParseConfig(r.cfg.ServerURL)
	if perr != nil {
		return nil, err
	}
	cfg.Database = "postgres"
	return pgx.ConnectConfig(ctx, cfg)
}

// historySize is how many finished executions every workload's database
// starts with. A database in use holds history; an empty one misleads the
// planner: statements that look rows up by id were planned as sequential
// scans of the nearly empty tables and kept those plans while the tables
// grew, which made the figures vary from run to run by a third.
const historySize = 20000

// createTemplate creates and migrates the database the workloads' own
// databases are cloned from, with a history of finished executions.
func (r *runner) createTemplate(ctx context.Context) error {
	name, err := r.create(ctx, "")
	if err != nil {
		return err
	}
	r.template = name
	pool, err := r.pool(ctx, name)
	if err != nil {
		return err
	}
	defer pool.Close()
	if _, err := migrations.Up(ctx, pool); err != nil {
		return fmt.Errorf("migrate the benchmark database: %w", err)
	}
	if err := seedHistory(ctx, pool, historySize); err != nil {
		return fmt.Errorf("seed the benchmark database: %w", err)
	}
	return analyzeTables(ctx, pool)
}

// create creates a database, from template when set, and returns its name.
func (r *runner) create(ctx context.Context, template string) (string, error) {
	conn, err := r.admin(ctx)
	if err != nil {
		return "", fmt.Errorf("connect to the benchmark server: %w", err)
	}
	defer conn.Close(ctx)
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	name := "stepwise_bench_" + hex.EncodeToString(suffix)
	stmt := "CREATE DATABASE " + pgx.Identifier{name}.Sanitize()
	if template != "" {
		stmt += " TEMPLATE " + pgx.Identifier{template}.Sanitize()
	}
	if _, err := conn.Exec(ctx, stmt); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return name, nil
}

// drop drops a database this benchmark created.
func (r *runner) drop(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := r.admin(ctx)
	if err != nil {
		return
	}
	defer conn.Close(ctx)
	_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

func (r *runner) pool(ctx context.Context, database string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(r.cfg.ServerURL)
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.Database = database
	cfg.MaxConns = r.cfg.PoolSize
	return pgxpool.NewWithConfig(ctx, cfg)
}

// env is one workload's database and engine.
type env struct {
	r       *runner
	db      string
	pool    *pgxpool.Pool
	e       *engine.Engine
	commits int64
	cpu     map[int32]int64
	started time.Time
	heap    *heapWatch
	count   *executionCounter // of the engine's executions
	onClose func()            // run first by close; nil means nothing
}

// logging is the loggingConfiguration of the machines runExecutions
// creates: Config.LogLevel to a log group, nil when no sink is set.
func (r *runner) logging() *engine.LoggingConfiguration {
	if r.cfg.LogSink == "" {
		return nil
	}
	return &engine.LoggingConfiguration{Level: r.cfg.LogLevel, Destinations: []string{"arn:aws:logs:us-east-1:000000000000:log-group:bench:*"}}
}

// executionCounter counts the executions the engine started and finished,
// and those its retention sweeps deleted, as the metrics of `stepwise
// serve` do.
type executionCounter struct {
	started, finished, swept atomic.Int64
}

func (c *executionCounter) ExecutionStarted(string)                  { c.started.Add(1) }
func (c *executionCounter) ExecutionFinished(string, string)         { c.finished.Add(1) }
func (c *executionCounter) Transitions(int)                          {}
func (c *executionCounter) TaskFinished(string, time.Duration, bool) {}
func (c *executionCounter) RetentionSwept(n int64, _ time.Duration)  { c.swept.Add(n) }

// running is how many of the engine's executions are running.
func (c *executionCounter) running() int64 { return c.started.Load() - c.finished.Load() }

// open clones a database for a workload and starts an engine on it that
// serves fns, configured as `stepwise serve` configures it.
// Its history quota is raised: map-10k's inline Map writes 70,000 events
// to one history, which AWS would refuse (see engine.DefaultMaxHistoryEvents).
func (r *runner) open(ctx context.Context, fns *activities.Registry) (*env, error) {
	return r.openWith(ctx, &engine.Config{Functions: fns, MaxHistoryEvents: 1_000_000})
}

// openWith is open with an engine configured as cfg, and driving.
func (r *runner) openWith(ctx context.Context, cfg *engine.Config) (*env, error) {
	v, err := r.openDatabase(ctx)
	if err != nil {
		return nil, err
	}
	v.count = &executionCounter{}
	cfg.Drive, cfg.Observer = true, v.count
	switch r.cfg.LogSink {
	case "postgres":
		cfg.LogSink = logsink.NewPostgres(v.pool, nil)
	case "stdout":
		cfg.LogSink = logsink.NewStdout(io.Discard)
	}
	if v.e, err = engine.New(v.pool, cfg); err != nil {
		v.close()
		return nil, err
	}
	if err := v.e.Start(ctx); err != nil {
		v.close()
		return nil, err
	}
	return v, nil
}

// openDatabase clones a database for a workload, with a pool on it.
func (r *runner) openDatabase(ctx context.Context) (*env, error) {
	db, err := r.create(ctx, r.template)
	if err != nil {
		return nil, err
	}
	v := &env{r: r, db: db}
	if v.pool, err = r.pool(ctx, db); err != nil {
		v.close()
		return nil, err
	}
	return v, nil
}

// begin marks the start of the measured part.
func (v *env) begin(ctx context.Context) error {
	var err error
	if v.commits, err = commitCount(ctx, v.pool); err != nil {
		return err
	}
	if v.cpu, err = backendCPU(ctx, v.pool); err != nil {
		return err
	}
	v.heap = watchHeap()
	v.started = time.Now()
	return err
}

// end fills the result's time, rate, commits and heap figures.
func (v *env) end(ctx context.Context, res *Result) error {
	elapsed := time.Since(v.started)
	res.PeakHeapMB = v.heap.stop()
	res.Seconds = elapsed.Seconds()
	res.PerSecond = float64(res.Count) / elapsed.Seconds()
	commits, err := commitCount(ctx, v.pool)
	if err != nil {
		return err
	}
	res.CommitsPerSecond = float64(commits-v.commits) / elapsed.Seconds()
	cpu, err := backendCPU(ctx, v.pool)
	var ticks int64
	for pid, t := range cpu {
		ticks += t - v.cpu[pid]
	}
	res.PGCPUPerUnit = float64(ticks) * 10 / float64(res.Count)
	return err
}

func (v *env) close() {
	if v.onClose != nil {
		v.onClose()
	}
	if v.e != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = v.e.Stop(ctx)
		cancel()
	}
	if v.pool != nil {
		v.pool.Close()
	}
	v.r.drop(v.db)
}

// heapWatch samples the Go heap until stopped and keeps the peak.
type heapWatch struct {
	stopc chan struct{}
	wg    sync.WaitGroup
	peak  uint64
}

func watchHeap() *heapWatch {
	h := &heapWatch{stopc: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			h.sample()
			select {
			case <-h.stopc:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *heapWatch) sample() {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	h.peak = max(h.peak, m.HeapInuse)
}

// stop ends the sampling and returns the peak in MB.
func (h *heapWatch) stop() float64 {
	close(h.stopc)
	h.wg.Wait()
	return float64(h.peak) / (1 << 20)
}

// heapNow is the live heap after a collection, in MB.
func heapNow() float64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

// setLatency fills P50/P95/P99 from durations.
func setLatency(res *Result, what string, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(p int) float64 {
		return float64(d[min(len(d)-1, len(d)*p/100)].Microseconds()) / 1000
	}
	res.Latency, res.P50, res.P95, res.P99 = what, at(50), at(95), at(99)
}
