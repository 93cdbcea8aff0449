package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/internal/itemio"
	"github.com/stepwise-run/stepwise/internal/logsink"
	"github.com/stepwise-run/stepwise/internal/mockconfig"
	"github.com/stepwise-run/stepwise/store"
)

// engineQueue is the River queue of the jobs that drive executions.
const engineQueue = "stepwise"

// riverDriver is the River driver the engine uses.
type riverDriver = riverpgxv5.Driver

// Config holds the engine's settings; nil means every default.
type Config struct {
	// Functions are the Go functions this process serves as Task resources;
	// nil serves none (a pure engine or API process).
	Functions *activities.Registry
	// ActivityBindings maps service integrations to activities, so that
	// activity workers in any language serve them through the activity
	// protocol (GetActivityTask, SendTaskSuccess, SendTaskFailure,
	// SendTaskHeartbeat). A key is a name activities.RegisterIntegration
	// takes ("sqs:sendMessage", "glue:startJobRun.sync", "aws-sdk:s3:*";
	// not "http:invoke"), a value an activity name or ARN. A resource goes
	// to the first of its names (activities.Binding.Names, most specific
	// first) that a function is registered under or that is bound here; at
	// the same name a registered function wins. A task bound to an activity
	// that does not exist fails with States.TaskFailed. Only processes that
	// drive executions (Drive) dispatch tasks, and CheckStateMachine
	// reports the bindings of the engine it runs in, so give every process
	// the same bindings. nil binds none; New rejects an invalid binding.
	ActivityBindings map[string]string
	// ObjectStore is the S3-compatible store Distributed Maps read items
	// from (ItemReader) and export results to (ResultWriter); nil fails
	// such a Map with States.Runtime.
	ObjectStore itemio.Store
	// UnboundGrace is how long a task whose resource no worker has ever
	// registered (and no activity binding serves) waits for one to
	// register, checking every second, before it fails with
	// States.Runtime: time to start a worker after a deploy. 0, the
	// default, fails it at once.
	UnboundGrace time.Duration
	// Mocks is Step Functions Local's mock configuration: an execution
	// started with StateMachineArn#TestCase answers the Task states its
	// test case mocks from it. nil serves none, and such starts fail with
	// ErrTestCaseDoesNotExist.
	Mocks *mockconfig.Source
	// WaitTimeScale multiplies the time Wait states and retry intervals
	// take, for test runs, as Step Functions Local's WAIT_TIME_SCALE does:
	// 0 ends them at once, 0.01 makes a minute 0.6 s. Only the timers
	// change: the definition and the events written are those of a real
	// run. nil means 1 (real time); New rejects a negative scale.
	WaitTimeScale *float64
	// Drive makes this process work the jobs that drive executions (serve,
	// dev); a worker-only process leaves it false. Default false.
	Drive bool
	// DriveWorkers is how many driving jobs run at once; default 50.
	DriveWorkers int
	// TaskWorkers is how many tasks of each function run at once; default 50.
	TaskWorkers int
	// Region and Account appear in ARNs; defaults us-east-1 and 000000000000.
	Region  string
	Account string
	// FetchCooldown and FetchPollInterval tune River's fetching; defaults
	// 2 ms and 100 ms.
	FetchCooldown     time.Duration
	FetchPollInterval time.Duration
	// RescueStuckJobsAfter is how long a job may stay running before River
	// hands it to another process (after a crash); default 1 minute.
	RescueStuckJobsAfter time.Duration
	// TaskJobTimeout is how long a worker's attempt at a Task that sets no
	// TimeoutSeconds may run before it is abandoned (its context ends, and
	// after a crash River hands the task to another worker); default 10
	// minutes. A Task with TimeoutSeconds runs for that long instead.
	TaskJobTimeout time.Duration
	// ExpressTimeout is how long an EXPRESS execution may run before it
	// ends TIMED_OUT; default 5 minutes, AWS's limit.
	ExpressTimeout time.Duration
	// ExpressStartLease is how long the lease of an asynchronous EXPRESS
	// start lasts: the engine running it renews it a third as often, and
	// once it runs out (the engine died) another engine runs the
	// execution again. Default 15 seconds.
	ExpressStartLease time.Duration
	// DisableLocalTasks leaves every Task to River's fetch. By default a
	// Task of a function this process serves runs right here as soon as
	// the transaction that dispatched it commits, under a lease written
	// in that transaction; if this process dies, the lease runs out and
	// any engine hands the task to River, for any worker.
	DisableLocalTasks bool
	// LocalTaskLease is how long a local task's lease lasts; the process
	// renews it while the task runs, and every engine looks for leases
	// that ran out a third as often. Default 15 seconds.
	LocalTaskLease time.Duration
	// DatabaseTimeout bounds the database work the engine does on its
	// own, not for a job or a caller: a commit of task results, of
	// starts or of EXPRESS records, a renewal, takeover or release of
	// task leases. When it runs out the work is abandoned and its
	// connection closed, and the work is done again as after a crash (a
	// start fails and is retried by its caller, a lease runs out). A
	// server that stops answering without closing connections (a frozen
	// or vanished primary) would otherwise hold them until TCP gives up.
	// Default 10 seconds.
	DatabaseTimeout time.Duration
	// Logger receives operational messages; nil discards them.
	Logger *slog.Logger
	// Observer is told what the engine commits (executions started and
	// finished, transitions, task results), for metrics; nil means none.
	Observer Observer
	// LogSink receives the log records of executions whose state machine
	// has a loggingConfiguration level other than OFF (see
	// LoggingConfiguration), after the transaction that wrote their events
	// commits; Stop closes it. nil means none: no records are built, and
	// loggingConfiguration is only stored and described.
	LogSink logsink.Sink
	// LogRetention is how long a LogSink that keeps records (a
	// logsink.Pruner, such as logsink.Postgres) keeps them: a process
	// started with Start deletes older ones every LogRetention/10 (at
	// least every second, at most every hour). 0, the default, keeps them
	// for ever; New rejects a negative retention.
	LogRetention time.Duration
	// RetentionPeriod is how long closed executions are kept before an
	// engine that drives executions deletes them, with their history,
	// runs, variables, task tokens, leases and Map runs (a state
	// machine's own retention, MachineSpec.Retention, overrides it). 0
	// means DefaultRetentionPeriod (90 days, as AWS); negative keeps them
	// for ever.
	RetentionPeriod time.Duration
	// RetentionSweepInterval is how often the engines look for executions
	// past their retention (one engine at a time deletes them, in batches
	// of 500 per transaction); default 1 hour.
	RetentionSweepInterval time.Duration
	// CompletedJobRetention is how long River keeps the jobs it has
	// completed. Stepwise never reads a completed job again (what it did
	// is in the execution's history), so it keeps them only briefly, for
	// River's own tools; default 10 minutes (River's is 24 hours, which
	// at hundreds of executions a second kept gigabytes of them).
	CompletedJobRetention time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RoutingRandom returns the number in [0, 1) that picks which of an
	// alias's versions a start through the alias runs (see
	// StartExecution); it must be safe for concurrent use. nil means a
	// source seeded at random; tests set a seeded one.
	RoutingRandom func() float64
	// MaxPublishedVersions is how many published versions a state machine
	// may have (deleted ones not counted); publishing one more is
	// ErrServiceQuotaExceeded. Default DefaultMaxPublishedVersions (1,000,
	// AWS's quota).
	MaxPublishedVersions int
	// MaxHistoryEvents is how many events an execution's history may hold,
	// AWS's hard quota: an execution whose next event would be number
	// MaxHistoryEvents fails there, unless that event is its end (see
	// history_limit.go). Default DefaultMaxHistoryEvents (25,000); tests
	// lower it.
	MaxHistoryEvents int
	// MaxInflightStarts is how many client requests that start executions
	// or answer tasks (StartExecution, StartSync, StartSyncExpress,
	// SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) may be in
	// progress at once in this engine; one more is refused at once with
	// ErrThrottled (see admission.go). 0, the default, means no limit.
	MaxInflightStarts int
	// MaxCommitLatency refuses those requests with ErrThrottled while the
	// 95th percentile of the engine's commits of the last second took
	// longer; 0, the default, means no limit.
	MaxCommitLatency time.Duration
	// SecretKey is the 32-byte AES-256 key that encrypts the secrets of
	// connections (see CreateConnection). Nil means none: creating a
	// connection fails with ErrNoSecretKey.
	SecretKey []byte
}

// Engine drives executions stored in PostgreSQL. Any number of engines may
// share one database.
type Engine struct {
	pool  *pgxpool.Pool
	river *river.Client[pgx.Tx]
	cfg   Config
	log   *slog.Logger
	// arns names the resources of Config.Region and Config.Account.
	arns     arn.Space
	conns    *Connections
	machines machineCache
	logging  loggingCache
	rand     *lockedRand
	closed   chan struct{}
	// completions commits jobs' work and starts commits new executions,
	// both batched under load.
	completions *batcher[*work]
	starts      *batcher[*start]
	// expressWrites records accepted EXPRESS starts and deletes the
	// records of ended ones, batched together; expressInserts counts the
	// inserts (for tests). owner names this engine in the records'
	// leases.
	expressWrites  *batcher[expressWrite]
	expressInserts atomic.Int64
	expressRuns    expressRuns
	ids            executionIDs
	runIDs         runIDs
	owner          string
	local          *locals
	// waiters wait for executions' ends, watchers for their changes;
	// notifications wakes both across processes.
	waiters       *registry[*store.Execution]
	watchers      *registry[struct{}]
	notifications *notifications
	replies       replyWaiters // EXPRESS tasks waiting for workers elsewhere (express_remote.go)
	admission     *admission   // admission control (admission.go)
}

// New builds an engine on pool; call Start to work jobs.
func New(pool *pgxpool.Pool, cfg *Config) (*Engine, error) {
	c := withDefaults(cfg)
	if c.WaitTimeScale != nil && !(*c.WaitTimeScale >= 0) {
		return nil, fmt.Errorf("engine: WaitTimeScale %v: want a factor of 0 or more", *c.WaitTimeScale)
	}
	if c.LogRetention < 0 {
		return nil, fmt.Errorf("engine: LogRetention %v: want 0 (keep for ever) or more", c.LogRetention)
	}
	bindings, err := checkActivityBindings(c.ActivityBindings)
	if err != nil {
		return nil, err
	}
	c.ActivityBindings = bindings
	e := &Engine{pool: pool, cfg: c, log: c.Logger, arns: arn.Space{Region: c.Region, Account: c.Account},
		rand: newLockedRand(), closed: make(chan struct{}), local: newLocals(),
		waiters: newRegistry[*store.Execution](), watchers: newRegistry[struct{}](),
		admission: newAdmission(c.MaxInflightStarts, c.MaxCommitLatency)}
	e.notifications = newNotifications(map[string]listener{store.EndedChannel: e.waiters, store.ProgressChannel: e.watchers,
		store.ExpressReplyChannel: &e.replies})
	if e.cfg.RoutingRandom == nil {
		e.cfg.RoutingRandom = e.rand.float64
	}
	conns, err := NewConnections(pool, c.SecretKey)
	if err != nil {
		return nil, err
	}
	e.conns = conns
	workers := river.NewWorkers()
	river.AddWorker(workers, &driveWorker{e: e})
	river.AddWorker(workers, &taskWorker{e: e})
	river.AddWorker(workers, &expressTaskWorker{e: e})
	river.AddWorker(workers, &mapExpressWorker{e: e})
	river.AddWorker(workers, &retentionWorker{e: e})
	var periodic []*river.PeriodicJob
	if c.Drive {
		periodic = append(periodic, e.retentionJob())
	}
	client, err := river.NewClient(riverpgxv5.New(pool), &river.Config{
		PeriodicJobs:         periodic,
		Queues:               e.queues(),
		Workers:              workers,
		FetchCooldown:        c.FetchCooldown,
		FetchPollInterval:    c.FetchPollInterval,
		RescueStuckJobsAfter: c.RescueStuckJobsAfter,
		JobTimeout:           min(c.RescueStuckJobsAfter/2, time.Minute),
		Logger:               c.Logger,

		CompletedJobRetentionPeriod: c.CompletedJobRetention,
	})
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	e.river = client
	e.completions = newBatcher(2, e.closed, c.DatabaseTimeout, func(w *work) int64 { return w.execution }, e.commitWork)
	e.starts = newBatcher(2, e.closed, c.DatabaseTimeout, nil, e.commitStarts)
	e.expressWrites = newBatcher(2, e.closed, c.DatabaseTimeout, nil, e.commitExpressWrites)
	e.owner = expressOwner()
	return e, nil
}

func withDefaults(cfg *Config) Config {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	c.DriveWorkers = orInt(c.DriveWorkers, 50)
	c.TaskWorkers = orInt(c.TaskWorkers, 50)
	c.Region = orString(c.Region, "us-east-1")
	c.Account = orString(c.Account, "000000000000")
	c.FetchCooldown = orDuration(c.FetchCooldown, 2*time.Millisecond)
	c.FetchPollInterval = orDuration(c.FetchPollInterval, 100*time.Millisecond)
	c.RescueStuckJobsAfter = orDuration(c.RescueStuckJobsAfter, time.Minute)
	c.CompletedJobRetention = orDuration(c.CompletedJobRetention, 10*time.Minute)
	c.TaskJobTimeout = orDuration(c.TaskJobTimeout, 10*time.Minute)
	c.LocalTaskLease = orDuration(c.LocalTaskLease, 15*time.Second)
	c.DatabaseTimeout = orDuration(c.DatabaseTimeout, 10*time.Second)
	c.ExpressTimeout = orDuration(c.ExpressTimeout, 5*time.Minute)
	c.ExpressStartLease = orDuration(c.ExpressStartLease, 15*time.Second)
	c.RetentionPeriod = orDuration(c.RetentionPeriod, DefaultRetentionPeriod)
	c.RetentionSweepInterval = orDuration(c.RetentionSweepInterval, time.Hour)
	c.MaxPublishedVersions = orInt(c.MaxPublishedVersions, DefaultMaxPublishedVersions)
	c.MaxHistoryEvents = orInt(c.MaxHistoryEvents, DefaultMaxHistoryEvents)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

func orInt(v, d int) int {
	if v == 0 {
		return d
	}
	return v
}

func orString(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func orDuration(v, d time.Duration) time.Duration {
	if v == 0 {
		return d
	}
	return v
}

func (e *Engine) queues() map[string]river.QueueConfig {
	queues := map[string]river.QueueConfig{}
	if e.cfg.Drive {
		queues[engineQueue] = river.QueueConfig{MaxWorkers: e.cfg.DriveWorkers}
	}
	if e.cfg.Functions != nil {
		for _, name := range e.cfg.Functions.Names() {
			queues[queueFor(name)] = river.QueueConfig{MaxWorkers: e.cfg.TaskWorkers}
		}
	}
	if len(queues) == 0 {
		return nil
	}
	return queues
}

// queueFor names the River queue of a function's tasks.
func queueFor(function string) string {
	var b strings.Builder
	b.WriteString("fn")
	sep := true
	for _, r := range strings.ToLower(function) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if sep {
				b.WriteByte('_')
				sep = false
			}
			b.WriteRune(r)
			continue
		}
		sep = true
	}
	q := b.String()
	if len(q) > 120 {
		q = q[:120]
	}
	return strings.TrimRight(q, "_")
}

// Start registers this process's functions (refreshed every
// FunctionRefresh while it runs) and starts working jobs. It
// returns at once; Stop ends the work.
func (e *Engine) Start(ctx context.Context) error {
	if err := e.registerFunctions(ctx); err != nil {
		return fmt.Errorf("register functions: %w", err)
	}
	e.startLogRetention()
	go e.keepExpressStarts()
	if e.queues() == nil {
		return nil
	}
	go e.keepLeases()
	go e.sweepLeases()
	if e.cfg.Functions != nil {
		go e.keepFunctions()
	}
	return e.river.Start(ctx)
}

// Stop stops working jobs, waiting for running ones up to ctx's deadline,
// then cancelling them.
func (e *Engine) Stop(ctx context.Context) error {
	defer e.closeOnce()
	defer e.closeLogSink(ctx)
	e.stopExpress(ctx)
	if e.queues() == nil {
		return nil
	}
	e.stopLocal(ctx)
	err := e.river.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return e.river.StopAndCancel(context.Background())
	}
	return err
}

// closeOnce ends the batchers and timers once the jobs have stopped.
func (e *Engine) closeOnce() {
	select {
	case <-e.closed:
	default:
		close(e.closed)
	}
}

// Pool returns the engine's database pool.
func (e *Engine) Pool() *pgxpool.Pool { return e.pool }

// now is the engine clock, truncated to microseconds as PostgreSQL stores.
func (e *Engine) now() time.Time { return e.cfg.Now().UTC().Truncate(time.Microsecond) }
