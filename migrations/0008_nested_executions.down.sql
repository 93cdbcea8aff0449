DROP INDEX stepwise_executions_parent;
DROP INDEX stepwise_executions_parent_run;
ALTER TABLE stepwise_executions
    DROP COLUMN parent_id,
    DROP COLUMN parent_run_id,
    DROP COLUMN parent_seq,
    DROP COLUMN parent_pattern;
