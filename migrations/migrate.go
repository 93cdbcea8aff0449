package migrations

import (
	"context"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	Up      string
	Down    string
}

// State is a migration and whether it is applied.
type State struct {
	Migration
	Applied   bool
	AppliedAt time.Time
}

// The bookkeeping statements; every schema change itself comes from a file.
const (
	createTable = `CREATE TABLE IF NOT EXISTS stepwise_schema_migrations (
    version     integer PRIMARY KEY,
    name        text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now())`
	lockMigrations = `SELECT pg_advisory_xact_lock(7406154915261151)`
	listApplied    = `SELECT version, applied_at FROM stepwise_schema_migrations`
	recordApplied  = `INSERT INTO stepwise_schema_migrations (version, name) VALUES ($1, $2)`
	removeApplied  = `DELETE FROM stepwise_schema_migrations WHERE version = $1`
)

var fileName = regexp.MustCompile(`^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$`)

// All returns the embedded migrations in version order.
func All() ([]Migration, error) {
	entries, err := fs.ReadDir(Files, ".")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*Migration{}
	for _, e := range entries {
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		v, _ := strconv.Atoi(m[1])
		body, err := fs.ReadFile(Files, e.Name())
		if err != nil {
			return nil, err
		}
		mig := byVersion[v]
		if mig == nil {
			mig = &Migration{Version: v, Name: m[2]}
			byVersion[v] = mig
		}
		if m[3] == "up" {
			mig.Up = string(body)
		} else {
			mig.Down = string(body)
		}
	}
	out := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Up applies River's migrations and every Stepwise migration not yet
// applied, each in its own transaction, and returns the versions applied.
// Concurrent callers wait for each other.
func Up(ctx context.Context, pool *pgxpool.Pool) ([]int, error) {
	migrator, err := rivermigrate.New(riverpgxv5.New(pool), nil)
	if err != nil {
		return nil, err
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	all, err := All()
	if err != nil {
		return nil, err
	}
	var applied []int
	for _, m := range all {
		done, err := apply(ctx, pool, m, true)
		if err != nil {
			return applied, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		if done {
			applied = append(applied, m.Version)
		}
	}
	return applied, nil
}

// Down rolls back the latest applied Stepwise migration, if any, and
// returns its version (0 when none was applied). River's tables stay.
func Down(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	states, err := Status(ctx, pool)
	if err != nil {
		return 0, err
	}
	for i := len(states) - 1; i >= 0; i-- {
		if states[i].Applied {
			_, err := apply(ctx, pool, states[i].Migration, false)
			return states[i].Version, err
		}
	}
	return 0, nil
}

// Status lists every migration and whether it is applied.
func Status(ctx context.Context, pool *pgxpool.Pool) ([]State, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, createTable); err != nil {
		return nil, err
	}
	done, err := appliedVersions(ctx, pool)
	if err != nil {
		return nil, err
	}
	out := make([]State, len(all))
	for i, m := range all {
		at, ok := done[m.Version]
		out[i] = State{Migration: m, Applied: ok, AppliedAt: at}
	}
	return out, nil
}

func appliedVersions(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}) (map[int]time.Time, error) {
	rows, err := q.Query(ctx, listApplied)
	if err != nil {
		return nil, err
	}
	done := map[int]time.Time{}
	for rows.Next() {
		var v int
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			return nil, err
		}
		done[v] = at
	}
	return done, rows.Err()
}

// apply runs one migration up or down under the migration lock; it
// reports false when there was nothing to do.
func apply(ctx context.Context, pool *pgxpool.Pool, m Migration, up bool) (bool, error) {
	if _, err := pool.Exec(ctx, createTable); err != nil {
		return false, err
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, lockMigrations); err != nil {
		return false, err
	}
	done, err := appliedVersions(ctx, tx)
	if err != nil {
		return false, err
	}
	if _, ok := done[m.Version]; ok == up {
		return false, nil
	}
	if up {
		_, err = tx.Exec(ctx, m.Up)
		if err == nil {
			_, err = tx.Exec(ctx, recordApplied, m.Version, m.Name)
		}
	} else {
		_, err = tx.Exec(ctx, m.Down)
		if err == nil {
			_, err = tx.Exec(ctx, removeApplied, m.Version)
		}
	}
	if err != nil {
		return false, err
	}
	return true, tx.Commit(ctx)
}
