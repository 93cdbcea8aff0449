DROP INDEX IF EXISTS stepwise_executions_map_run;
ALTER TABLE stepwise_executions DROP COLUMN IF EXISTS map_counted, DROP COLUMN IF EXISTS map_index,
    DROP COLUMN IF EXISTS map_run_id, DROP COLUMN IF EXISTS machine_path;
DROP TABLE IF EXISTS stepwise_map_runs;
