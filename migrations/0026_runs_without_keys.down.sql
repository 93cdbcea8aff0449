DROP TRIGGER IF EXISTS stepwise_runs_delete_children ON stepwise_runs;
DROP FUNCTION IF EXISTS stepwise_delete_run_children();
DROP TRIGGER IF EXISTS stepwise_executions_delete_runs ON stepwise_executions;
DROP FUNCTION IF EXISTS stepwise_delete_execution_runs();
ALTER TABLE stepwise_runs ADD CONSTRAINT stepwise_runs_parent_id_fkey
    FOREIGN KEY (parent_id) REFERENCES stepwise_runs(id) ON DELETE CASCADE;
ALTER TABLE stepwise_runs ADD CONSTRAINT stepwise_runs_execution_id_fkey
    FOREIGN KEY (execution_id) REFERENCES stepwise_executions(id) ON DELETE CASCADE;
