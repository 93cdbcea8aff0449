DROP INDEX IF EXISTS stepwise_task_tokens_run;
DROP INDEX IF EXISTS stepwise_task_tokens_execution;
ALTER TABLE stepwise_state_machines DROP COLUMN IF EXISTS retention_seconds;
