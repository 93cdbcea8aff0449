ALTER VIEW stepwise_events RENAME TO stepwise_events_batched;

CREATE TABLE stepwise_events (
    execution_id  bigint NOT NULL,
    id            bigint NOT NULL,
    previous_id   bigint NOT NULL,
    type          text NOT NULL,
    timestamp     timestamptz NOT NULL,
    state         text,
    details       text,
    PRIMARY KEY (execution_id, id)
);
INSERT INTO stepwise_events SELECT * FROM stepwise_events_batched;

CREATE OR REPLACE FUNCTION stepwise_delete_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stepwise_events WHERE execution_id = OLD.id;
    RETURN OLD;
END
$$;

DROP VIEW stepwise_events_batched;
DROP TABLE stepwise_event_batches;
