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

// PostgreSQL error codes (SQLSTATE) the store's callers tell apart.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
)

// hasCode reports whether err is a PostgreSQL error with the given code.
func hasCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}

// IsUniqueViolation reports whether err is PostgreSQL's unique_violation
// (23505): a row with the same key exists.
func IsUniqueViolation(err error) bool { return hasCode(err, codeUniqueViolation) }

// IsForeignKeyViolation reports whether err is PostgreSQL's
// foreign_key_violation (23503): a referenced row does not exist.
func IsForeignKeyViolation(err error) bool { return hasCode(err, codeForeignKeyViolation) }

// AsConflict maps a unique violation (a name already taken) to ErrConflict.
func AsConflict(err error) error { return conflict(err) }

// conflict maps a unique violation to ErrConflict.
func conflict(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == codeUniqueViolation {
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
