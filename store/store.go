// Package store keeps Stepwise's durable state in PostgreSQL through pgx:
// state machines and their versions, executions, runs (the top-level run
// of an execution and its Parallel/Map child runs), history events and the
// registry of worker functions. Every statement lives in queries/*.sql;
// every function takes a Querier, so the engine can run it inside the
// transaction that also inserts and completes River jobs.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrNotFound is returned when a row looked up does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a unique name is already taken.
var ErrConflict = errors.New("already exists")

// Querier is what every store function runs on: a pool, a connection or a
// transaction.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

//go:embed queries/*.sql
var queryFiles embed.FS

// queries maps each "-- name: X" block of queries/*.sql to its statement.
var queries = loadQueries()

func loadQueries() map[string]string {
	out := map[string]string{}
	files, err := fs.Glob(queryFiles, "queries/*.sql")
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		data, err := fs.ReadFile(queryFiles, f)
		if err != nil {
			panic(err)
		}
		for _, block := range strings.Split(string(data), "-- name: ")[1:] {
			name, body, _ := strings.Cut(block, "\n")
			out[strings.TrimSpace(name)] = strings.TrimSpace(body)
		}
	}
	return out
}

// sql returns the named statement; a missing name is a programming error.
func sql(name string) string {
	q, ok := queries[name]
	if !ok {
		panic(fmt.Sprintf("store: no query named %q", name))
	}
	return q
}

// notFound maps pgx.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// AsConflict maps a unique violation (a name already taken) to ErrConflict.
func AsConflict(err error) error { return conflict(err) }

// conflict maps a unique violation to ErrConflict.
func conflict(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%w: %s", ErrConflict, pgErr.Detail)
	}
	return err
}
