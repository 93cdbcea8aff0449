-- Leases of the tasks a process runs itself (see migration 0005). A lease
-- belongs to one task: its run at one sequence number.

-- name: InsertTaskLeases
INSERT INTO stepwise_task_leases (run_id, seq, until, args)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::text[])
ON CONFLICT (run_id) DO UPDATE SET seq = excluded.seq, until = excluded.until, args = excluded.args;

-- name: DeleteTaskLeases
-- Ends the leases of tasks whose results are recorded.
DELETE FROM stepwise_task_leases AS l
USING unnest($1::bigint[], $2::bigint[]) AS u(run_id, seq)
WHERE l.run_id = u.run_id AND l.seq = u.seq;

-- name: DeleteRunLeases
-- Ends the leases of runs whose tasks are cancelled.
DELETE FROM stepwise_task_leases WHERE run_id = ANY($1::bigint[]);

-- name: ExtendTaskLeases
-- Pushes the given leases forward and returns the runs of those it moved.
-- Rows another transaction holds (a result being recorded, a lease being
-- taken over) are skipped rather than waited for.
WITH held AS (
    SELECT l.run_id FROM stepwise_task_leases AS l
    JOIN unnest($1::bigint[], $2::bigint[]) AS u(run_id, seq) ON l.run_id = u.run_id AND l.seq = u.seq
    FOR UPDATE OF l SKIP LOCKED
)
UPDATE stepwise_task_leases AS l SET until = $3 FROM held WHERE l.run_id = held.run_id
RETURNING l.run_id;

-- name: HeldTaskLeases
-- The runs among the given leases whose lease still exists.
SELECT l.run_id FROM stepwise_task_leases AS l
JOIN unnest($1::bigint[], $2::bigint[]) AS u(run_id, seq) ON l.run_id = u.run_id AND l.seq = u.seq;

-- name: TakeExpiredTaskLeases
-- Deletes up to $1 leases that ran out and returns their tasks' arguments.
DELETE FROM stepwise_task_leases WHERE run_id IN (
    SELECT run_id FROM stepwise_task_leases WHERE until < now()
    ORDER BY until LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING args;

-- name: ReleaseTaskLeases
-- Deletes the given leases and returns their tasks' arguments.
DELETE FROM stepwise_task_leases AS l
USING unnest($1::bigint[], $2::bigint[]) AS u(run_id, seq)
WHERE l.run_id = u.run_id AND l.seq = u.seq
RETURNING l.args;
