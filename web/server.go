package web

import (
	"context"
	"crypto/tls"
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
	"github.com/stepwise-run/stepwise/web/internal/apierror"
	"github.com/stepwise-run/stepwise/web/internal/auth"
	"github.com/stepwise-run/stepwise/web/rest"
	"github.com/stepwise-run/stepwise/web/sfn"
	"github.com/stepwise-run/stepwise/web/viewer"
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
	// TLS, when set, makes Run serve HTTPS (HTTP/2 and HTTP/1.1) with this
	// configuration; Certificate.TLSConfig gives one that follows the
	// certificate's reloads. Nil serves plain HTTP.
	TLS *tls.Config
	// CORSOrigins lists the origins (scheme://host[:port], or "*" for
	// every one; see ParseCORSOrigins) of browser pages on other sites
	// that may call the REST API under /v1 and the AWS protocol endpoint:
	// their preflight OPTIONS requests are answered and their answers
	// carry CORS headers. Empty turns CORS off.
	CORSOrigins []string
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

// Server is Stepwise's HTTP server: the REST API and the viewer's
// endpoints under /v1, the viewer's pages, the AWS JSON protocol, health
// checks and Prometheus metrics.
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
	s.echo.HTTPErrorHandler = apierror.Handler(c.Logger)
	s.routes()
	s.known = map[string]bool{}
	for _, r := range s.echo.Routes() {
		s.known[r.Path] = true
	}
	return s
}

// routes wires every endpoint: health, metrics (behind Config.Authorize),
// the REST API and the viewer under /v1 (behind the body limit and
// Config.Authorize), the viewer's pages under /ui/ and the AWS JSON
// protocol on POST / (behind Config.Authorize too). Every GET route
// answers HEAD, and CORS, when configured, comes before authorization.
func (s *Server) routes() {
	e := s.echo
	e.Use(s.observe)
	if len(s.cfg.CORSOrigins) > 0 {
		e.Use(cors(s.cfg.CORSOrigins))
	}
	e.Use(middleware.RequestID())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			return fmt.Errorf("panic: %w\n%s", err, stack) // logged with the stack by the error handler
		}}))

	authorize := auth.REST(s.cfg.Authorize)
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", echo.WrapHandler(s.metrics.handler()), authorize)

	v1 := e.Group("/v1")
	mw := []echo.MiddlewareFunc{rest.LimitBody(s.cfg.BodyLimit), authorize}
	rest.Register(v1, s.e, rest.Config{SyncWait: s.cfg.SyncWait, MaxSyncWait: s.cfg.MaxSyncWait,
		Started: func(machine string) { s.metrics.started.WithLabelValues(machine).Inc() }}, mw...)
	viewer.Register(e, v1, s.e, s.cfg.Authorize, s.log, mw...)
	sfn.Register(e, s.e, s.cfg.Authorize)
	answerHead(e)
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

// Run serves HTTP (HTTPS with Config.TLS) until ctx ends, then stops
// accepting connections and lets requests in flight finish for up to
// Config.ShutdownTimeout. It returns nil after a clean shutdown.
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
	serve := func() error { return srv.Serve(s.ln) }
	if s.cfg.TLS != nil {
		srv.TLSConfig = s.cfg.TLS.Clone()
		serve = func() error { return srv.ServeTLS(s.ln, "", "") }
	}
	served := make(chan error, 1)
	go func() { served <- serve() }()
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
