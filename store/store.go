package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stepwise-run/stepwise/store/internal/db"
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

// queries runs the generated statements on q.
func queries(q Querier) *db.Queries { return db.New(q) }

// notFound maps pgx.ErrNoRows to ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return ErrNotFound
	}
	return err
}

// PostgreSQL error codes (SQLSTATE) that Stepwise tells apart: the one
// list of them.
const (
	CodeUniqueViolation     = "23505" // a row with the same key exists
	CodeForeignKeyViolation = "23503" // a referenced row does not exist
	CodeInvalidCatalog      = "3D000" // the database does not exist
	CodeDuplicateDatabase   = "42P04" // CREATE DATABASE of an existing one
	CodeUndefinedTable      = "42P01" // the schema is not migrated
)

// Code returns the SQLSTATE of the PostgreSQL error err wraps, or "" when
// err wraps none.
func Code(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

// IsUniqueViolation reports whether err is PostgreSQL's unique_violation.
func IsUniqueViolation(err error) bool { return Code(err) == CodeUniqueViolation }

// IsForeignKeyViolation reports whether err is PostgreSQL's
// foreign_key_violation.
func IsForeignKeyViolation(err error) bool { return Code(err) == CodeForeignKeyViolation }

// AsConflict maps a unique violation (a name already taken) to ErrConflict.
func AsConflict(err error) error { return conflict(err) }

// conflict maps a unique violation to ErrConflict.
func conflict(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == CodeUniqueViolation {
		return fmt.Errorf("%w: %s", ErrConflict, pgErr.Detail)
	}
	return err
}

// The generated rows of the queries that read a store type have that
// type's fields, so a row converts to it without a copy; conv is that
// conversion.

// onePtr returns the row of a generated :one method as a *T, or
// ErrNotFound.
func onePtr[R, T any](row R, err error, conv func(*R) *T) (*T, error) {
	if err != nil {
		return nil, notFound(err)
	}
	return conv(&row), nil
}

// ptrs returns pointers to the rows of a generated :many method as *T.
func ptrs[R, T any](rows []R, err error, conv func(*R) *T) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*T, len(rows))
	for i := range rows {
		out[i] = conv(&rows[i])
	}
	return out, nil
}

// vals returns the rows of a generated :many method as T values.
func vals[R, T any](rows []R, err error, conv func(*R) *T) ([]T, error) {
	if err != nil {
		return nil, err
	}
	out := make([]T, len(rows))
	for i := range rows {
		out[i] = *conv(&rows[i])
	}
	return out, nil
}
