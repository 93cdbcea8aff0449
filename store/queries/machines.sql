-- name: InsertStateMachine :one
INSERT INTO stepwise_state_machines (name, arn, type) VALUES ($1, $2, $3)
RETURNING id, name, arn, latest_version, created_at, type;

-- name: GetStateMachineByName :one
SELECT id, name, arn, latest_version, created_at, type FROM stepwise_state_machines WHERE name = $1;

-- name: GetStateMachine :one
SELECT id, name, arn, latest_version, created_at, type FROM stepwise_state_machines WHERE id = $1;

-- name: LockStateMachine :one
SELECT id, name, arn, latest_version, created_at, type FROM stepwise_state_machines WHERE id = $1 FOR UPDATE;

-- name: ListStateMachines :many
SELECT id, name, arn, latest_version, created_at, type FROM stepwise_state_machines
WHERE name > sqlc.arg(after) ORDER BY name LIMIT sqlc.arg(max_rows);

-- name: DeleteStateMachine :exec
DELETE FROM stepwise_state_machines WHERE id = $1;

-- name: InsertVersion :one
WITH bumped AS (
    UPDATE stepwise_state_machines SET latest_version = latest_version + 1 WHERE id = sqlc.arg(state_machine_id)
    RETURNING id, latest_version
)
INSERT INTO stepwise_state_machine_versions (state_machine_id, version, definition, input_schema)
SELECT id, latest_version, sqlc.arg(definition), sqlc.narg(input_schema) FROM bumped
RETURNING state_machine_id, version, definition, input_schema, created_at;

-- name: GetVersion :one
SELECT state_machine_id, version, definition, input_schema, created_at
FROM stepwise_state_machine_versions WHERE state_machine_id = $1 AND version = $2;

-- name: ListVersions :many
SELECT state_machine_id, version, definition, input_schema, created_at
FROM stepwise_state_machine_versions WHERE state_machine_id = $1 ORDER BY version DESC;

-- name: ListVersionInfo :many
SELECT version, created_at, (input_schema IS NOT NULL)::boolean AS has_input_schema
FROM stepwise_state_machine_versions WHERE state_machine_id = $1 ORDER BY version DESC;

-- name: GetMachineVersion :one
-- A machine by name with one of its versions; version 0 is the latest.
SELECT m.id, m.name, m.arn, m.latest_version, m.created_at, m.type,
       v.version, v.definition, v.input_schema, v.created_at AS version_created_at
FROM stepwise_state_machines m
JOIN stepwise_state_machine_versions v
  ON v.state_machine_id = m.id
 AND v.version = CASE WHEN sqlc.arg(version)::integer = 0 THEN m.latest_version ELSE sqlc.arg(version)::integer END
WHERE m.name = sqlc.arg(name);
