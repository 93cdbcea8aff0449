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

-- name: TableInserts
SELECT pg_stat_get_tuples_inserted('stepwise_executions'::regclass),
       pg_stat_get_tuples_inserted('stepwise_events'::regclass);

-- name: RiverQueueDepth
SELECT queue, state::text, count(*) FROM river_job
WHERE state IN ('available', 'scheduled', 'retryable', 'running')
GROUP BY queue, state;

-- name: FinishedTaskJobs
SELECT coalesce(args->>'function', queue) AS function,
       greatest(extract(epoch FROM finalized_at - coalesce(attempted_at, created_at)), 0)::float8 AS seconds,
       finalized_at
FROM river_job
WHERE state = 'completed' AND kind = 'stepwise_task'
  AND finalized_at > $1 AND finalized_at <= now() - make_interval(secs => $2)
ORDER BY finalized_at
LIMIT $3;
