-- name: InsertStateMachine :one
INSERT INTO stepwise_state_machines (name, arn, type) VALUES ($1, $2, $3)
RETURNING id, name, arn, latest_version, created_at, type, last_published, retention_seconds;

-- name: GetStateMachineByName :one
SELECT id, name, arn, latest_version, created_at, type, last_published, retention_seconds FROM stepwise_state_machines WHERE name = $1;

-- name: GetStateMachine :one
SELECT id, name, arn, latest_version, created_at, type, last_published, retention_seconds FROM stepwise_state_machines WHERE id = $1;

-- name: LockStateMachine :one
SELECT id, name, arn, latest_version, created_at, type, last_published, retention_seconds FROM stepwise_state_machines WHERE id = $1 FOR UPDATE;

-- name: ListStateMachines :many
SELECT id, name, arn, latest_version, created_at, type, last_published, retention_seconds FROM stepwise_state_machines
WHERE name > sqlc.arg(after) ORDER BY name LIMIT sqlc.arg(max_rows);

-- name: DeleteStateMachine :exec
DELETE FROM stepwise_state_machines WHERE id = $1;

-- name: InsertVersion :one
WITH bumped AS (
    UPDATE stepwise_state_machines SET latest_version = latest_version + 1 WHERE id = sqlc.arg(state_machine_id)
    RETURNING id, latest_version
)
INSERT INTO stepwise_state_machine_versions (state_machine_id, version, definition, input_schema,
    role_arn, tracing_enabled, encryption_type, kms_key_id, kms_data_key_reuse_period_seconds)
SELECT id, latest_version, sqlc.arg(definition), sqlc.narg(input_schema),
    sqlc.narg(role_arn), sqlc.arg(tracing_enabled), sqlc.narg(encryption_type), sqlc.narg(kms_key_id), sqlc.narg(kms_data_key_reuse_period_seconds)
FROM bumped
RETURNING state_machine_id, version, definition, input_schema, created_at, role_arn, tracing_enabled, encryption_type, kms_key_id, kms_data_key_reuse_period_seconds;

-- name: GetVersion :one
SELECT state_machine_id, version, definition, input_schema, created_at, role_arn, tracing_enabled, encryption_type, kms_key_id, kms_data_key_reuse_period_seconds
FROM stepwise_state_machine_versions WHERE state_machine_id = $1 AND version = $2;

-- name: ListVersions :many
SELECT state_machine_id, version, definition, input_schema, created_at, role_arn, tracing_enabled, encryption_type, kms_key_id, kms_data_key_reuse_period_seconds
FROM stepwise_state_machine_versions WHERE state_machine_id = $1 ORDER BY version DESC;

-- name: ListVersionInfo :many
SELECT version, created_at, (input_schema IS NOT NULL)::boolean AS has_input_schema
FROM stepwise_state_machine_versions WHERE state_machine_id = $1 ORDER BY version DESC;

-- name: GetMachineVersion :one
-- A machine by name with one of its versions; version 0 is the latest.
SELECT m.id, m.name, m.arn, m.latest_version, m.created_at, m.type, m.last_published, m.retention_seconds,
       v.version, v.definition, v.input_schema, v.created_at AS version_created_at,
       v.role_arn, v.tracing_enabled, v.encryption_type, v.kms_key_id, v.kms_data_key_reuse_period_seconds
FROM stepwise_state_machines m
JOIN stepwise_state_machine_versions v
  ON v.state_machine_id = m.id
 AND v.version = CASE WHEN sqlc.arg(version)::integer = 0 THEN m.latest_version ELSE sqlc.arg(version)::integer END
WHERE m.name = sqlc.arg(name);

-- name: PublishVersion :one
-- Publishes a revision as the machine's next version number.
WITH bumped AS (
    UPDATE stepwise_state_machines SET last_published = last_published + 1 WHERE id = sqlc.arg(state_machine_id)
    RETURNING id, last_published
)
INSERT INTO stepwise_published_versions (state_machine_id, version, revision, description)
SELECT id, last_published, sqlc.arg(revision), sqlc.narg(description) FROM bumped
RETURNING state_machine_id, version, revision, description, created_at;

-- name: GetPublishedVersion :one
SELECT state_machine_id, version, revision, description, created_at
FROM stepwise_published_versions WHERE state_machine_id = $1 AND version = $2;

-- name: PublishedVersionOfRevision :one
-- The newest version publishing a revision.
SELECT state_machine_id, version, revision, description, created_at
FROM stepwise_published_versions WHERE state_machine_id = $1 AND revision = $2
ORDER BY version DESC LIMIT 1;

-- name: ListPublishedVersions :many
-- A page of a machine's versions, newest first, below version before.
SELECT state_machine_id, version, revision, description, created_at
FROM stepwise_published_versions
WHERE state_machine_id = sqlc.arg(state_machine_id) AND version < sqlc.arg(before)
ORDER BY version DESC LIMIT sqlc.arg(max_rows);

-- name: CountPublishedVersions :one
-- How many versions of a machine there are (deleted ones not counted).
SELECT count(*)::integer FROM stepwise_published_versions WHERE state_machine_id = $1;

-- name: DeletePublishedVersion :execrows
DELETE FROM stepwise_published_versions WHERE state_machine_id = $1 AND version = $2;

-- name: AliasesRoutingTo :many
-- The names of the aliases that route to a version.
SELECT name FROM stepwise_state_machine_aliases
WHERE state_machine_id = sqlc.arg(state_machine_id)
  AND (version1 = sqlc.arg(version) OR version2 = sqlc.arg(version)::integer)
ORDER BY name;

-- name: InsertAlias :one
INSERT INTO stepwise_state_machine_aliases (state_machine_id, name, description, version1, weight1, version2, weight2)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (state_machine_id, name) DO NOTHING
RETURNING state_machine_id, name, description, version1, weight1, version2, weight2, created_at, updated_at;

-- name: GetAlias :one
SELECT state_machine_id, name, description, version1, weight1, version2, weight2, created_at, updated_at
FROM stepwise_state_machine_aliases WHERE state_machine_id = $1 AND name = $2;

-- name: UpdateAlias :one
UPDATE stepwise_state_machine_aliases
SET description = $3, version1 = $4, weight1 = $5, version2 = $6, weight2 = $7, updated_at = now()
WHERE state_machine_id = $1 AND name = $2
RETURNING state_machine_id, name, description, version1, weight1, version2, weight2, created_at, updated_at;

-- name: DeleteAlias :execrows
DELETE FROM stepwise_state_machine_aliases WHERE state_machine_id = $1 AND name = $2;

-- name: ListAliases :many
-- A page of a machine's aliases in name order, after name after; version
-- 0 lists them all, another version those that route to it.
SELECT state_machine_id, name, description, version1, weight1, version2, weight2, created_at, updated_at
FROM stepwise_state_machine_aliases
WHERE state_machine_id = sqlc.arg(state_machine_id) AND name > sqlc.arg(after)
  AND (sqlc.arg(version)::integer = 0 OR version1 = sqlc.arg(version)::integer OR version2 = sqlc.arg(version)::integer)
ORDER BY name LIMIT sqlc.arg(max_rows);
