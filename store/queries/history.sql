-- History events are stored in batches, one row per execution per commit
-- (migrations/0027_event_batches.up.sql); history.go decodes them. An
-- execution's event ids run from 1 without gaps, so the batches that hold
-- a page are known from its ids: the queries bound the index range on
-- last_id by the batch that holds the page's far end. That batch is found
-- with ORDER BY and LIMIT 1, not min() or max(): in a generic plan (pgx
-- prepares its statements) PostgreSQL aggregates every batch after it.

-- name: InsertEventBatches :exec
-- Appends batches of any executions. ROWS FROM (unnest(a), unnest(b)) is
-- what PostgreSQL makes of unnest(a, b), which sqlc cannot type.
INSERT INTO stepwise_event_batches (execution_id, first_id, last_id, events)
SELECT u.execution_id, u.first_id, u.last_id, u.events
FROM ROWS FROM (unnest(sqlc.arg(execution_ids)::bigint[]), unnest(sqlc.arg(first_ids)::bigint[]),
                unnest(sqlc.arg(last_ids)::bigint[]), unnest(sqlc.arg(events)::text[])) AS u(execution_id, first_id, last_id, events);

-- name: ListEventBatches :many
-- The batches that hold events after+1 to after+max_events, in order.
SELECT o.first_id, o.events FROM stepwise_event_batches o
WHERE o.execution_id = sqlc.arg(execution_id) AND o.last_id > sqlc.arg(after)
  AND o.last_id <= coalesce((SELECT b.last_id FROM stepwise_event_batches b
                             WHERE b.execution_id = sqlc.arg(execution_id) AND b.last_id >= sqlc.arg(after)::bigint + sqlc.arg(max_events)::bigint
                             ORDER BY b.last_id LIMIT 1),
                            sqlc.arg(after)::bigint + sqlc.arg(max_events)::bigint)
ORDER BY o.last_id;

-- name: ListEventBatchesReverse :many
-- The batches that hold the max_events events before id before, newest
-- first: from the one that holds before - 1 (or the last event, when
-- before is past it) down.
SELECT o.first_id, o.events FROM stepwise_event_batches o
WHERE o.execution_id = sqlc.arg(execution_id) AND o.first_id < sqlc.arg(before)
  AND o.last_id >= least(sqlc.arg(before)::bigint - 1, (SELECT b.last_id FROM stepwise_event_batches b
                                                        WHERE b.execution_id = sqlc.arg(execution_id) ORDER BY b.last_id DESC LIMIT 1))
                    - sqlc.arg(max_events)::bigint + 1
  AND o.last_id <= coalesce((SELECT b.last_id FROM stepwise_event_batches b
                             WHERE b.execution_id = sqlc.arg(execution_id) AND b.last_id >= sqlc.arg(before)::bigint
                             ORDER BY b.last_id LIMIT 1),
                            sqlc.arg(before)::bigint)
ORDER BY o.last_id DESC;

-- name: ListEventBatchesAfter :many
-- Up to max_batches batches with events after id after, in order: the
-- filtered listing reads the history in chunks until its page is full.
SELECT first_id, last_id, events FROM stepwise_event_batches
WHERE execution_id = sqlc.arg(execution_id) AND last_id > sqlc.arg(after)
ORDER BY last_id LIMIT sqlc.arg(max_batches);

-- name: CountScheduled :one
-- How many times a state's task was scheduled in an execution: the
-- invocation count a mock configuration's responses are indexed by.
SELECT count(*) FROM stepwise_events
WHERE execution_id = $1 AND state = sqlc.arg(state)::text AND type IN ('TaskScheduled', 'ActivityScheduled');
