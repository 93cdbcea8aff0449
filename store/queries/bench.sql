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

-- name: CountRunning
SELECT count(*) FROM stepwise_executions WHERE status = 'RUNNING';

-- name: AnalyzeTables
ANALYZE stepwise_executions, stepwise_runs, stepwise_events, river_job;
