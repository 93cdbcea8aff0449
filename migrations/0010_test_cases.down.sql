ALTER TABLE stepwise_executions DROP COLUMN test_case;
