-- Leases of local tasks. A Task whose function the dispatching process
-- serves runs in that process as soon as the transaction that dispatched
-- it commits; this row, written in that transaction, is its durable
-- record. The process pushes `until` forward while the task runs, and the
-- transaction that records the result deletes the row. A lease that runs
-- out (its process died) is taken by any engine, which hands the task to
-- River with the arguments kept here, as any worker may then run it.
CREATE TABLE stepwise_task_leases (
    run_id  bigint PRIMARY KEY REFERENCES stepwise_runs (id) ON DELETE CASCADE,
    seq     bigint NOT NULL,
    until   timestamptz NOT NULL,
    args    text NOT NULL
);
