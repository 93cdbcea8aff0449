ALTER TABLE stepwise_executions RESET (fillfactor);
ALTER TABLE stepwise_runs RESET (fillfactor);
