CREATE INDEX stepwise_executions_status ON stepwise_executions (status, started_at DESC);
DROP TRIGGER stepwise_executions_delete_events ON stepwise_executions;
DROP FUNCTION stepwise_delete_events();
DELETE FROM stepwise_events e WHERE NOT EXISTS (SELECT 1 FROM stepwise_executions x WHERE x.id = e.execution_id);
ALTER TABLE stepwise_events ADD CONSTRAINT stepwise_events_execution_id_fkey
    FOREIGN KEY (execution_id) REFERENCES stepwise_executions (id) ON DELETE CASCADE;
