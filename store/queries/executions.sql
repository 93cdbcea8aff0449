-- name: InsertExecution
INSERT INTO stepwise_executions (arn, state_machine_id, version, name, status, input, started_at)
VALUES ($1, $2, $3, $4, 'RUNNING', $5, $6)
ON CONFLICT (state_machine_id, name) DO NOTHING
RETURNING id, arn, state_machine_id, version, name, status, input, output, error, cause,
          started_at, stopped_at, last_event_id, redrive_count;

-- name: GetExecutionByName
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count
FROM stepwise_executions WHERE state_machine_id = $1 AND name = $2;

-- name: GetExecution
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count
FROM stepwise_executions WHERE id = $1;

-- name: GetExecutionByARN
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count
FROM stepwise_executions WHERE arn = $1;

-- name: RedriveExecution
UPDATE stepwise_executions
SET status = 'RUNNING', output = NULL, error = NULL, cause = NULL, stopped_at = NULL,
    redrive_count = redrive_count + 1, last_event_id = $2
WHERE id = $1;

-- name: ListExecutions
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count
FROM stepwise_executions
WHERE ($1::bigint = 0 OR state_machine_id = $1)
  AND ($2::text = '' OR status = $2)
  AND name LIKE $3
  AND (started_at, id) < ($4, $5)
ORDER BY started_at DESC, id DESC
LIMIT $6;

-- name: ListEvents
SELECT execution_id, id, previous_id, type, timestamp, state, details
FROM stepwise_events WHERE execution_id = $1 AND id > $2 ORDER BY id LIMIT $3;

-- name: ListEventsReverse
SELECT execution_id, id, previous_id, type, timestamp, state, details
FROM stepwise_events WHERE execution_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3;

-- name: LockExecutions
SELECT id, arn, state_machine_id, version, name, status, input, output, error, cause,
       started_at, stopped_at, last_event_id, redrive_count
FROM stepwise_executions WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE;
