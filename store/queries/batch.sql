-- Statements that write many rows at once, so that a transaction moving
-- many executions costs a few statements rather than a few per execution.

-- name: InsertEventsBatch
INSERT INTO stepwise_events (execution_id, id, previous_id, type, timestamp, state, details)
SELECT e.execution_id, e.id, e.id - 1, e.type, e.ts, e.state, e.details
FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::text[], $6::text[])
     AS e(execution_id, id, type, ts, state, details);

-- name: UpdateExecutionsBatch
UPDATE stepwise_executions AS x
SET status = u.status, output = u.output, error = u.error, cause = u.cause,
    stopped_at = u.stopped_at, last_event_id = u.last_event_id
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::bigint[])
     AS u(id, status, output, error, cause, stopped_at, last_event_id)
WHERE x.id = u.id;

-- name: SaveRunsBatch
-- keep_input leaves a run's (possibly large) state input as stored.
UPDATE stepwise_runs AS r
SET status = u.status, state = u.state,
    state_input = CASE WHEN u.keep_input THEN r.state_input ELSE u.state_input END,
    state_entered_at = u.state_entered_at, entered_event_id = u.entered_event_id,
    retries = u.retries::integer[], seq = u.seq, waiting = u.waiting, fork = u.fork,
    task_token = u.task_token, heartbeat_at = u.heartbeat_at,
    output = u.output, error = u.error, cause = u.cause
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::boolean[], $6::timestamptz[], $7::bigint[],
            $8::text[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::timestamptz[],
            $14::text[], $15::text[], $16::text[])
     AS u(id, status, state, state_input, keep_input, state_entered_at, entered_event_id,
          retries, seq, waiting, fork, task_token, heartbeat_at, output, error, cause)
WHERE r.id = u.id;

-- name: InsertExecutionsAndRuns
-- Creates executions with their top-level runs; a name already taken in
-- its state machine is skipped (no row comes back for it).
WITH u AS (
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::integer[], $4::text[], $5::text[], $6::timestamptz[], $7::text[])
        AS u(arn, state_machine_id, version, name, input, started_at, start_state)
), e AS (
    INSERT INTO stepwise_executions (arn, state_machine_id, version, name, status, input, started_at)
    SELECT arn, state_machine_id, version, name, 'RUNNING', input, started_at FROM u
    ON CONFLICT DO NOTHING
    RETURNING id, arn, state_machine_id, version, name, status, input, output, error, cause,
              started_at, stopped_at, last_event_id, redrive_count
), r AS (
    INSERT INTO stepwise_runs (execution_id, machine_path, status, state)
    SELECT e.id, '[]', 'RUNNING', u.start_state FROM e JOIN u ON u.arn = e.arn
    RETURNING id, execution_id
)
SELECT e.*, r.id AS run_id FROM e JOIN r ON r.execution_id = e.id;
