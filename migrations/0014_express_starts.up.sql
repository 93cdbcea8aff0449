-- Accepted asynchronous starts of EXPRESS executions. StartExecution of
-- an EXPRESS machine writes this row (many starts share one insert)
-- before it answers; the process that accepted it (owner) runs the
-- execution in memory, pushes `until` forward while it runs, and deletes
-- the row when it ends. A row whose owner stopped renewing it (the
-- process died) is claimed by another engine, which runs the execution
-- again from the beginning: Express async starts run at least once.
CREATE TABLE stepwise_express_starts (
    arn            text PRIMARY KEY,
    state_machine  text NOT NULL,
    version        integer NOT NULL,
    name           text NOT NULL,
    input          text NOT NULL,
    started_at     timestamptz NOT NULL,
    owner          text NOT NULL,
    until          timestamptz NOT NULL
);

CREATE INDEX stepwise_express_starts_until ON stepwise_express_starts (until);
