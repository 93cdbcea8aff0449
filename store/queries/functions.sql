-- name: RegisterFunction :exec
INSERT INTO stepwise_functions (name) VALUES ($1)
ON CONFLICT (name) DO UPDATE SET last_seen = now();

-- name: FunctionKnown :one
SELECT EXISTS (SELECT 1 FROM stepwise_functions WHERE name = $1);

-- name: TouchFunctions :exec
INSERT INTO stepwise_functions (name) SELECT unnest(@names::text[])
ON CONFLICT (name) DO UPDATE SET last_seen = now();

-- name: FunctionsNamed :many
SELECT name, last_seen, EXTRACT(EPOCH FROM now() - last_seen)::float8 AS age_seconds
FROM stepwise_functions
WHERE name = ANY(@names::text[]) ORDER BY name;
