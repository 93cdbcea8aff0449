ALTER TABLE stepwise_executions DROP COLUMN version_arn, DROP COLUMN alias_arn;
DROP TABLE stepwise_state_machine_aliases;
DROP TABLE stepwise_published_versions;
ALTER TABLE stepwise_state_machines DROP COLUMN last_published;
