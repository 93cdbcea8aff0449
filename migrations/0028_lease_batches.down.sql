ALTER TABLE stepwise_task_leases RENAME TO stepwise_task_leases_0028;

CREATE TABLE stepwise_task_leases (
    run_id  bigint PRIMARY KEY REFERENCES stepwise_runs (id) ON DELETE CASCADE,
    seq     bigint NOT NULL,
    until   timestamptz NOT NULL,
    args    text NOT NULL
);

-- A run's latest lease, of the runs that still exist.
INSERT INTO stepwise_task_leases (run_id, seq, until, args)
SELECT DISTINCT ON (t.run_id) t.run_id, t.seq, l.until, t.args
FROM stepwise_task_leases_0028 AS l,
     ROWS FROM (unnest(l.run_ids), unnest(l.seqs), unnest(l.args)) AS t(run_id, seq, args)
WHERE EXISTS (SELECT 1 FROM stepwise_runs AS r WHERE r.id = t.run_id)
ORDER BY t.run_id, t.seq DESC;

DROP TABLE stepwise_task_leases_0028;
