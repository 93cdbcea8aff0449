-- name: InsertTaskLeases :exec
-- Writes leases, replacing a run's earlier one. ROWS FROM (unnest(a),
-- unnest(b)) is what PostgreSQL makes of unnest(a, b), which sqlc cannot type.
INSERT INTO stepwise_task_leases (run_id, seq, until, args)
SELECT u.run_id, u.seq, u.until, u.args
FROM ROWS FROM (unnest(sqlc.arg(run_ids)::bigint[]), unnest(sqlc.arg(seqs)::bigint[]), unnest(sqlc.arg(untils)::timestamptz[]),
                unnest(sqlc.arg(args)::text[])) AS u(run_id, seq, until, args)
ON CONFLICT (run_id) DO UPDATE SET seq = excluded.seq, until = excluded.until, args = excluded.args;

-- name: DeleteTaskLeases :exec
-- Ends the leases of tasks whose results are recorded.
DELETE FROM stepwise_task_leases AS l
USING ROWS FROM (unnest(sqlc.arg(run_ids)::bigint[]), unnest(sqlc.arg(seqs)::bigint[])) AS u(run_id, seq)
WHERE l.run_id = u.run_id AND l.seq = u.seq;

-- name: DeleteRunLeases :exec
-- Ends the leases of runs whose tasks are cancelled.
DELETE FROM stepwise_task_leases WHERE run_id = ANY(sqlc.arg(run_ids)::bigint[]);

-- name: ExtendTaskLeases :many
-- Pushes the given leases forward and returns the runs of those it moved.
-- Rows another transaction holds (a result being recorded, a lease being
-- taken over) are skipped rather than waited for.
WITH held AS (
    SELECT l.run_id FROM stepwise_task_leases AS l
    JOIN ROWS FROM (unnest(sqlc.arg(run_ids)::bigint[]), unnest(sqlc.arg(seqs)::bigint[])) AS u(run_id, seq) ON l.run_id = u.run_id AND l.seq = u.seq
    FOR UPDATE OF l SKIP LOCKED
)
UPDATE stepwise_task_leases AS l SET until = sqlc.arg(until) FROM held WHERE l.run_id = held.run_id
RETURNING l.run_id;

-- name: HeldTaskLeases :many
-- The runs among the given leases whose lease still exists.
SELECT l.run_id FROM stepwise_task_leases AS l
JOIN ROWS FROM (unnest(sqlc.arg(run_ids)::bigint[]), unnest(sqlc.arg(seqs)::bigint[])) AS u(run_id, seq) ON l.run_id = u.run_id AND l.seq = u.seq;

-- name: TakeExpiredTaskLeases :many
-- Deletes up to max_rows leases that ran out and returns their tasks' arguments.
DELETE FROM stepwise_task_leases WHERE run_id IN (
    SELECT run_id FROM stepwise_task_leases WHERE until < now()
    ORDER BY until LIMIT sqlc.arg(max_rows) FOR UPDATE SKIP LOCKED)
RETURNING args;

-- name: ReleaseTaskLeases :many
-- Deletes the given leases and returns their tasks' arguments.
DELETE FROM stepwise_task_leases AS l
USING ROWS FROM (unnest(sqlc.arg(run_ids)::bigint[]), unnest(sqlc.arg(seqs)::bigint[])) AS u(run_id, seq)
WHERE l.run_id = u.run_id AND l.seq = u.seq
RETURNING l.args;
