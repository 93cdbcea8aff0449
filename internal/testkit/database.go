package testkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/migrations"
)

// DefaultURL is the server tests use unless STEPWISE_TEST_DATABASE_URL says
// otherwise.
const DefaultURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

var template struct {
	once sync.Once
	name string
	err  error
}

// ServerURL returns the admin connection string of the test server.
func ServerURL() string {
	if u := os.Getenv("STEPWISE_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultURL
}

// URLFor returns the server URL pointing at database name.
func URLFor(name string) string {
	u, err := url.Parse(ServerURL())
	if err != nil {
		panic(err)
	}
	u.Path = "/" + name
	return u.String()
}

// NewDatabase creates a migrated database for the test, drops it when the
// test ends, and returns its connection string.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	tmpl := migratedTemplate(t)
	name := "stepwise_test_" + randomSuffix()
	admin := connect(t, ServerURL())
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{tmpl}.Sanitize()); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() { dropDatabase(name) })
	return URLFor(name)
}

// NewPool is NewDatabase with a pool on it, closed when the test ends.
//
// The pool is kept small and closes idle connections within a second: a
// package runs many tests at once, parallel parents hold their pools while
// their subtests run, and two packages share the server's max_connections
// (100 by default).
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = 4
	cfg.MaxConnIdleTime = time.Second
	cfg.HealthCheckPeriod = 250 * time.Millisecond
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func migratedTemplate(t testing.TB) string {
	template.once.Do(func() {
		template.name, template.err = createTemplate()
	})
	if template.err != nil {
		t.Fatalf("test database template: %v", template.err)
	}
	return template.name
}

func createTemplate() (string, error) {
	ctx := context.Background()
	name := "stepwise_tmpl_" + randomSuffix()
	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return "", err
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", err
	}
	pool, err := pgxpool.New(ctx, URLFor(name))
	if err != nil {
		return "", err
	}
	_, err = migrations.Up(ctx, pool)
	pool.Close()
	return name, err
}

// DropTemplate removes the template database this binary created; call it
// from TestMain after m.Run.
func DropTemplate() {
	if template.name != "" {
		dropDatabase(template.name)
	}
}

func dropDatabase(name string) {
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, ServerURL())
	if err != nil {
		return
	}
	defer admin.Close(ctx)
	_, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

func connect(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatalf("connect to test PostgreSQL (%s): %v", dsn, err)
	}
	return conn
}

func randomSuffix() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("random: %v", err))
	}
	return hex.EncodeToString(b)
}

// Main runs a package's tests and then drops the template database the
// binary created: call it as TestMain's body.
func Main(m *testing.M) {
	code := m.Run()
	DropTemplate()
	os.Exit(code)
}
