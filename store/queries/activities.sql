-- name: InsertActivity
INSERT INTO stepwise_activities (name, arn) VALUES ($1, $2)
ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name
RETURNING id, name, arn, created_at;

-- name: GetActivity
SELECT id, name, arn, created_at FROM stepwise_activities WHERE name = $1;

-- name: ListActivities
SELECT id, name, arn, created_at FROM stepwise_activities WHERE name > $1 ORDER BY name LIMIT $2;

-- name: DeleteActivity
DELETE FROM stepwise_activities WHERE name = $1;

-- name: InsertActivityTask
INSERT INTO stepwise_activity_tasks (token, activity, execution_id, run_id, seq, input)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: ClaimActivityTask
UPDATE stepwise_activity_tasks SET claimed_at = now(), worker = $2
WHERE token = (
    SELECT token FROM stepwise_activity_tasks
    WHERE activity = $1 AND claimed_at IS NULL
    ORDER BY created_at
    FOR UPDATE SKIP LOCKED
    LIMIT 1
)
RETURNING token, activity, execution_id, run_id, seq, input;

-- name: DeleteActivityTask
DELETE FROM stepwise_activity_tasks WHERE token = $1;
