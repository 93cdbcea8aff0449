-- Two costs every execution paid on its hot path, for uses that do not
-- need them:
--
-- * The foreign key from each history event to its execution was checked
--   on every event inserted (seven per one-Task execution). Events are only
--   written by transactions that hold their execution's lock, so the check
--   could never fail; what the key still did, delete an execution's events
--   with it, is done by a trigger at delete time instead.
-- * The index on executions' status made the last update of every
--   execution (RUNNING to SUCCEEDED) write a new entry in each of the
--   table's five indexes instead of a HOT update. The queries by status
--   are the paged listing, which scans by start time, and the count of a
--   machine's running executions before it is deleted, which uses the
--   (state machine, name) index.
ALTER TABLE stepwise_events DROP CONSTRAINT stepwise_events_execution_id_fkey;

CREATE FUNCTION stepwise_delete_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stepwise_events WHERE execution_id = OLD.id;
    RETURN OLD;
END
$$;

CREATE TRIGGER stepwise_executions_delete_events AFTER DELETE ON stepwise_executions
FOR EACH ROW EXECUTE FUNCTION stepwise_delete_events();

DROP INDEX stepwise_executions_status;
