-- name: InsertRun
INSERT INTO stepwise_runs (execution_id, parent_id, idx, machine_path, status, state, state_input)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id;

-- name: InsertPendingRuns
INSERT INTO stepwise_runs (execution_id, parent_id, idx, machine_path, status, state, state_input)
SELECT $1, $2, r.idx, $3, 'PENDING', $4, r.input
FROM unnest($5::integer[], $6::text[]) AS r(idx, input);

-- name: GetRun
SELECT id, execution_id, parent_id, idx, machine_path, status, state, state_input, state_entered_at,
       entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
       output, error, cause
FROM stepwise_runs WHERE id = $1;

-- name: GetRunByToken
SELECT id, execution_id, parent_id, idx, machine_path, status, state, state_input, state_entered_at,
       entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
       output, error, cause
FROM stepwise_runs WHERE task_token = $1;

-- name: TopRun
SELECT id, execution_id, parent_id, idx, machine_path, status, state, state_input, state_entered_at,
       entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
       output, error, cause
FROM stepwise_runs WHERE execution_id = $1 AND parent_id IS NULL;

-- name: ClaimPendingRuns
-- Claims PENDING children from index $2 on, in index order, on the
-- (parent_id, idx) index: the caller knows every child before $2 is claimed.
UPDATE stepwise_runs SET status = 'RUNNING', seq = seq + 1
WHERE id IN (SELECT id FROM stepwise_runs WHERE parent_id = $1 AND idx >= $2 AND status = 'PENDING'
             ORDER BY idx LIMIT $3)
RETURNING id, idx, seq;

-- name: ChildOutputs
SELECT idx, status, output, error, cause FROM stepwise_runs WHERE parent_id = $1 ORDER BY idx;

-- name: ActiveDescendants
WITH RECURSIVE tree AS (
    SELECT id FROM stepwise_runs WHERE id = $1
    UNION ALL
    SELECT r.id FROM stepwise_runs r JOIN tree t ON r.parent_id = t.id
)
SELECT r.id FROM stepwise_runs r JOIN tree t ON r.id = t.id
WHERE r.id <> $1 AND r.status IN ('PENDING', 'RUNNING');

-- name: AbortRuns
UPDATE stepwise_runs SET status = 'ABORTED', seq = seq + 1, task_token = NULL
WHERE id = ANY($1::bigint[]);

-- name: TouchHeartbeat
UPDATE stepwise_runs SET heartbeat_at = now()
WHERE id = $1 AND seq = $2 AND status = 'RUNNING' AND task_token IS NOT NULL;

-- name: FailedRuns
SELECT id FROM stepwise_runs
WHERE execution_id = $1 AND status IN ('FAILED', 'ABORTED') ORDER BY id;

-- name: DeleteChildren
DELETE FROM stepwise_runs WHERE parent_id = $1;

-- name: ResetChildren
UPDATE stepwise_runs
SET status = 'PENDING', seq = seq + 1, error = NULL, cause = NULL, task_token = NULL
WHERE parent_id = $1 AND status <> 'SUCCEEDED'
RETURNING id;

-- name: ExecutionRuns
SELECT id, status FROM stepwise_runs WHERE execution_id = $1;

-- name: InsertTaskToken
INSERT INTO stepwise_task_tokens (token, execution_id, run_id, seq) VALUES ($1, $2, $3, $4);

-- name: GetTaskToken
SELECT token, execution_id, run_id, seq, closed FROM stepwise_task_tokens WHERE token = $1;

-- name: CloseTaskToken
UPDATE stepwise_task_tokens SET closed = true WHERE token = $1;

-- name: TaskJobsOfRun
-- The River jobs still to run, or running, a run's task. River keeps the
-- job's arguments in a GIN-indexed column, so this needs no column of ours.
SELECT id FROM river_job
WHERE kind = 'stepwise_task' AND args @> jsonb_build_object('run_id', $1::bigint)
  AND state IN ('available', 'pending', 'retryable', 'running', 'scheduled');

-- name: GetRuns
SELECT id, execution_id, parent_id, idx, machine_path, status, state, state_input, state_entered_at,
       entered_event_id, retries, seq, waiting, fork, task_token, heartbeat_at,
       output, error, cause
FROM stepwise_runs WHERE id = ANY($1::bigint[]);
