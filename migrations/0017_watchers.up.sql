-- A caller watches the execution move (the viewer's live view, a REST
-- long poll for its events, exec start --follow): every transaction that
-- adds events to it or changes its status sends NOTIFY stepwise_progress
-- with its id, so watchers in every process wake at its commit, and
-- executions nobody watches pay no NOTIFY. Not indexed, so setting it
-- keeps the update HOT.
ALTER TABLE stepwise_executions ADD COLUMN watched boolean NOT NULL DEFAULT false;
