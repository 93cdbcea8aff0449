-- name: InsertMapRun :one
INSERT INTO stepwise_map_runs (arn, execution_id, run_id, state, label, max_concurrency,
                               tolerated_failure_count, tolerated_failure_percentage, started_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
RETURNING id;

-- name: GetMapRun :one
SELECT * FROM stepwise_map_runs WHERE id = $1;

-- name: GetMapRunByARN :one
SELECT * FROM stepwise_map_runs WHERE arn = $1;

-- name: ListMapRuns :many
-- An execution's Map runs, oldest first, after the id after_id.
SELECT * FROM stepwise_map_runs
WHERE execution_id = $1 AND id > sqlc.arg(after_id)::bigint
ORDER BY id LIMIT sqlc.arg(max_rows);

-- name: AdvanceMapRunReader :exec
-- Records the children created from the reader and where it now stands.
UPDATE stepwise_map_runs
SET reader_position = $2, items_read = $3, children = $4, reader_done = $5
WHERE id = $1;

-- name: EndMapRun :exec
UPDATE stepwise_map_runs SET status = $2, stopped_at = $3, results_written = $4
WHERE id = $1 AND status = 'RUNNING';

-- name: UpdateMapRunSettings :exec
UPDATE stepwise_map_runs
SET max_concurrency = $2, tolerated_failure_count = $3, tolerated_failure_percentage = $4
WHERE id = $1;

-- name: MapRunChildCounts :many
-- How many of a Map run's children are in each status.
SELECT status, count(*) AS count FROM stepwise_executions
WHERE map_run_id = sqlc.arg(map_run_id)::bigint GROUP BY status;

-- name: MapRunChildren :many
-- A page of a Map run's children in item order, from index from_index.
SELECT id, arn, name, status, input, output, error, cause, started_at, stopped_at, redrive_count, map_index
FROM stepwise_executions
WHERE map_run_id = sqlc.arg(map_run_id)::bigint AND map_index >= sqlc.arg(from_index)::integer
ORDER BY map_index LIMIT sqlc.arg(max_rows);

-- name: AbortMapRunsOf :exec
-- The Map runs of runs that are aborted end with them.
UPDATE stepwise_map_runs SET status = 'ABORTED', stopped_at = sqlc.arg(stopped_at)::timestamptz
WHERE run_id = ANY(sqlc.arg(run_ids)::bigint[]) AND status = 'RUNNING';

-- name: RedriveMapRun :exec
UPDATE stepwise_map_runs
SET status = 'RUNNING', stopped_at = NULL, redrive_count = redrive_count + 1,
    redrive_date = sqlc.arg(redrive_date)::timestamptz
WHERE id = $1;

-- name: MapRunChildrenToRedrive :many
-- A Map run's children that ended other than SUCCEEDED, in item order
-- from index from_index.
SELECT id, map_index::integer AS map_index FROM stepwise_executions
WHERE map_run_id = sqlc.arg(map_run_id)::bigint AND map_index >= sqlc.arg(from_index)::integer
  AND status IN ('FAILED', 'TIMED_OUT', 'ABORTED')
ORDER BY map_index LIMIT sqlc.arg(max_rows);

-- name: CountRunningMapChildren :one
-- How many child executions of an execution's Map runs are RUNNING.
SELECT count(*) FROM stepwise_executions c JOIN stepwise_map_runs m ON c.map_run_id = m.id
WHERE m.execution_id = $1 AND c.status = 'RUNNING';

-- name: CountMapChildEnd :one
-- Marks the end of child id of Map run map_run_id counted, and returns
-- how it ended; no row when it was counted already (or is another Map
-- run's).
UPDATE stepwise_executions SET map_counted = true
WHERE id = $1 AND map_run_id = sqlc.arg(map_run_id)::bigint AND NOT map_counted AND status <> 'RUNNING'
RETURNING status, error, cause;

-- name: CountMapChildEnds :exec
-- Marks the ends of a Map run's ended children counted (a redrive counts
-- them by status), so that late notices of them do not count again.
UPDATE stepwise_executions SET map_counted = true
WHERE map_run_id = sqlc.arg(map_run_id)::bigint AND NOT map_counted AND status <> 'RUNNING';
