package bench

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// Reads and writes of the benchmark only, to report what a workload cost
// and how long its executions took. They are not part of the store
// package; the event types they name are parameters, from internal/history.

const commitCountSQL = `SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`

// commitCount returns how many transactions the database has committed
// since its statistics were reset.
func commitCount(ctx context.Context, q store.Querier) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, commitCountSQL).Scan(&n)
	return n, err
}

// executionDurationsSQL: microseconds from start to stop of every stopped
// execution that started at or after $1.
const executionDurationsSQL = `
SELECT (extract(epoch FROM stopped_at - started_at) * 1e6)::bigint
FROM stepwise_executions WHERE stopped_at IS NOT NULL AND started_at >= $1`

// executionDurations returns how long each stopped execution that started
// at or after since ran.
func executionDurations(ctx context.Context, q store.Querier, since time.Time) ([]time.Duration, error) {
	return durations(ctx, q, executionDurationsSQL, since)
}

// dispatchLatenciesSQL: microseconds from the scheduled event ($1) to the
// started event ($2), per execution with one.
const dispatchLatenciesSQL = `
SELECT (extract(epoch FROM max(timestamp) FILTER (WHERE type = $2)
                         - max(timestamp) FILTER (WHERE type = $1)) * 1e6)::bigint
FROM stepwise_events
WHERE type IN ($1, $2)
GROUP BY execution_id
HAVING count(*) FILTER (WHERE type = $2) > 0`

// dispatchLatencies returns, per execution with a started task, the time
// from its last TaskScheduled to its last TaskStarted event.
func dispatchLatencies(ctx context.Context, q store.Querier) ([]time.Duration, error) {
	return durations(ctx, q, dispatchLatenciesSQL, history.TaskScheduled, history.TaskStarted)
}

func durations(ctx context.Context, q store.Querier, sql string, args ...any) ([]time.Duration, error) {
	rows, _ := q.Query(ctx, sql, args...)
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

const countEventsSQL = `SELECT count(*) FROM stepwise_events WHERE type = $1`

// countEvents counts the history events of one type, in all executions.
func countEvents(ctx context.Context, q store.Querier, typ string) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, countEventsSQL, typ).Scan(&n)
	return n, err
}

const databaseBackendsSQL = `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`

// databaseBackends returns the process ids of the server processes
// connected to the current database.
func databaseBackends(ctx context.Context, q store.Querier) ([]int32, error) {
	rows, _ := q.Query(ctx, databaseBackendsSQL)
	return pgx.CollectRows(rows, pgx.RowTo[int32])
}

const analyzeTablesSQL = `ANALYZE stepwise_executions, stepwise_runs, stepwise_event_batches, river_job`

// analyzeTables refreshes the planner's statistics of the tables the
// engine writes, as autovacuum does on a live system within a minute.
func analyzeTables(ctx context.Context, q store.Querier) error {
	_, err := q.Exec(ctx, analyzeTablesSQL)
	return err
}

// seedHistorySQL: the history of $1 finished executions of a one-Pass
// machine named "history", stopped a day ago, as a database in use holds;
// $2 to $5 are the types of its four events, one batch per execution.
const seedHistorySQL = `
WITH m AS (
    INSERT INTO stepwise_state_machines (name, arn, latest_version)
    VALUES ('history', 'arn:aws:states:us-east-1:000000000000:stateMachine:history', 1)
    RETURNING id
), v AS (
    INSERT INTO stepwise_state_machine_versions (state_machine_id, version, definition)
    SELECT id, 1, '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}' FROM m
), x AS (
    INSERT INTO stepwise_executions (arn, state_machine_id, version, name, status, input, output,
                                     started_at, stopped_at, last_event_id)
    SELECT 'arn:aws:states:us-east-1:000000000000:execution:history:h-' || g, m.id, 1, 'h-' || g,
           'SUCCEEDED', '{}', '{}', now() - interval '1 day', now() - interval '1 day', 4
    FROM m, generate_series(1, $1::integer) AS g
    RETURNING id
), r AS (
    INSERT INTO stepwise_runs (execution_id, status, state, state_input, output)
    SELECT id, 'SUCCEEDED', 'P', '{}', '{}' FROM x
)
INSERT INTO stepwise_event_batches (execution_id, first_id, last_id, events)
SELECT x.id, 1, 4, json_build_array(
    json_build_object('type', $2::text, 'timestamp', t.us, 'details', '{"input":{}}'::json),
    json_build_object('type', $3::text, 'timestamp', t.us, 'state', 'P', 'details', '{"input":{}}'::json),
    json_build_object('type', $4::text, 'timestamp', t.us, 'state', 'P', 'details', '{"output":{}}'::json),
    json_build_object('type', $5::text, 'timestamp', t.us, 'details', '{"output":{}}'::json))::text
FROM x, (SELECT (extract(epoch FROM now() - interval '1 day') * 1000000)::bigint AS us) AS t`

// seedHistory adds the history of n finished executions (of a machine
// named "history", a day old), so that a benchmark's database holds what a
// database in use does and the planner's choices are those of one.
func seedHistory(ctx context.Context, q store.Querier, n int) error {
	_, err := q.Exec(ctx, seedHistorySQL, n, history.ExecutionStarted, history.PassStateEntered,
		history.PassStateExited, history.ExecutionSucceeded)
	return err
}

const countStatusesSinceSQL = `SELECT status, count(*) FROM stepwise_executions WHERE started_at >= $1 GROUP BY status`

// countStatusesSince counts the executions started at or after since in
// each status.
func countStatusesSince(ctx context.Context, q store.Querier, since time.Time) (map[string]int64, error) {
	return numbersByName(ctx, q, countStatusesSinceSQL, since)
}

// tableSizesSQL: every table of the database outside the system schemas
// (Stepwise's and River's), with its size in bytes, indexes and TOAST
// included.
const tableSizesSQL = `
SELECT c.relname, pg_total_relation_size(c.oid)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`

// tableSizes returns the size in bytes of every table of Stepwise and
// River, by name.
func tableSizes(ctx context.Context, q store.Querier) (map[string]int64, error) {
	return numbersByName(ctx, q, tableSizesSQL)
}

// numbersByName runs a query of (name, number) rows and returns them as
// a map.
func numbersByName(ctx context.Context, q store.Querier, sql string, args ...any) (map[string]int64, error) {
	rows, _ := q.Query(ctx, sql, args...)
	out := map[string]int64{}
	var name string
	var n int64
	_, err := pgx.ForEachRow(rows, []any{&name, &n}, func() error {
		out[name] = n
		return nil
	})
	return out, err
}

const countExecutionsSQL = `SELECT count(*) FROM stepwise_executions`

// countExecutions counts the executions stored, of every machine.
func countExecutions(ctx context.Context, q store.Querier) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, countExecutionsSQL).Scan(&n)
	return n, err
}

const autovacuumSQL = `SELECT current_setting('autovacuum')::boolean`

// autovacuumOn reports whether the server runs autovacuum.
func autovacuumOn(ctx context.Context, q store.Querier) (bool, error) {
	var on bool
	err := q.QueryRow(ctx, autovacuumSQL).Scan(&on)
	return on, err
}

const vacuumSQL = `VACUUM`

// vacuum vacuums every table of the database, as autovacuum would, so
// that the space of deleted rows is reused.
func vacuum(ctx context.Context, q store.Querier) error {
	_, err := q.Exec(ctx, vacuumSQL)
	return err
}
