ALTER TABLE stepwise_runs DROP COLUMN variables;
