ALTER TABLE stepwise_executions DROP COLUMN watched;
