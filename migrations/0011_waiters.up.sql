-- A caller waits for the execution's end (StartSyncExecution, start-sync,
-- exec start --wait, the viewer's stream): the transaction that ends it
-- sends NOTIFY stepwise_ended with its id, so waiters in every process
-- wake at its commit, and executions nobody waits for pay no NOTIFY. Not
-- indexed, so setting it keeps the update HOT.
ALTER TABLE stepwise_executions ADD COLUMN waited boolean NOT NULL DEFAULT false;
