-- name: UpsertMachineLogging :exec
-- Sets a machine's logging configuration, replacing the one it had.
INSERT INTO stepwise_machine_logging (state_machine_id, level, include_execution_data, log_group_arn)
VALUES (sqlc.arg(state_machine_id), sqlc.arg(level), sqlc.arg(include_execution_data), sqlc.narg(log_group_arn))
ON CONFLICT (state_machine_id) DO UPDATE SET level = excluded.level,
    include_execution_data = excluded.include_execution_data, log_group_arn = excluded.log_group_arn, updated_at = now();

-- name: GetMachineLogging :one
-- A machine's ARN with its logging configuration; a machine never given
-- one has level OFF.
SELECT m.arn, COALESCE(l.level, 'OFF')::text AS level,
       COALESCE(l.include_execution_data, false)::boolean AS include_execution_data,
       l.log_group_arn
FROM stepwise_state_machines m
LEFT JOIN stepwise_machine_logging l ON l.state_machine_id = m.id
WHERE m.id = $1;

-- name: InsertLogRecords :exec
-- Writes a batch of log records in one statement.
INSERT INTO stepwise_log_records (state_machine_arn, execution_arn, log_group, type, event_timestamp, record)
SELECT u.state_machine_arn, u.execution_arn, u.log_group, u.type, u.event_timestamp, u.record::jsonb
FROM ROWS FROM (unnest(sqlc.arg(state_machine_arns)::text[]), unnest(sqlc.arg(execution_arns)::text[]),
                unnest(sqlc.arg(log_groups)::text[]), unnest(sqlc.arg(types)::text[]),
                unnest(sqlc.arg(event_timestamps)::timestamptz[]), unnest(sqlc.arg(records)::text[]))
     AS u(state_machine_arn, execution_arn, log_group, type, event_timestamp, record);

-- name: ListLogRecords :many
-- A machine's log records from a time on, oldest first.
SELECT id, state_machine_arn, execution_arn, log_group, type, event_timestamp, record::text AS record
FROM stepwise_log_records
WHERE state_machine_arn = sqlc.arg(state_machine_arn) AND event_timestamp >= sqlc.arg(since)
ORDER BY event_timestamp, id
LIMIT sqlc.arg(max_rows);

-- name: DeleteLogRecordsBefore :execrows
-- Deletes the log records of events before a time (retention).
DELETE FROM stepwise_log_records WHERE event_timestamp < sqlc.arg(before);
