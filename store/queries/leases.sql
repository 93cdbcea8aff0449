-- name: InsertTaskLeases :exec
-- Writes the leases of the local tasks one commit dispatched, as one row.
INSERT INTO stepwise_task_leases (owner, id, until, run_ids, seqs, args)
VALUES (sqlc.arg(owner), sqlc.arg(id), sqlc.arg(until), sqlc.arg(run_ids)::bigint[], sqlc.arg(seqs)::bigint[], sqlc.arg(args)::text[]);

-- name: DeleteTaskLeases :exec
-- Deletes an owner's rows whose tasks have all ended.
DELETE FROM stepwise_task_leases WHERE owner = sqlc.arg(owner) AND id = ANY(sqlc.arg(ids)::bigint[]);

-- name: ExtendTaskLeases :many
-- Pushes an owner's given rows forward and returns the ids of those it
-- moved. Rows another transaction holds (being taken over) are skipped
-- rather than waited for.
WITH held AS (
    SELECT l.id FROM stepwise_task_leases AS l
    WHERE l.owner = sqlc.arg(owner) AND l.id = ANY(sqlc.arg(ids)::bigint[])
    FOR UPDATE SKIP LOCKED
)
UPDATE stepwise_task_leases AS l SET until = sqlc.arg(until) FROM held
WHERE l.owner = sqlc.arg(owner) AND l.id = held.id
RETURNING l.id;

-- name: HeldTaskLeases :many
-- The ids among an owner's given rows that still exist.
SELECT id FROM stepwise_task_leases WHERE owner = sqlc.arg(owner) AND id = ANY(sqlc.arg(ids)::bigint[]);

-- name: TakeExpiredTaskLeases :many
-- Deletes up to max_rows rows that ran out and returns their tasks.
DELETE FROM stepwise_task_leases WHERE (owner, id) IN (
    SELECT owner, id FROM stepwise_task_leases WHERE until < now()
    ORDER BY until LIMIT sqlc.arg(max_rows) FOR UPDATE SKIP LOCKED)
RETURNING run_ids, seqs, args;

-- name: ReleaseTaskLeases :many
-- Deletes all of an owner's rows and returns their tasks.
DELETE FROM stepwise_task_leases WHERE owner = sqlc.arg(owner)
RETURNING run_ids, seqs, args;

-- name: WaitingTasks :many
-- The tasks, of those given, whose runs still wait on them: the run is
-- RUNNING at the task's sequence number, in a RUNNING execution.
SELECT r.id, r.seq FROM stepwise_runs AS r
JOIN ROWS FROM (unnest(sqlc.arg(run_ids)::bigint[]), unnest(sqlc.arg(seqs)::bigint[])) AS u(run_id, seq)
  ON r.id = u.run_id AND r.seq = u.seq
JOIN stepwise_executions AS x ON x.id = r.execution_id
WHERE r.status = 'RUNNING' AND x.status = 'RUNNING';
