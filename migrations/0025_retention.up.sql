-- How long a state machine's closed executions are kept, in seconds,
-- overriding the installation's retention (engine.Config.RetentionPeriod,
-- 90 days by default, as AWS keeps them): NULL follows the installation,
-- a negative value keeps them for ever. The retention sweep deletes an
-- execution (with its runs, history, tokens, leases and Map runs, which
-- go with it through their foreign keys and the events trigger) once it
-- has been closed for longer. Never read on the hot path.
ALTER TABLE stepwise_state_machines ADD COLUMN retention_seconds bigint;

-- Deleting an execution deletes its task tokens through two foreign keys
-- (the token's execution and its run); without an index on either, each
-- deleted execution and run would scan every token ever handed out (they
-- are kept after their task closes). Tokens are written only by callback,
-- activity and nested-execution tasks, never by a plain Task.
CREATE INDEX stepwise_task_tokens_execution ON stepwise_task_tokens (execution_id);
CREATE INDEX stepwise_task_tokens_run ON stepwise_task_tokens (run_id);
