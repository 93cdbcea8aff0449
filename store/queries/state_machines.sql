-- name: InsertStateMachine
INSERT INTO stepwise_state_machines (name, arn) VALUES ($1, $2)
RETURNING id, name, arn, latest_version, created_at;

-- name: GetStateMachineByName
SELECT id, name, arn, latest_version, created_at FROM stepwise_state_machines WHERE name = $1;

-- name: GetStateMachineByID
SELECT id, name, arn, latest_version, created_at FROM stepwise_state_machines WHERE id = $1;

-- name: LockStateMachine
SELECT id, name, arn, latest_version, created_at FROM stepwise_state_machines WHERE id = $1 FOR UPDATE;

-- name: ListStateMachines
SELECT id, name, arn, latest_version, created_at FROM stepwise_state_machines
WHERE name > $1 ORDER BY name LIMIT $2;

-- name: InsertVersion
WITH bumped AS (
    UPDATE stepwise_state_machines SET latest_version = latest_version + 1 WHERE id = $1
    RETURNING id, latest_version
)
INSERT INTO stepwise_state_machine_versions (state_machine_id, version, definition, input_schema)
SELECT id, latest_version, $2, $3 FROM bumped
RETURNING state_machine_id, version, definition, input_schema, created_at;

-- name: GetVersion
SELECT state_machine_id, version, definition, input_schema, created_at
FROM stepwise_state_machine_versions WHERE state_machine_id = $1 AND version = $2;

-- name: ListVersions
SELECT state_machine_id, version, definition, input_schema, created_at
FROM stepwise_state_machine_versions WHERE state_machine_id = $1 ORDER BY version DESC;

-- name: CountRunningExecutions
SELECT count(*) FROM stepwise_executions WHERE state_machine_id = $1 AND status = 'RUNNING';

-- name: DeleteStateMachine
DELETE FROM stepwise_state_machines WHERE id = $1;

-- name: UpsertFunction
INSERT INTO stepwise_functions (name) VALUES ($1)
ON CONFLICT (name) DO UPDATE SET last_seen = now();

-- name: FunctionKnown
SELECT EXISTS (SELECT 1 FROM stepwise_functions WHERE name = $1);

-- name: GetMachineVersion
SELECT m.id, m.name, m.arn, m.latest_version, m.created_at,
       v.version, v.definition, v.input_schema, v.created_at AS version_created_at
FROM stepwise_state_machines m
JOIN stepwise_state_machine_versions v
  ON v.state_machine_id = m.id AND v.version = CASE WHEN $2::integer = 0 THEN m.latest_version ELSE $2 END
WHERE m.name = $1;
