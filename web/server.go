package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/stepwise-run/stepwise/engine"
)

// Defaults of Config.
const (
	DefaultListen          = "127.0.0.1:8080"
	DefaultBodyLimit       = 1 << 20
	DefaultSyncWait        = 30 * time.Second
	DefaultMaxSyncWait     = 5 * time.Minute
	DefaultShutdownTimeout = 10 * time.Second
)

// Config holds the server's settings; nil means every default.
type Config struct {
	// Listen is the TCP address Run listens on; default 127.0.0.1:8080.
	Listen string
	// BodyLimit is the largest request body accepted, in bytes; default
	// 1 MiB. Execution inputs and task outputs have their own limit of
	// 256 KiB, which the engine applies.
	BodyLimit int64
	// SyncWait is how long start-sync waits for an execution when the
	// request sets no timeout; default 30 s. MaxSyncWait is the most a
	// request may ask for; default 5 minutes.
	SyncWait    time.Duration
	MaxSyncWait time.Duration
	// ShutdownTimeout is how long Run lets requests in flight finish once
	// its context ends; default 10 s.
	ShutdownTimeout time.Duration
	// Authorize, when set, is asked about every request under /v1, to
	// /metrics and to the AWS protocol endpoint before its handler runs;
	// an error refuses the request with 401 Unauthorized, or 403 Forbidden
	// when it wraps ErrForbidden (on the AWS endpoint: the AWS errors
	// UnrecognizedClientException or MissingAuthenticationTokenException,
	// and AccessDeniedException). Nil lets every request through.
	// Keys.Authorize implements it with API keys.
	Authorize func(*http.Request) error
	// Logger receives request errors (500s with their cause) and, at
	// debug level, one line per request; nil discards them.
	Logger *slog.Logger
}

func withDefaults(cfg *Config) Config {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.BodyLimit <= 0 {
		c.BodyLimit = DefaultBodyLimit
	}
	if c.SyncWait <= 0 {
		c.SyncWait = DefaultSyncWait
	}
	if c.MaxSyncWait <= 0 {
		c.MaxSyncWait = DefaultMaxSyncWait
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Server is Stepwise's HTTP server: the REST API under /v1, health checks
// and Prometheus metrics.
type Server struct {
	e       *engine.Engine
	cfg     Config
	log     *slog.Logger
	echo    *echo.Echo
	metrics *metrics
	// known holds the path of every route, for the metrics' route label.
	known map[string]bool

	mu sync.Mutex
	ln net.Listener
}

// New builds a server on engine e; cfg nil means every default.
func New(e *engine.Engine, cfg *Config) *Server {
	c := withDefaults(cfg)
	s := &Server{e: e, cfg: c, log: c.Logger}
	s.metrics = newMetrics(e, c.Logger)
	s.echo = echo.New()
	s.echo.HideBanner = true
	s.echo.HidePort = true
	s.echo.HTTPErrorHandler = s.handleError
	s.routes()
	s.known = map[string]bool{}
	for _, r := range s.echo.Routes() {
		s.known[r.Path] = true
	}
	return s
}

// routes wires every endpoint: health, metrics (behind
// Config.Authorize), the REST API under /v1 (behind the body limit and
// Config.Authorize) and the AWS JSON protocol on POST / (behind
// Config.Authorize too).
func (s *Server) routes() {
	e := s.echo
	e.Use(s.observe)
	e.Use(middleware.RequestID())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			return fmt.Errorf("panic: %w\n%s", err, stack) // logged with the stack by handleError
		}}))

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(s.metrics.handler()), s.authorize)

	// The body limit and Config.Authorize go on each route, not on the
	// group: echo routes every unmatched /v1 path to a group with
	// middleware as 404, which would hide 405 Method Not Allowed.
	v1 := e.Group("/v1")
	mw := []echo.MiddlewareFunc{s.limitBody, s.authorize}
	v1.POST("/state-machines", s.createStateMachine, mw...)
	v1.GET("/state-machines", s.listStateMachines, mw...)
	v1.POST("/state-machines/validate", s.validateDefinition, mw...)
	v1.GET("/state-machines/:name", s.describeStateMachine, mw...)
	v1.PUT("/state-machines/:name", s.updateStateMachine, mw...)
	v1.DELETE("/state-machines/:name", s.deleteStateMachine, mw...)
	v1.POST("/state-machines/:name/executions", s.startExecution, mw...)
	v1.POST("/state-machines/:name/start-sync", s.startSyncExecution, mw...)

	v1.GET("/executions", s.listExecutions, mw...)
	v1.GET("/executions/:arn", s.describeExecution, mw...)
	v1.GET("/executions/:arn/history", s.executionHistory, mw...)
	v1.POST("/executions/:arn/stop", s.stopExecution, mw...)
	v1.POST("/executions/:arn/redrive", s.redriveExecution, mw...)

	v1.POST("/activities", s.createActivity, mw...)
	v1.GET("/activities", s.listActivities, mw...)
	v1.GET("/activities/:name", s.describeActivity, mw...)
	v1.DELETE("/activities/:name", s.deleteActivity, mw...)
	v1.POST("/activities/:name/poll", s.pollActivity, mw...)
	v1.POST("/tasks/success", s.sendTaskSuccess, mw...)
	v1.POST("/tasks/failure", s.sendTaskFailure, mw...)
	v1.POST("/tasks/heartbeat", s.sendTaskHeartbeat, mw...)
	s.registerViewer(e, v1, mw)

	registerAWS(e, &awsAPI{eng: s.e, authorize: s.cfg.Authorize, syncTimeout: awsSyncTimeout})
}

// Handler returns the server's HTTP handler, for tests and for mounting
// under another server.
func (s *Server) Handler() http.Handler { return s.echo }

// Listen opens the listening socket at Config.Listen and returns its
// address, so a caller learns at once whether the address is free (and
// which port ":0" chose). Run calls it when it has not been called.
func (s *Server) Listen() (net.Addr, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return s.ln.Addr(), nil
	}
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("http: %w", err)
	}
	s.ln = ln
	return ln.Addr(), nil
}

// Run serves HTTP until ctx ends, then stops accepting connections and
// lets requests in flight finish for up to Config.ShutdownTimeout. It
// returns nil after a clean shutdown.
func (s *Server) Run(ctx context.Context) error {
	if _, err := s.Listen(); err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      s.cfg.MaxSyncWait + time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(s.ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("http: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("http: %w", serveErr)
	}
	return err
}
