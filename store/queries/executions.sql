-- name: InsertExecution :one
-- A name already taken in the machine returns no row.
INSERT INTO stepwise_executions (arn, state_machine_id, version, name, status, input, started_at)
VALUES ($1, $2, $3, $4, 'RUNNING', $5, $6)
ON CONFLICT (state_machine_id, name) DO NOTHING
RETURNING id, arn, state_machine_id, version, name, status, input, output, error, cause,
          started_at, stopped_at, last_event_id, redrive_count,
          parent_id, parent_run_id, parent_seq, parent_pattern, test_case, waited, watched, version_arn, alias_arn,
       machine_path, map_run_id, map_index, map_counted;

-- name: GetExecution :one
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count,
       parent_id, parent_run_id, parent_seq, parent_pattern, test_case, waited, watched, version_arn, alias_arn,
       machine_path, map_run_id, map_index, map_counted
FROM stepwise_executions WHERE id = $1;

-- name: GetExecutionByName :one
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count,
       parent_id, parent_run_id, parent_seq, parent_pattern, test_case, waited, watched, version_arn, alias_arn,
       machine_path, map_run_id, map_index, map_counted
FROM stepwise_executions WHERE state_machine_id = $1 AND name = $2;

-- name: GetExecutionByARN :one
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count,
       parent_id, parent_run_id, parent_seq, parent_pattern, test_case, waited, watched, version_arn, alias_arn,
       machine_path, map_run_id, map_index, map_counted
FROM stepwise_executions WHERE arn = $1;

-- name: RedriveExecution :exec
UPDATE stepwise_executions
SET status = 'RUNNING', output = NULL, error = NULL, cause = NULL, stopped_at = NULL,
    redrive_count = redrive_count + 1, last_event_id = $2, map_counted = false
WHERE id = $1;

-- name: ListExecutions :many
-- Newest first (by start time, then id). A zero machine id or an empty
-- status, version ARN or alias ARN matches every one; redriven is '' (any),
-- 'REDRIVEN' or 'NOT_REDRIVEN'; started_at lies in [started_after,
-- started_before); the page holds the executions older than (at_start,
-- at_id).
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count,
       parent_id, parent_run_id, parent_seq, parent_pattern, test_case, waited, watched, version_arn, alias_arn,
       machine_path, map_run_id, map_index, map_counted
FROM stepwise_executions
WHERE (sqlc.arg(state_machine_id)::bigint = 0 OR state_machine_id = sqlc.arg(state_machine_id))
  AND (sqlc.arg(status)::text = '' OR status = sqlc.arg(status))
  AND name LIKE sqlc.arg(name_like)::text
  AND (sqlc.arg(version_arn)::text = '' OR version_arn = sqlc.arg(version_arn))
  AND (sqlc.arg(alias_arn)::text = '' OR alias_arn = sqlc.arg(alias_arn))
  AND (sqlc.arg(redriven)::text = '' OR (redrive_count > 0) = (sqlc.arg(redriven) = 'REDRIVEN'))
  AND (map_run_id = sqlc.arg(map_run_id)::bigint OR (sqlc.arg(map_run_id)::bigint = 0 AND map_run_id IS NULL))
  AND started_at >= sqlc.arg(started_after)::timestamptz
  AND started_at < sqlc.arg(started_before)::timestamptz
  AND (started_at, id) < (sqlc.arg(at_start)::timestamptz, sqlc.arg(at_id)::bigint)
ORDER BY started_at DESC, id DESC
LIMIT sqlc.arg(max_rows);

-- name: LockExecutions :many
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count,
       parent_id, parent_run_id, parent_seq, parent_pattern, test_case, waited, watched, version_arn, alias_arn,
       machine_path, map_run_id, map_index, map_counted
FROM stepwise_executions WHERE id = ANY(sqlc.arg(ids)::bigint[]) ORDER BY id FOR UPDATE;

-- name: ListRunningExecutions :many
SELECT id, arn FROM stepwise_executions
WHERE state_machine_id = $1 AND status = 'RUNNING' AND id > sqlc.arg(after_id)
ORDER BY id LIMIT sqlc.arg(max_rows);

-- name: CountRunningExecutions :one
SELECT count(*) FROM stepwise_executions WHERE state_machine_id = $1 AND status = 'RUNNING';

-- name: CountExecutionsByStatus :many
SELECT status, count(*) FROM stepwise_executions GROUP BY status;

-- name: NewExecutionIDs :many
-- Ids for executions about to be created with their top-level runs.
SELECT nextval('stepwise_executions_id_seq') AS execution_id, nextval('stepwise_runs_id_seq') AS run_id
FROM generate_series(1, sqlc.arg(n)::integer);

-- name: ExecutionProgress :one
SELECT last_event_id, status FROM stepwise_executions WHERE id = $1;

-- name: NestedToStop :many
-- The running executions that runs started with .sync or .sync:2, and
-- the children of a run's Map run, which stop with them.
SELECT id FROM stepwise_executions
WHERE parent_run_id = ANY(sqlc.arg(run_ids)::bigint[]) AND status = 'RUNNING'
  AND parent_pattern IN ('.sync', '.sync:2', 'map');

-- name: ListChildExecutions :many
-- The executions a Task of the parent started, oldest first, after the
-- id after_id.
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count,
       parent_id, parent_run_id, parent_seq, parent_pattern, test_case, waited, watched, version_arn, alias_arn,
       machine_path, map_run_id, map_index, map_counted
FROM stepwise_executions
WHERE parent_id = sqlc.arg(parent_id)::bigint AND id > sqlc.arg(after_id)::bigint
ORDER BY id LIMIT sqlc.arg(max_rows);

-- name: MarkWaited :one
-- A caller waits for the execution's end: the transaction that ends it
-- will notify. Blocks while a transaction holds the execution's lock, so
-- the status returned is the one that transaction left.
UPDATE stepwise_executions SET waited = true WHERE id = $1 RETURNING status;

-- name: MarkWatched :one
-- A caller watches the execution move: every transaction that adds events
-- to it or changes its status will notify. Blocks while a transaction
-- holds the execution's lock, so the progress returned is the one that
-- transaction left.
UPDATE stepwise_executions SET watched = true WHERE id = $1 RETURNING last_event_id, status;
