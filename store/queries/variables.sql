-- name: RunVariables :one
-- The variables a run sees: its own, or else the nearest ancestor's.
WITH RECURSIVE chain AS (
    SELECT s.id, s.parent_id, s.variables, 0 AS depth FROM stepwise_runs AS s WHERE s.id = $1
    UNION ALL
    SELECT r.id, r.parent_id, r.variables, c.depth + 1
    FROM stepwise_runs r JOIN chain c ON r.id = c.parent_id
    WHERE c.variables IS NULL
)
SELECT variables::text FROM chain WHERE variables IS NOT NULL ORDER BY depth LIMIT 1;

-- name: SaveRunVariables :exec
UPDATE stepwise_runs SET variables = sqlc.arg(variables)::text WHERE id = sqlc.arg(id);
