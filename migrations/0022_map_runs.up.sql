-- Distributed Map runs, as AWS Step Functions defines them: a Map state in
-- DISTRIBUTED mode starts a Map run, and each item (or batch of items)
-- runs as a child execution of the Map's item processor.
--
-- A Map run belongs to the run of the parent execution that is in the
-- Map state (run_id); the parent's fork bookkeeping on that run decides
-- how many children run at once. reader_position is where the item
-- reader stands (internal/itemio's Position as JSON): children are
-- created as concurrency allows, and a crashed engine reads on from
-- there. items_read counts the items read so far and reader_done says the
-- reader reached its end.
CREATE TABLE stepwise_map_runs (
    id                           bigserial PRIMARY KEY,
    arn                          text NOT NULL UNIQUE,
    execution_id                 bigint NOT NULL REFERENCES stepwise_executions (id) ON DELETE CASCADE,
    run_id                       bigint NOT NULL,
    state                        text NOT NULL,
    label                        text NOT NULL,
    status                       text NOT NULL DEFAULT 'RUNNING'
                                 CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED')),
    max_concurrency              integer NOT NULL,
    tolerated_failure_count      bigint NOT NULL,
    tolerated_failure_percentage real NOT NULL,
    reader_position              text NOT NULL DEFAULT '{}',
    items_read                   bigint NOT NULL DEFAULT 0,
    children                     integer NOT NULL DEFAULT 0,
    reader_done                  boolean NOT NULL DEFAULT false,
    results_written              bigint NOT NULL DEFAULT 0,
    started_at                   timestamptz NOT NULL,
    stopped_at                   timestamptz,
    redrive_count                integer NOT NULL DEFAULT 0,
    redrive_date                 timestamptz
);
CREATE INDEX stepwise_map_runs_execution ON stepwise_map_runs (execution_id, id);

-- A child execution of a Map run runs the sub-machine of its parent's
-- definition at machine_path (the Map's item processor); map_index orders
-- the children as their items were read. All three are NULL for other
-- executions and never change, so updates stay HOT. map_counted says the
-- parent has counted the child's end: the notice of an end may be
-- delivered twice (a job rescued while its first run commits), and the
-- second must not count again.
ALTER TABLE stepwise_executions
    ADD COLUMN machine_path text,
    ADD COLUMN map_run_id   bigint REFERENCES stepwise_map_runs (id) ON DELETE CASCADE,
    ADD COLUMN map_index    integer,
    ADD COLUMN map_counted  boolean NOT NULL DEFAULT false;

CREATE INDEX stepwise_executions_map_run ON stepwise_executions (map_run_id, map_index)
    WHERE map_run_id IS NOT NULL;
