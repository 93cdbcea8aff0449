-- name: ListEvents :many
SELECT execution_id, id, previous_id, type, timestamp, state, details
FROM stepwise_events WHERE execution_id = $1 AND id > sqlc.arg(after) ORDER BY id LIMIT sqlc.arg(max_rows);

-- name: ListEventsReverse :many
SELECT execution_id, id, previous_id, type, timestamp, state, details
FROM stepwise_events WHERE execution_id = $1 AND id < sqlc.arg(before) ORDER BY id DESC LIMIT sqlc.arg(max_rows);

-- name: ListEventsFiltered :many
SELECT execution_id, id, previous_id, type, timestamp, state, details
FROM stepwise_events
WHERE execution_id = sqlc.arg(execution_id) AND id > sqlc.arg(after)
  AND (sqlc.arg(type)::text = '' OR type = sqlc.arg(type))
  AND (NOT sqlc.arg(failures)::boolean OR type LIKE '%Failed' OR type LIKE '%TimedOut' OR type LIKE '%Aborted')
  AND (sqlc.arg(state)::text = '' OR state = sqlc.arg(state))
ORDER BY id LIMIT sqlc.arg(max_rows);

-- name: CountScheduled :one
-- How many times a state's task was scheduled in an execution: the
-- invocation count a mock configuration's responses are indexed by.
SELECT count(*) FROM stepwise_events
WHERE execution_id = $1 AND state = sqlc.arg(state)::text AND type IN ('TaskScheduled', 'ActivityScheduled');
