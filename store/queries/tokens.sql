-- name: InsertTaskToken :exec
INSERT INTO stepwise_task_tokens (token, execution_id, run_id, seq) VALUES ($1, $2, $3, $4);

-- name: GetTaskToken :one
SELECT token, execution_id, run_id, seq, closed FROM stepwise_task_tokens WHERE token = $1;

-- name: CloseTaskToken :exec
UPDATE stepwise_task_tokens SET closed = true WHERE token = $1;
