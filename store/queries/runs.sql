-- name: InsertRun :one
INSERT INTO stepwise_runs (execution_id, parent_id, idx, machine_path, status, state, state_input)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: InsertPendingRuns :exec
-- PENDING children of a run, one per input (ROWS FROM: see InsertTaskLeases).
INSERT INTO stepwise_runs (execution_id, parent_id, idx, machine_path, status, state, state_input)
SELECT sqlc.arg(execution_id), sqlc.arg(parent_id)::bigint, r.idx, sqlc.arg(machine_path), 'PENDING', sqlc.arg(state), r.input
FROM ROWS FROM (unnest(sqlc.arg(idx)::integer[]), unnest(sqlc.arg(inputs)::text[])) AS r(idx, input);

-- name: GetRun :one
SELECT id, execution_id, parent_id, idx, machine_path, status, state, state_input, state_entered_at,
       entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
       output, error, cause
FROM stepwise_runs WHERE id = $1;

-- name: GetRunByToken :one
SELECT id, execution_id, parent_id, idx, machine_path, status, state, state_input, state_entered_at,
       entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
       output, error, cause
FROM stepwise_runs WHERE task_token = $1::text;

-- name: TopRun :one
SELECT id, execution_id, parent_id, idx, machine_path, status, state, state_input, state_entered_at,
       entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
       output, error, cause
FROM stepwise_runs WHERE execution_id = $1 AND parent_id IS NULL;

-- name: GetRuns :many
SELECT id, execution_id, parent_id, idx, machine_path, status, state, state_input, state_entered_at,
       entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
       output, error, cause
FROM stepwise_runs WHERE id = ANY(sqlc.arg(ids)::bigint[]);

-- name: GetRunsAndParents :many
-- Runs, and the parents of those that have one (a child that ends moves
-- its parent). The parents are found on the primary key alone: a
-- "parent_id IS NOT NULL" condition there let the planner scan every
-- child of a large Map on the (parent_id, idx) index instead (a NULL
-- parent matches no id).
SELECT id, execution_id, parent_id, idx, machine_path, status, state, state_input, state_entered_at,
       entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
       output, error, cause
FROM stepwise_runs
WHERE id = ANY(ARRAY(SELECT unnest(sqlc.arg(ids)::bigint[])
                     UNION SELECT c.parent_id FROM stepwise_runs AS c
                           WHERE c.id = ANY(sqlc.arg(ids)::bigint[])));

-- name: PendingChildren :many
-- Up to max_rows PENDING children of each parent, from its index from_idx
-- on, in index order, on the (parent_id, idx) index: the caller knows
-- every child before it begins. The caller holds the execution's lock and
-- begins (and so saves) them in its transaction: no update claims them.
SELECT c.id, c.execution_id, c.parent_id, c.idx, c.machine_path, c.status, c.state, c.state_input, c.state_entered_at,
       c.entered_event_id, c.retries, c.seq, c.waiting, c.fork, c.task_token, c.heartbeat_at,
       c.output, c.error, c.cause
FROM ROWS FROM (unnest(sqlc.arg(parent_ids)::bigint[]), unnest(sqlc.arg(from_idx)::integer[]), unnest(sqlc.arg(max_rows)::integer[]))
     AS w(parent_id, from_idx, max_rows)
CROSS JOIN LATERAL (
    SELECT r.* FROM stepwise_runs AS r
    WHERE r.parent_id = w.parent_id AND r.idx >= w.from_idx AND r.status = 'PENDING'
    ORDER BY r.idx LIMIT w.max_rows) AS c
ORDER BY c.parent_id, c.idx;

-- name: ChildResults :many
SELECT idx, status, output, error, cause FROM stepwise_runs WHERE parent_id = $1::bigint ORDER BY idx;

-- name: ActiveDescendants :many
WITH RECURSIVE tree AS (
    SELECT id FROM stepwise_runs WHERE id = $1
    UNION ALL
    SELECT r.id FROM stepwise_runs r JOIN tree t ON r.parent_id = t.id
)
SELECT r.id FROM stepwise_runs r JOIN tree t ON r.id = t.id
WHERE r.id <> $1 AND r.status IN ('PENDING', 'RUNNING');

-- name: AbortRuns :exec
UPDATE stepwise_runs SET status = 'ABORTED', seq = seq + 1, task_token = NULL
WHERE id = ANY(sqlc.arg(ids)::bigint[]);

-- name: TouchHeartbeat :execresult
UPDATE stepwise_runs SET heartbeat_at = now()
WHERE id = $1 AND seq = $2 AND status = 'RUNNING' AND task_token IS NOT NULL;

-- name: DeleteChildren :exec
DELETE FROM stepwise_runs WHERE parent_id = $1::bigint;

-- name: ResetChildren :many
UPDATE stepwise_runs
SET status = 'PENDING', seq = seq + 1, error = NULL, cause = NULL, task_token = NULL
WHERE parent_id = $1::bigint AND status <> 'SUCCEEDED'
RETURNING id;

-- name: ExecutionRuns :many
SELECT id, status FROM stepwise_runs WHERE execution_id = $1;

-- name: ListRunOutlines :many
SELECT id, parent_id, idx, machine_path, status, state, state_entered_at, entered_event_id,
       retries, task_token, error, cause
FROM stepwise_runs WHERE execution_id = $1 ORDER BY id;

-- name: GetRunDetail :one
SELECT id, parent_id, idx, machine_path, status, state, state_input, state_entered_at, entered_event_id,
       retries, task_token, output, error, cause
FROM stepwise_runs WHERE execution_id = $1 AND id = $2;
