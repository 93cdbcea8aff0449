-- name: InsertActivity :one
INSERT INTO stepwise_activities (name, arn, encryption_type, kms_key_id, kms_data_key_reuse_period_seconds)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
RETURNING id, name, arn, created_at, encryption_type, kms_key_id, kms_data_key_reuse_period_seconds;

-- name: GetActivity :one
SELECT id, name, arn, created_at, encryption_type, kms_key_id, kms_data_key_reuse_period_seconds
FROM stepwise_activities WHERE name = $1;

-- name: ListActivities :many
SELECT id, name, arn, created_at, encryption_type, kms_key_id, kms_data_key_reuse_period_seconds FROM stepwise_activities
WHERE name > sqlc.arg(after) ORDER BY name LIMIT sqlc.arg(max_rows);

-- name: DeleteActivity :exec
DELETE FROM stepwise_activities WHERE name = $1;

-- name: InsertActivityTask :exec
INSERT INTO stepwise_activity_tasks (token, activity, execution_id, run_id, seq, input)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: ClaimActivityTask :one
UPDATE stepwise_activity_tasks SET claimed_at = now(), worker = sqlc.arg(worker)::text
WHERE token = (
    SELECT w.token FROM stepwise_activity_tasks AS w
    WHERE w.activity = sqlc.arg(activity) AND w.claimed_at IS NULL
    ORDER BY w.created_at
    FOR UPDATE SKIP LOCKED
    LIMIT 1
)
RETURNING token, activity, execution_id, run_id, seq, input;

-- name: DeleteActivityTask :exec
DELETE FROM stepwise_activity_tasks WHERE token = $1;
