package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// CommitCount returns how many transactions the database has committed
// since its statistics were reset.
func CommitCount(ctx context.Context, q Querier) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, sql("CommitCount")).Scan(&n)
	return n, err
}

// ExecutionDurations returns how long each stopped execution that started
// at or after since ran.
func ExecutionDurations(ctx context.Context, q Querier, since time.Time) ([]time.Duration, error) {
	return durations(ctx, q, "ExecutionDurations", since)
}

// DispatchLatencies returns, per execution with a started task, the time
// from its last TaskScheduled to its last TaskStarted event.
func DispatchLatencies(ctx context.Context, q Querier) ([]time.Duration, error) {
	return durations(ctx, q, "DispatchLatencies")
}

func durations(ctx context.Context, q Querier, query string, args ...any) ([]time.Duration, error) {
	rows, _ := q.Query(ctx, sql(query), args...)
	micros, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := make([]time.Duration, len(micros))
	for i, m := range micros {
		out[i] = time.Duration(m) * time.Microsecond
	}
	return out, nil
}

// CountEvents counts the history events of one type, in all executions.
func CountEvents(ctx context.Context, q Querier, typ string) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, sql("CountEvents"), typ).Scan(&n)
	return n, err
}

// DatabaseBackends returns the process ids of the server processes
// connected to the current database.
func DatabaseBackends(ctx context.Context, q Querier) ([]int32, error) {
	rows, _ := q.Query(ctx, sql("DatabaseBackends"))
	return pgx.CollectRows(rows, pgx.RowTo[int32])
}

// AnalyzeTables refreshes the planner's statistics of the tables the
// engine writes, as autovacuum does on a live system within a minute.
func AnalyzeTables(ctx context.Context, q Querier) error {
	_, err := q.Exec(ctx, sql("AnalyzeTables"))
	return err
}

// SeedHistory adds the history of n finished executions (of a machine
// named "history", a day old), so that a benchmark's database holds what a
// database in use does and the planner's choices are those of one.
func SeedHistory(ctx context.Context, q Querier, n int) error {
	_, err := q.Exec(ctx, sql("SeedHistory"), n)
	return err
}

// CountStatusesSince counts the executions started at or after since in
// each status.
func CountStatusesSince(ctx context.Context, q Querier, since time.Time) (map[string]int64, error) {
	return countByStatus(ctx, q, "CountStatusesSince", since)
}
