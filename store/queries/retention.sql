-- name: SetMachineRetention :exec
-- Sets how long a machine's closed executions are kept, in seconds; NULL
-- follows the installation, negative keeps them for ever.
UPDATE stepwise_state_machines SET retention_seconds = sqlc.narg(retention_seconds) WHERE id = sqlc.arg(id);

-- name: ShortestRetention :one
-- The shortest positive retention a machine sets; 0 when none sets one.
SELECT coalesce(min(retention_seconds), 0)::bigint FROM stepwise_state_machines WHERE retention_seconds > 0;

-- name: TryRetentionLock :one
-- Takes the retention sweep's advisory lock for this transaction, if no
-- other transaction holds it.
SELECT pg_try_advisory_xact_lock(sqlc.arg(key)::bigint);

-- name: ExpiredExecutions :many
-- Closed executions that are not children of a Map run (those go with
-- their parent) and have been closed for longer than their machine's
-- retention (default_seconds where the machine sets none; negative
-- keeps them), in start order after (after_started, after_id), locked.
-- An execution that stopped before a time started before it too, so
-- started_before (now less the shortest retention) bounds the scan of
-- the start-time index; the status and stop time are not indexed, to
-- keep the update that ends an execution HOT.
SELECT e.id, e.started_at FROM stepwise_executions e
JOIN stepwise_state_machines m ON m.id = e.state_machine_id
WHERE (e.started_at, e.id) > (sqlc.arg(after_started)::timestamptz, sqlc.arg(after_id)::bigint)
  AND e.started_at < sqlc.arg(started_before)::timestamptz
  AND e.map_run_id IS NULL
  AND e.status <> 'RUNNING'
  AND coalesce(m.retention_seconds, sqlc.arg(default_seconds)::bigint) > 0
  AND e.stopped_at < sqlc.arg(now)::timestamptz
      - make_interval(secs => coalesce(m.retention_seconds, sqlc.arg(default_seconds)::bigint))
ORDER BY e.started_at, e.id
LIMIT sqlc.arg(max_rows)
FOR UPDATE OF e SKIP LOCKED;

-- name: DeleteMapChildren :execrows
-- Deletes up to max_rows child executions of the Map runs of executions
-- ids (with their runs, history and tokens).
DELETE FROM stepwise_executions WHERE id IN (
    SELECT c.id FROM stepwise_map_runs r
    JOIN stepwise_executions c ON c.map_run_id = r.id
    WHERE r.execution_id = ANY(sqlc.arg(ids)::bigint[])
    LIMIT sqlc.arg(max_rows)
    FOR UPDATE OF c SKIP LOCKED
);

-- name: DeleteExecutions :execrows
-- Deletes executions with everything that references them: runs (and
-- their variables and task leases), history events (by trigger), task
-- tokens, activity tasks and Map runs with their child executions.
DELETE FROM stepwise_executions WHERE id = ANY(sqlc.arg(ids)::bigint[]);
