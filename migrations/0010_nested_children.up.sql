-- Finds the executions an execution started, for its describe and the
-- viewer's links from parent to child.
CREATE INDEX stepwise_executions_parent ON stepwise_executions (parent_id, id)
    WHERE parent_id IS NOT NULL;
