-- name: RunVariables
-- The variables a run sees: its own, or else the nearest ancestor's.
WITH RECURSIVE chain AS (
    SELECT id, parent_id, variables, 0 AS depth FROM stepwise_runs WHERE id = $1
    UNION ALL
    SELECT r.id, r.parent_id, r.variables, c.depth + 1
    FROM stepwise_runs r JOIN chain c ON r.id = c.parent_id
    WHERE c.variables IS NULL
)
SELECT variables FROM chain WHERE variables IS NOT NULL ORDER BY depth LIMIT 1;

-- name: SaveRunVariables
UPDATE stepwise_runs SET variables = $2 WHERE id = $1;

-- name: IsolateChildVariables
UPDATE stepwise_runs SET variables = '{}' WHERE parent_id = $1;
