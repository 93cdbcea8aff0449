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

-- name: PageLogRecords :many
-- Log records newest first (by event time, then id). An empty machine or
-- execution ARN matches every one; event_timestamp lies in [since,
-- until); the page holds the records older than (at_time, at_id).
SELECT id, state_machine_arn, execution_arn, log_group, type, event_timestamp, record::text AS record
FROM stepwise_log_records
WHERE (sqlc.arg(state_machine_arn)::text = '' OR state_machine_arn = sqlc.arg(state_machine_arn))
  AND (sqlc.arg(execution_arn)::text = '' OR execution_arn = sqlc.arg(execution_arn))
  AND event_timestamp >= sqlc.arg(since)::timestamptz
  AND event_timestamp < sqlc.arg(until)::timestamptz
  AND (event_timestamp, id) < (sqlc.arg(at_time)::timestamptz, sqlc.arg(at_id)::bigint)
ORDER BY event_timestamp DESC, id DESC
LIMIT sqlc.arg(max_rows);

-- name: ListExpressExecutions :many
-- Express executions as their log records tell them, newest first (by
-- the time of their first record, then ARN). An execution's status comes
-- from its last end record (RUNNING without one), its error and cause
-- from that record's details (stopped_at is started_at while RUNNING,
-- error and cause '' when the record has none). An empty machine or
-- execution ARN or status matches
-- every one; started_at lies in [since, until); the page holds the
-- executions older than (at_time, at_arn). Records of an execution are
-- never older than its start, so since also bounds the records read.
WITH execs AS (
    SELECT r.execution_arn, min(r.state_machine_arn)::text AS state_machine_arn,
           min(r.event_timestamp)::timestamptz AS started_at,
           (array_agg(r.type ORDER BY r.event_timestamp DESC, r.id DESC)
               FILTER (WHERE r.type IN ('ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted')))[1]::text AS end_type,
           (array_agg(r.record ORDER BY r.event_timestamp DESC, r.id DESC)
               FILTER (WHERE r.type IN ('ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted')))[1]::jsonb AS end_record,
           max(r.event_timestamp) FILTER (WHERE r.type IN ('ExecutionSucceeded', 'ExecutionFailed', 'ExecutionTimedOut', 'ExecutionAborted'))::timestamptz AS stopped_at
    FROM stepwise_log_records r
    WHERE r.execution_arn LIKE 'arn:%:states:%:%:express:%'
      AND (sqlc.arg(state_machine_arn)::text = '' OR r.state_machine_arn = sqlc.arg(state_machine_arn))
      AND (sqlc.arg(execution_arn)::text = '' OR r.execution_arn = sqlc.arg(execution_arn))
      AND r.event_timestamp >= sqlc.arg(since)::timestamptz
    GROUP BY r.execution_arn
), statused AS (
    SELECT execution_arn, state_machine_arn, started_at, stopped_at, end_record,
           (CASE end_type WHEN 'ExecutionSucceeded' THEN 'SUCCEEDED' WHEN 'ExecutionFailed' THEN 'FAILED'
                          WHEN 'ExecutionTimedOut' THEN 'TIMED_OUT' WHEN 'ExecutionAborted' THEN 'ABORTED'
                          ELSE 'RUNNING' END)::text AS status
    FROM execs
)
SELECT execution_arn, state_machine_arn, status, started_at, COALESCE(stopped_at, started_at)::timestamptz AS stopped_at,
       COALESCE(end_record -> 'details' ->> 'error', '')::text AS error,
       COALESCE(end_record -> 'details' ->> 'cause', '')::text AS cause
FROM statused
WHERE (sqlc.arg(status)::text = '' OR status = sqlc.arg(status))
  AND started_at < sqlc.arg(until)::timestamptz
  AND (started_at, execution_arn) < (sqlc.arg(at_time)::timestamptz, sqlc.arg(at_arn)::text)
ORDER BY started_at DESC, execution_arn DESC
LIMIT sqlc.arg(max_rows);

-- name: ListExecutionLogRecords :many
-- One execution's log records, oldest first.
SELECT id, state_machine_arn, execution_arn, log_group, type, event_timestamp, record::text AS record
FROM stepwise_log_records
WHERE execution_arn = sqlc.arg(execution_arn)
ORDER BY event_timestamp, id
LIMIT sqlc.arg(max_rows);
