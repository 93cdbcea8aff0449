-- The foreign keys from each run to its execution and to its parent run
-- were checked on every run inserted: a ten-branch Parallel inserts eleven
-- runs, twenty-two checks, each a query locking the referenced row. Runs
-- are only written by transactions that hold their execution's lock, with
-- the parent written first, so the checks could never fail; what the keys
-- still did, delete runs with their execution or parent run, is done by
-- statement triggers at delete time instead (as 0006 did for history
-- events). A run deleted deletes its children, which delete theirs in
-- turn; its task leases and tokens go with it through their own foreign
-- keys, which stay: a lease must never outlive its run (its task would run
-- for nothing).
ALTER TABLE stepwise_runs DROP CONSTRAINT stepwise_runs_execution_id_fkey;
ALTER TABLE stepwise_runs DROP CONSTRAINT stepwise_runs_parent_id_fkey;

CREATE FUNCTION stepwise_delete_execution_runs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM stepwise_runs WHERE execution_id IN (SELECT id FROM gone);
    RETURN NULL;
END
$$;

CREATE TRIGGER stepwise_executions_delete_runs AFTER DELETE ON stepwise_executions
REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION stepwise_delete_execution_runs();

-- A statement trigger fires even when its statement deleted nothing: the
-- check for a deleted row ends the recursion through the children.
CREATE FUNCTION stepwise_delete_run_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM gone) THEN
        RETURN NULL;
    END IF;
    DELETE FROM stepwise_runs WHERE parent_id IN (SELECT id FROM gone);
    RETURN NULL;
END
$$;

CREATE TRIGGER stepwise_runs_delete_children AFTER DELETE ON stepwise_runs
REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION stepwise_delete_run_children();
