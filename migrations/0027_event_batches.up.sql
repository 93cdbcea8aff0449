-- History events are stored as one row per execution per commit instead of
-- one row per event: a ten-branch Parallel wrote some fifty-six event rows,
-- each a heap row and a primary-key entry, where its commits now write four
-- rows. A batch holds events first_id to last_id of an execution (ids are
-- contiguous within it; batches never overlap), as a JSON array of one
-- object per event in id order:
--
--   {"type": "TaskStateEntered", "timestamp": 1767225600123456,
--    "state": "A", "details": {...}}
--
-- timestamp is microseconds since the Unix epoch (what timestamptz keeps);
-- state is absent when the event has none; details is the event's details
-- JSON text as written, absent when it has none, and "detailsText" holds
-- it as a JSON string instead when it is not JSON as written (empty, or
-- with surrounding whitespace: never from the engine). "previousId" is
-- present only when previous_id is not id - 1 (never from the engine).
-- events is text, not json or jsonb: the engine writes and reads it
-- whole, and jsonb would reorder the keys of details.
--
-- The key orders batches by their last id: forward pages scan the batches
-- after an id, reverse pages those up to the batch that holds an id,
-- newest first (store/history.go).
CREATE TABLE stepwise_event_batches (
    execution_id  bigint NOT NULL,
    first_id      bigint NOT NULL,
    last_id       bigint NOT NULL,
    events        text NOT NULL,
    PRIMARY KEY (execution_id, last_id)
);

-- lz4 compresses and decompresses long histories several times faster
-- than pglz; servers built without it keep the default.
DO $$
BEGIN
    IF 'lz4' = ANY ((SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression')::text[]) THEN
        ALTER TABLE stepwise_event_batches ALTER COLUMN events SET COMPRESSION lz4;
    END IF;
END
$$;

-- Whether details is JSON as written, so that it can be copied into a
-- batch verbatim; only for this migration.
CREATE FUNCTION stepwise_verbatim_json(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF t = '' OR btrim(t, E' \t\n\r') <> t THEN
        RETURN false;
    END IF;
    PERFORM t::json;
    RETURN true;
EXCEPTION WHEN others THEN
    RETURN false;
END
$$;

-- Existing events move into batches of up to a hundred consecutive ids.
INSERT INTO stepwise_event_batches (execution_id, first_id, last_id, events)
SELECT execution_id, min(id), max(id), '[' || string_agg(
    '{"type":' || to_json(type)::text
    || ',"timestamp":' || (extract(epoch FROM timestamp) * 1000000)::bigint
    || CASE WHEN state IS NULL THEN '' ELSE ',"state":' || to_json(state)::text END
    || CASE WHEN previous_id = id - 1 THEN '' ELSE ',"previousId":' || previous_id END
    || CASE WHEN details IS NULL THEN ''
            WHEN stepwise_verbatim_json(details) THEN ',"details":' || details
            ELSE ',"detailsText":' || to_json(details)::text END
    || '}', ',' ORDER BY id) || ']'
FROM (SELECT e.*, id - row_number() OVER w AS run, (row_number() OVER w - 1) / 100 AS chunk
      FROM stepwise_events e WINDOW w AS (PARTITION BY execution_id ORDER BY id)) e
GROUP BY execution_id, run, chunk;

DROP FUNCTION stepwise_verbatim_json(text);
DROP TABLE stepwise_events;

-- The events one row each, as the table held them, for ad-hoc queries,
-- tests and operators (read only; it scans whole batches). The casts
-- give sqlc the columns' types.
CREATE VIEW stepwise_events AS
SELECT b.execution_id, (b.first_id + e.n - 1)::bigint AS id,
       coalesce((e.v->>'previousId')::bigint, b.first_id + e.n - 2)::bigint AS previous_id,
       (e.v->>'type')::text AS type,
       (timestamptz 'epoch' + (e.v->>'timestamp')::bigint * interval '1 microsecond')::timestamptz AS timestamp,
       (e.v->>'state')::text AS state,
       coalesce((e.v->'details')::text, e.v->>'detailsText')::text AS details
FROM stepwise_event_batches b, json_array_elements(b.events::json) WITH ORDINALITY AS e(v, n);

CREATE OR REPLACE FUNCTION stepwise_delete_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stepwise_event_batches WHERE execution_id = OLD.id;
    RETURN OLD;
END
$$;
