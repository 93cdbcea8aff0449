DROP TABLE stepwise_functions;
DROP TABLE stepwise_task_tokens;
DROP TABLE stepwise_events;
DROP TABLE stepwise_runs;
DROP TABLE stepwise_executions;
DROP TABLE stepwise_state_machine_versions;
DROP TABLE stepwise_state_machines;
