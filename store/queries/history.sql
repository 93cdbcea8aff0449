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
