// Package testengine starts engines for tests, on databases of the test
// kit (internal/testkit). It is apart from testkit only because the
// engine's own dependencies use testkit in their tests.
package testengine

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
)

// FetchPollInterval is the River poll interval of engines started by New:
// short, so that tests do not wait on polls.
const FetchPollInterval = 50 * time.Millisecond

// Start starts an engine on pool with cfg and stops it when the test ends.
func Start(t testing.TB, pool *pgxpool.Pool, cfg *engine.Config) *engine.Engine {
	t.Helper()
	e, err := engine.New(pool, cfg)
	if err != nil {
		t.Fatalf("engine.New: %v", err)
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatalf("engine.Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.Stop(ctx)
	})
	return e
}

// SecretKey returns the fixed key that engines of New encrypt
// connections with.
func SecretKey() []byte { return bytes.Repeat([]byte{7}, 32) }

// New starts an engine that drives executions, on a fresh database, with
// the functions of reg (nil means none), the observer obs (nil means
// none) and SecretKey.
func New(t testing.TB, reg *activities.Registry, obs engine.Observer) *engine.Engine {
	t.Helper()
	if reg == nil {
		reg = activities.NewRegistry()
	}
	return Start(t, testkit.NewPool(t), &engine.Config{Functions: reg, Drive: true, FetchPollInterval: FetchPollInterval, Observer: obs,
		SecretKey: SecretKey()})
}
