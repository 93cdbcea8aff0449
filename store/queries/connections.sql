-- name: InsertConnection :one
INSERT INTO stepwise_connections (name, arn, description, authorization_type, auth_parameters, sealed, key_id)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (name) DO NOTHING
RETURNING name, arn, description, authorization_type, auth_parameters, sealed, key_id, created_at;

-- name: GetConnection :one
SELECT name, arn, description, authorization_type, auth_parameters, sealed, key_id, created_at
FROM stepwise_connections WHERE name = $1;

-- name: ListConnections :many
SELECT name, arn, description, authorization_type, auth_parameters, sealed, key_id, created_at
FROM stepwise_connections
WHERE name > sqlc.arg(after) ORDER BY name LIMIT sqlc.arg(max_rows);

-- name: DeleteConnection :execrows
DELETE FROM stepwise_connections WHERE name = $1;
