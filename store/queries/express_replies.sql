-- name: InsertExpressReply :exec
-- Records a worker's reply to a task of an EXPRESS execution and wakes
-- the engine waiting for it (channel stepwise_express_reply, see
-- ExpressReplyChannel), both at commit. A second delivery of the same
-- task finds the reply there and changes nothing.
WITH reply AS (
    INSERT INTO stepwise_express_replies (key, output, error, cause)
    VALUES (sqlc.arg(key)::text, sqlc.narg(output), sqlc.narg(error), sqlc.narg(cause))
    ON CONFLICT (key) DO NOTHING
    RETURNING key)
SELECT pg_notify('stepwise_express_reply', reply.key) FROM reply;

-- name: TakeExpressReply :one
-- Reads and deletes the reply to a task of an EXPRESS execution.
DELETE FROM stepwise_express_replies WHERE key = sqlc.arg(key)::text RETURNING output, error, cause;

-- name: DeleteStaleExpressReplies :execrows
-- Deletes the replies nobody read, older than age_seconds by the
-- database's clock.
DELETE FROM stepwise_express_replies WHERE created_at < now() - make_interval(secs => sqlc.arg(age_seconds)::float8);
