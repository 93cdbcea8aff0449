-- Task leases by commit. A row held one local task's lease: a ten-branch
-- Parallel inserted ten and deleted ten, each with its primary key entry
-- and a foreign-key check, a fifth of the database's time per execution.
-- Now a row holds the leases of all the local tasks one commit dispatched
-- (owner names the engine, id counts its commits). The engine deletes the
-- row, outside the transactions that record the results, once all its
-- tasks have ended; whoever takes over a row that ran out hands to River
-- only the tasks whose runs still wait on them (status RUNNING at the
-- lease's sequence number), so a row left behind, or one whose runs are
-- gone, runs nothing again.
ALTER TABLE stepwise_task_leases RENAME TO stepwise_task_leases_0027;

CREATE TABLE stepwise_task_leases (
    owner    text NOT NULL,
    id       bigint NOT NULL,
    until    timestamptz NOT NULL,
    run_ids  bigint[] NOT NULL,
    seqs     bigint[] NOT NULL,
    args     text[] NOT NULL,
    PRIMARY KEY (owner, id)
);

INSERT INTO stepwise_task_leases (owner, id, until, run_ids, seqs, args)
SELECT 'migrated', run_id, until, ARRAY[run_id], ARRAY[seq], ARRAY[args] FROM stepwise_task_leases_0027;

DROP TABLE stepwise_task_leases_0027;
