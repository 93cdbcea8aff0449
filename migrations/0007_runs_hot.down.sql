CREATE INDEX stepwise_runs_pending ON stepwise_runs (parent_id, idx) WHERE status = 'PENDING';
