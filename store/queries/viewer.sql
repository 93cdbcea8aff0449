-- Reads for the web execution viewer.

-- name: ViewerOutline
SELECT id, type, timestamp, coalesce(state, '') AS state,
       CASE WHEN (type LIKE '%Failed' OR type LIKE '%TimedOut' OR type LIKE '%Aborted') AND details IS NOT NULL
            THEN details::jsonb->>'error' END AS error
FROM stepwise_events WHERE execution_id = $1 ORDER BY id;

-- name: ViewerEvents
SELECT execution_id, id, previous_id, type, timestamp, state, details
FROM stepwise_events
WHERE execution_id = $1 AND id > $2
  AND ($3::text = '' OR type = $3)
  AND (NOT $4::boolean OR type LIKE '%Failed' OR type LIKE '%TimedOut' OR type LIKE '%Aborted')
  AND ($5::text = '' OR state = $5)
ORDER BY id LIMIT $6;

-- name: ViewerRuns
SELECT id, parent_id, idx, machine_path, status, state, state_entered_at, entered_event_id,
       retries, task_token, error, cause
FROM stepwise_runs WHERE execution_id = $1 ORDER BY id;

-- name: ViewerRun
SELECT id, parent_id, idx, machine_path, status, state, state_input, state_entered_at, entered_event_id,
       retries, task_token, output, error, cause
FROM stepwise_runs WHERE execution_id = $1 AND id = $2;

-- name: ViewerProgress
SELECT last_event_id, status FROM stepwise_executions WHERE id = $1;
