package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/web"
)

// inProcess returns a client of the REST API served in this process on
// the database at url, by an engine that does not drive executions: the
// commands start executions and answer tasks, and the serve, dev or
// worker processes run them. key encrypts the connections it creates
// (nil: none; creating one fails). close closes the database pool.
func inProcess(ctx context.Context, url string, key []byte) (c *client, close func(), err error) {
	pool, err := openPool(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	e, err := engine.New(pool, &engine.Config{SecretKey: key})
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	var causes lastError
	h := web.New(e, &web.Config{Logger: slog.New(&causes)}).Handler()
	c = &client{
		base:         "http://stepwise.in-process",
		http:         &http.Client{Transport: handlerTransport{h}},
		cause:        causes.get,
		stillRunning: "; is an engine driving executions (stepwise serve or dev) on this database?",
	}
	return c, pool.Close, nil
}

// handlerTransport answers requests by calling an http.Handler directly,
// recording its response.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.RequestURI = r.URL.RequestURI()
	r.RemoteAddr = "127.0.0.1:0"
	if r.Body == nil {
		r.Body = http.NoBody
	}
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	resp := w.Result()
	resp.Request = req
	return resp, nil
}

// lastError is a log handler that keeps the error of the server's last
// failed request, so that the in-process API's "internal error" answers
// say what went wrong (an unmigrated database, say).
type lastError struct {
	mu  sync.Mutex
	err error
}

func (l *lastError) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelError
}
func (l *lastError) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *lastError) WithGroup(string) slog.Handler      { return l }

func (l *lastError) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if err, ok := a.Value.Any().(error); ok && a.Key == "error" {
			l.mu.Lock()
			l.err = err
			l.mu.Unlock()
		}
		return true
	})
	return nil
}

func (l *lastError) get() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err == nil {
		return errors.New("internal error")
	}
	return l.err
}
