-- name: InsertExpressStarts :exec
-- Records accepted EXPRESS starts, all in one statement.
-- An empty test case is none (NULL).
INSERT INTO stepwise_express_starts (arn, state_machine, version, name, input, started_at, test_case, owner, until)
SELECT u.arn, u.state_machine, u.version, u.name, u.input, u.started_at, NULLIF(u.test_case, ''), sqlc.arg(owner)::text, sqlc.arg(until)::timestamptz
FROM ROWS FROM (unnest(sqlc.arg(arns)::text[]), unnest(sqlc.arg(state_machines)::text[]), unnest(sqlc.arg(versions)::integer[]),
                unnest(sqlc.arg(names)::text[]), unnest(sqlc.arg(inputs)::text[]), unnest(sqlc.arg(started_ats)::timestamptz[]),
                unnest(sqlc.arg(test_cases)::text[]))
    AS u(arn, state_machine, version, name, input, started_at, test_case);

-- name: DeleteExpressStarts :exec
-- Ends the records of EXPRESS executions that ended.
DELETE FROM stepwise_express_starts WHERE arn = ANY(sqlc.arg(arns)::text[]);

-- name: RenewExpressStarts :execrows
-- Pushes forward the leases owner holds on the starts arns, those it
-- runs.
UPDATE stepwise_express_starts SET until = sqlc.arg(until)::timestamptz
WHERE owner = sqlc.arg(owner)::text AND arn = ANY(sqlc.arg(arns)::text[]);

-- name: ReleaseExpressStarts :exec
-- Lets the given starts of owner run out at once, for another engine to
-- claim (owner stopped before they ended).
UPDATE stepwise_express_starts SET until = now() - interval '1 second'
WHERE owner = sqlc.arg(owner)::text AND arn = ANY(sqlc.arg(arns)::text[]);

-- name: ClaimExpressStarts :many
-- Makes owner the owner of up to max_rows starts whose leases ran out,
-- until until, and returns them.
UPDATE stepwise_express_starts AS s SET owner = sqlc.arg(owner)::text, until = sqlc.arg(until)::timestamptz
WHERE s.arn IN (
    SELECT arn FROM stepwise_express_starts WHERE stepwise_express_starts.until < now()
    ORDER BY stepwise_express_starts.until LIMIT sqlc.arg(max_rows) FOR UPDATE SKIP LOCKED)
RETURNING s.arn, s.state_machine, s.version, s.name, s.input, s.started_at, s.test_case;
