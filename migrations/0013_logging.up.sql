-- AWS's loggingConfiguration of a state machine: one row per machine that
-- was given one (none means level OFF). AWS keeps it per machine, not per
-- version, so it lives beside the machine and UpdateStateMachine changes
-- it in place. log_group_arn is the one destination AWS allows; Stepwise
-- records it and names the stream of its log sinks after it.
CREATE TABLE stepwise_machine_logging (
    state_machine_id        bigint PRIMARY KEY REFERENCES stepwise_state_machines (id) ON DELETE CASCADE,
    level                   text NOT NULL CHECK (level IN ('ALL', 'ERROR', 'FATAL', 'OFF')),
    include_execution_data  boolean NOT NULL DEFAULT false,
    log_group_arn           text,
    updated_at              timestamptz NOT NULL DEFAULT now()
);

-- The log records of the PostgreSQL log sink, in AWS's CloudWatch Logs
-- form (record), listed by machine and time; a retention setting deletes
-- the old ones by time. No foreign key: records outlive their machine, as
-- CloudWatch Logs keeps them.
CREATE TABLE stepwise_log_records (
    id                 bigserial PRIMARY KEY,
    state_machine_arn  text NOT NULL,
    execution_arn      text NOT NULL,
    log_group          text NOT NULL,
    type               text NOT NULL,
    event_timestamp    timestamptz NOT NULL,
    record             jsonb NOT NULL
);
CREATE INDEX stepwise_log_records_machine_time ON stepwise_log_records (state_machine_arn, event_timestamp, id);
CREATE INDEX stepwise_log_records_time ON stepwise_log_records (event_timestamp);
