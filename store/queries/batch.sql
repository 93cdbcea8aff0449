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

-- name: NewExecutionIDs
-- Ids for executions about to be created with their top-level runs.
SELECT nextval('stepwise_executions_id_seq') AS execution_id, nextval('stepwise_runs_id_seq') AS run_id
FROM generate_series(1, $1::integer);

-- name: InsertExecutionsAndRuns
-- Creates executions with their top-level runs as their first transaction
-- left them. A name already taken in its state machine is a unique
-- violation that fails the statement.
WITH e AS (
    INSERT INTO stepwise_executions (id, arn, state_machine_id, version, name, status, input, output,
                                     error, cause, started_at, stopped_at, last_event_id)
    SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::integer[], $5::text[], $6::text[],
                         $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[],
                         $12::timestamptz[], $13::bigint[])
)
INSERT INTO stepwise_runs (id, execution_id, machine_path, status, state, state_input, state_entered_at,
                           entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
                           output, error, cause)
SELECT u.id, u.execution_id, '[]', u.status, u.state, u.state_input, u.state_entered_at, u.entered_event_id,
       u.retries::integer[], u.seq, u.waiting, u.fork, u.task_token, u.heartbeat_at, u.output, u.error, u.cause
FROM unnest($14::bigint[], $15::bigint[], $16::text[], $17::text[], $18::text[], $19::timestamptz[],
            $20::bigint[], $21::text[], $22::bigint[], $23::text[], $24::text[], $25::text[],
            $26::timestamptz[], $27::text[], $28::text[], $29::text[])
     AS u(id, execution_id, status, state, state_input, state_entered_at, entered_event_id, retries,
          seq, waiting, fork, task_token, heartbeat_at, output, error, cause);
