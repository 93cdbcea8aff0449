-- Reads for the HTTP API and its metrics.

-- name: ListVersionInfo
SELECT version, created_at, input_schema IS NOT NULL AS has_input_schema
FROM stepwise_state_machine_versions WHERE state_machine_id = $1 ORDER BY version DESC;

-- name: ListExecutionsPage
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count
FROM stepwise_executions
WHERE ($1::bigint = 0 OR state_machine_id = $1)
  AND ($2::text = '' OR status = $2)
  AND name LIKE $3
  AND started_at >= $4
  AND started_at < $5
  AND (started_at, id) < ($6, $7)
ORDER BY started_at DESC, id DESC
LIMIT $8;

-- name: ListRunningExecutions
SELECT id, arn FROM stepwise_executions
WHERE state_machine_id = $1 AND status = 'RUNNING' AND id > $2
ORDER BY id LIMIT $3;

-- name: CountExecutionsByStatus
SELECT status, count(*) FROM stepwise_executions GROUP BY status;

-- name: RiverQueueDepth
SELECT queue, state::text, count(*) FROM river_job
WHERE state IN ('available', 'scheduled', 'retryable', 'running')
GROUP BY queue, state;
