-- Nested executions: an execution started by a Task of another
-- (arn:aws:states:::states:startExecution and its patterns) records the
-- parent execution, the parent's run waiting on it with that run's
-- sequence number, and the integration pattern ('', '.sync', '.sync:2',
-- '.waitForTaskToken'). All four are NULL for an execution started
-- through the API. They never change, so updates stay HOT.
ALTER TABLE stepwise_executions
    ADD COLUMN parent_id      bigint,
    ADD COLUMN parent_run_id  bigint,
    ADD COLUMN parent_seq     bigint,
    ADD COLUMN parent_pattern text;

-- Finds the children a run started, to stop them with it.
CREATE INDEX stepwise_executions_parent_run ON stepwise_executions (parent_run_id)
    WHERE parent_run_id IS NOT NULL;

-- Finds the executions an execution started, for its describe and the
-- viewer's links from parent to child.
CREATE INDEX stepwise_executions_parent ON stepwise_executions (parent_id, id)
    WHERE parent_id IS NOT NULL;
