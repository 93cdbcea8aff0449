-- name: ListTags :many
SELECT key, value FROM stepwise_tags
WHERE state_machine_id = sqlc.narg(state_machine_id) OR activity_id = sqlc.narg(activity_id)
ORDER BY key;

-- name: DeleteTags :exec
DELETE FROM stepwise_tags
WHERE (state_machine_id = sqlc.narg(state_machine_id) OR activity_id = sqlc.narg(activity_id))
  AND key = ANY(sqlc.arg(keys)::text[]);

-- name: InsertTags :exec
INSERT INTO stepwise_tags (state_machine_id, activity_id, key, value)
SELECT sqlc.narg(state_machine_id), sqlc.narg(activity_id), t.key, t.value
FROM ROWS FROM (unnest(sqlc.arg(keys)::text[]), unnest(sqlc.arg(tag_values)::text[])) AS t(key, value);

-- name: LockStateMachineByName :one
SELECT id FROM stepwise_state_machines WHERE name = $1 FOR UPDATE;

-- name: LockActivityByName :one
SELECT id FROM stepwise_activities WHERE name = $1 FOR UPDATE;
