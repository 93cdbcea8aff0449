-- name: InsertRun :one
INSERT INTO stepwise_runs (execution_id, parent_id, idx, machine_path, status, state, state_input)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: InsertPendingRuns :exec
-- PENDING children of a run, one per input (ROWS FROM: see InsertTaskLeases).
INSERT INTO stepwise_runs (execution_id, parent_id, idx, machine_path, status, state, state_input)
SELECT sqlc.arg(execution_id), sqlc.arg(parent_id)::bigint, r.idx, sqlc.arg(machine_path), 'PENDING', sqlc.arg(state), r.input
FROM ROWS FROM (unnest(sqlc.arg(idx)::integer[]), unnest(sqlc.arg(inputs)::text[])) AS r(idx, input);

-- name: InsertPendingBranches :exec
-- PENDING children of a Parallel state, one per branch, each with its own
-- machine path and StartAt, all with the same input.
INSERT INTO stepwise_runs (execution_id, parent_id, idx, machine_path, status, state, state_input)
SELECT sqlc.arg(execution_id), sqlc.arg(parent_id)::bigint, r.idx, r.machine_path, 'PENDING', r.state, sqlc.arg(input)::text
FROM ROWS FROM (unnest(sqlc.arg(idx)::integer[]), unnest(sqlc.arg(machine_paths)::text[]), unnest(sqlc.arg(states)::text[]))
     AS r(idx, machine_path, state);

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

-- name: ClaimPendingRuns :many
-- Claims PENDING children from index from_idx on, in index order, on the
-- (parent_id, idx) index: the caller knows every child before it is claimed.
-- It returns the whole runs, for the caller to begin them at once.
UPDATE stepwise_runs SET status = 'RUNNING', seq = seq + 1
WHERE id IN (SELECT c.id FROM stepwise_runs AS c WHERE c.parent_id = sqlc.arg(parent_id)::bigint AND c.idx >= sqlc.arg(from_idx)
             AND c.status = 'PENDING' ORDER BY c.idx LIMIT sqlc.arg(max_rows))
RETURNING id, execution_id, parent_id, idx, machine_path, status, state, state_input, state_entered_at,
          entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
          output, error, cause;

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
