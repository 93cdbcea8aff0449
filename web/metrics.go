package web

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/web/rest"
)

// statsTimeout bounds the database queries of one scrape.
const statsTimeout = 5 * time.Second

// metrics are the Prometheus metrics of one server, on a registry of its
// own. The package documentation lists what each one means.
type metrics struct {
	e   *engine.Engine
	log *slog.Logger
	reg *prometheus.Registry

	requests *prometheus.HistogramVec
	started  *prometheus.CounterVec

	executions     *prometheus.Desc
	riverJobs      *prometheus.Desc
	databaseUp     *prometheus.Desc
	scrapeDuration *prometheus.Desc
}

func newMetrics(e *engine.Engine, log *slog.Logger) *metrics {
	m := &metrics{
		e:   e,
		log: log,
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stepwise_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by method, route and status code.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"method", "route", "code"}),
		started: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stepwise_api_executions_started_total",
			Help: "Executions started through this process's REST API, by state machine (an idempotent repeat of a start is not counted).",
		}, []string{"state_machine"}),
		executions: prometheus.NewDesc("stepwise_executions",
			"Executions in the database, by status (read at scrape time); the terminal statuses grow as executions finish.",
			[]string{"status"}, nil),
		riverJobs: prometheus.NewDesc("stepwise_river_jobs",
			"River jobs not yet finished, by queue and state (available, scheduled, retryable, running): the queue depth. "+
				"Queue stepwise drives executions; fn_* queues hold Task jobs per function.",
			[]string{"queue", "state"}, nil),
		databaseUp: prometheus.NewDesc("stepwise_database_up",
			"1 if the database answered this scrape's queries, else 0 (and the database-read metrics are missing).",
			nil, nil),
		scrapeDuration: prometheus.NewDesc("stepwise_database_scrape_duration_seconds",
			"Time the database-read metrics of this scrape took.",
			nil, nil),
	}
	fallbacks := prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "stepwise_jsonata_fallbacks_total",
		Help: "JSONata expressions this process compiled for the reference evaluator (JavaScript) because the native one does not support them; the engine logs each once per machine version.",
	}, func() float64 { return float64(asl.JSONataFallbackCount()) })
	m.reg.MustRegister(m.requests, m.started, m, fallbacks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if o, ok := e.Observer().(*Observer); ok {
		m.reg.MustRegister(o)
	}
	return m
}

// Observer counts what an engine commits as Prometheus metrics, exactly:
// each execution started and finished, each state entered and each Task
// function run, told by the engine after the transaction commits. Give it
// to the engine as engine.Config.Observer; a Server of that engine then
// serves its metrics on /metrics:
//
//	stepwise_engine_executions_started_total{state_machine}          executions this process started
//	stepwise_engine_executions_finished_total{state_machine,status}  executions that ended in this process's transactions
//	stepwise_engine_transitions_total                                states entered (AWS's state transitions)
//	stepwise_engine_task_duration_seconds{function,outcome}          Task functions this process ran, pick-up to committed result;
//	                                                                 outcome is succeeded or failed
//	stepwise_engine_retention_deleted_executions_total               closed executions this process's retention sweeps deleted
//	stepwise_engine_retention_sweep_duration_seconds                 how long this process's last retention sweep took
//	stepwise_engine_retention_sweep_timestamp_seconds                when this process's last retention sweep ended (Unix time)
//
// Each process counts its own work: sum them over processes.
type Observer struct {
	started     *prometheus.CounterVec
	finished    *prometheus.CounterVec
	transitions prometheus.Counter
	tasks       *prometheus.HistogramVec
	deleted     prometheus.Counter
	sweep       prometheus.Gauge
	swept       prometheus.Gauge
}

// NewObserver returns an Observer with every count at zero.
func NewObserver() *Observer {
	return &Observer{
		started: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stepwise_engine_executions_started_total",
			Help: "Executions this process's engine started, by state machine (counted when the start commits; an idempotent repeat of a start is not counted).",
		}, []string{"state_machine"}),
		finished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stepwise_engine_executions_finished_total",
			Help: "Executions that ended in this process's engine, by state machine and status (SUCCEEDED, FAILED, TIMED_OUT, ABORTED), counted when the end commits.",
		}, []string{"state_machine", "status"}),
		transitions: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stepwise_engine_transitions_total",
			Help: "States entered by this process's engine (state transitions), counted when they commit.",
		}),
		tasks: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "stepwise_engine_task_duration_seconds",
			Help:    "Time from this process's worker picking a Task up to its result's commit, by function and outcome (succeeded or failed).",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600},
		}, []string{"function", "outcome"}),
		deleted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stepwise_engine_retention_deleted_executions_total",
			Help: "Closed executions past their retention that this process's engine deleted, with their history (child executions of Map runs included).",
		}),
		sweep: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "stepwise_engine_retention_sweep_duration_seconds",
			Help: "How long the last retention sweep this process's engine ran took.",
		}),
		swept: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "stepwise_engine_retention_sweep_timestamp_seconds",
			Help: "When the last retention sweep this process's engine ran ended, in seconds since the Unix epoch (0: none yet).",
		}),
	}
}

// ExecutionStarted counts an execution started.
func (o *Observer) ExecutionStarted(stateMachine string) {
	o.started.WithLabelValues(stateMachine).Inc()
}

// ExecutionFinished counts an execution that ended with status.
func (o *Observer) ExecutionFinished(stateMachine, status string) {
	o.finished.WithLabelValues(stateMachine, status).Inc()
}

// Transitions counts n states entered.
func (o *Observer) Transitions(n int) { o.transitions.Add(float64(n)) }

// TaskFinished observes a Task function's duration.
func (o *Observer) TaskFinished(function string, d time.Duration, ok bool) {
	outcome := "succeeded"
	if !ok {
		outcome = "failed"
	}
	o.tasks.WithLabelValues(function, outcome).Observe(d.Seconds())
}

// RetentionSwept counts the executions a retention sweep deleted and
// records its duration and end.
func (o *Observer) RetentionSwept(deleted int64, d time.Duration) {
	o.deleted.Add(float64(deleted))
	o.sweep.Set(d.Seconds())
	o.swept.SetToCurrentTime()
}

// collectors are the Observer's metrics.
func (o *Observer) collectors() []prometheus.Collector {
	return []prometheus.Collector{o.started, o.finished, o.transitions, o.tasks, o.deleted, o.sweep, o.swept}
}

// Describe sends the descriptors of the Observer's metrics.
func (o *Observer) Describe(ch chan<- *prometheus.Desc) {
	for _, c := range o.collectors() {
		c.Describe(ch)
	}
}

// Collect sends the Observer's metrics.
func (o *Observer) Collect(ch chan<- prometheus.Metric) {
	for _, c := range o.collectors() {
		c.Collect(ch)
	}
}

// handler serves the registry in Prometheus's text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(m.log.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// Describe sends the descriptors of the database-read metrics.
func (m *metrics) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{m.executions, m.riverJobs, m.databaseUp, m.scrapeDuration} {
		ch <- d
	}
}

// Collect reads the database-read metrics: two cheap queries per scrape
// (counts by status on an index, and River's unfinished jobs).
func (m *metrics) Collect(ch chan<- prometheus.Metric) {
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), statsTimeout)
	defer cancel()
	up := 1.0
	if err := m.collectStats(ctx, ch); err != nil {
		m.log.Warn("metrics: read database statistics", "error", err)
		up = 0
	}
	ch <- prometheus.MustNewConstMetric(m.databaseUp, prometheus.GaugeValue, up)
	ch <- prometheus.MustNewConstMetric(m.scrapeDuration, prometheus.GaugeValue, time.Since(began).Seconds())
}

func (m *metrics) collectStats(ctx context.Context, ch chan<- prometheus.Metric) error {
	st, err := m.e.Stats(ctx)
	if err != nil {
		return err
	}
	for _, status := range rest.Statuses {
		ch <- prometheus.MustNewConstMetric(m.executions, prometheus.GaugeValue, float64(st.ExecutionsByStatus[status]), status)
	}
	for _, q := range st.Queues {
		ch <- prometheus.MustNewConstMetric(m.riverJobs, prometheus.GaugeValue, float64(q.Jobs), q.Queue, q.State)
	}
	return nil
}

// observe is the outermost middleware: it settles every error into a
// response (through the HTTPErrorHandler), then records the request's
// duration and logs it at debug level.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		began := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		took := time.Since(began)
		route := c.Path()
		if !s.known[route] {
			route = "unmatched" // not a route template: keep the label's values few
		}
		status := c.Response().Status
		s.metrics.requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Observe(took.Seconds())
		s.log.Debug("request", "method", c.Request().Method, "path", c.Request().URL.Path, "status", status,
			"duration", took, "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		return nil
	}
}
