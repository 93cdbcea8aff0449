-- name: RegisterFunction :exec
INSERT INTO stepwise_functions (name) VALUES ($1)
ON CONFLICT (name) DO UPDATE SET last_seen = now();

-- name: FunctionKnown :one
SELECT EXISTS (SELECT 1 FROM stepwise_functions WHERE name = $1);
