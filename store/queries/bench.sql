-- Read by `stepwise bench` to report what a workload cost and how long
-- its executions took.

-- name: CommitCount
SELECT xact_commit FROM pg_stat_database WHERE datname = current_database();

-- name: ExecutionDurations
-- Microseconds from start to stop of every execution stopped that started
-- at or after $1.
SELECT (extract(epoch FROM stopped_at - started_at) * 1e6)::bigint
FROM stepwise_executions WHERE stopped_at IS NOT NULL AND started_at >= $1;

-- name: DispatchLatencies
-- Microseconds from TaskScheduled to TaskStarted, per execution with one.
SELECT (extract(epoch FROM max(timestamp) FILTER (WHERE type = 'TaskStarted')
                         - max(timestamp) FILTER (WHERE type = 'TaskScheduled')) * 1e6)::bigint
FROM stepwise_events
WHERE type IN ('TaskScheduled', 'TaskStarted')
GROUP BY execution_id
HAVING count(*) FILTER (WHERE type = 'TaskStarted') > 0;

-- name: CountEvents
SELECT count(*) FROM stepwise_events WHERE type = $1;

-- name: DatabaseBackends
SELECT pid FROM pg_stat_activity WHERE datname = current_database();

-- name: AnalyzeTables
ANALYZE stepwise_executions, stepwise_runs, stepwise_events, river_job;

-- name: SeedHistory
-- The history of $1 finished executions of a one-Pass machine named
-- "history", stopped a day ago, as a database in use holds.
WITH m AS (
    INSERT INTO stepwise_state_machines (name, arn, latest_version)
    VALUES ('history', 'arn:aws:states:us-east-1:000000000000:stateMachine:history', 1)
    RETURNING id
), v AS (
    INSERT INTO stepwise_state_machine_versions (state_machine_id, version, definition)
    SELECT id, 1, '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}' FROM m
), x AS (
    INSERT INTO stepwise_executions (arn, state_machine_id, version, name, status, input, output,
                                     started_at, stopped_at, last_event_id)
    SELECT 'arn:aws:states:us-east-1:000000000000:execution:history:h-' || g, m.id, 1, 'h-' || g,
           'SUCCEEDED', '{}', '{}', now() - interval '1 day', now() - interval '1 day', 4
    FROM m, generate_series(1, $1::integer) AS g
    RETURNING id
), r AS (
    INSERT INTO stepwise_runs (execution_id, status, state, state_input, output)
    SELECT id, 'SUCCEEDED', 'P', '{}', '{}' FROM x
)
INSERT INTO stepwise_events (execution_id, id, previous_id, type, timestamp, state, details)
SELECT x.id, e.id, e.id - 1, e.type, now() - interval '1 day', e.state, e.details
FROM x, (VALUES (1, 'ExecutionStarted', NULL, '{"input":{}}'), (2, 'PassStateEntered', 'P', '{"input":{}}'),
                (3, 'PassStateExited', 'P', '{"output":{}}'), (4, 'ExecutionSucceeded', NULL, '{"output":{}}'))
     AS e(id, type, state, details);

-- name: CountStatusesSince
SELECT status, count(*) FROM stepwise_executions WHERE started_at >= $1 GROUP BY status;
