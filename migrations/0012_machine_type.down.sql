ALTER TABLE stepwise_state_machines DROP COLUMN type;
