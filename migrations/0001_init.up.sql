-- State machines and their immutable, numbered versions.
CREATE TABLE stepwise_state_machines (
    id              bigserial PRIMARY KEY,
    name            text NOT NULL UNIQUE,
    arn             text NOT NULL UNIQUE,
    latest_version  integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE stepwise_state_machine_versions (
    state_machine_id  bigint NOT NULL REFERENCES stepwise_state_machines (id) ON DELETE CASCADE,
    version           integer NOT NULL,
    definition        text NOT NULL,
    input_schema      text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (state_machine_id, version)
);

-- Executions: one row each, locked by every transaction that moves it.
CREATE TABLE stepwise_executions (
    id                bigserial PRIMARY KEY,
    arn               text NOT NULL UNIQUE,
    state_machine_id  bigint NOT NULL REFERENCES stepwise_state_machines (id) ON DELETE CASCADE,
    version           integer NOT NULL,
    name              text NOT NULL,
    status            text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED')),
    input             text NOT NULL,
    output            text,
    error             text,
    cause             text,
    started_at        timestamptz NOT NULL,
    stopped_at        timestamptz,
    last_event_id     bigint NOT NULL DEFAULT 0,
    redrive_count     integer NOT NULL DEFAULT 0,
    UNIQUE (state_machine_id, name)
);
CREATE INDEX stepwise_executions_started ON stepwise_executions (started_at DESC, id DESC);
CREATE INDEX stepwise_executions_status ON stepwise_executions (status, started_at DESC);

-- Runs: the top-level run of an execution, and one child run per Parallel
-- branch or Map iteration (parent_id points at the run that forked it).
CREATE TABLE stepwise_runs (
    id                bigserial PRIMARY KEY,
    execution_id      bigint NOT NULL REFERENCES stepwise_executions (id) ON DELETE CASCADE,
    parent_id         bigint REFERENCES stepwise_runs (id) ON DELETE CASCADE,
    idx               integer NOT NULL DEFAULT 0,
    machine_path      text NOT NULL DEFAULT '[]',
    status            text NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED')),
    state             text NOT NULL,
    state_input       text,
    state_entered_at  timestamptz,
    entered_event_id  bigint NOT NULL DEFAULT 0,
    retries           integer[] NOT NULL DEFAULT '{}',
    seq               bigint NOT NULL DEFAULT 0,
    waiting           text,
    fork              text,
    task_token        text,
    heartbeat_at      timestamptz,
    output            text,
    error             text,
    cause             text
);
CREATE INDEX stepwise_runs_execution ON stepwise_runs (execution_id);
CREATE INDEX stepwise_runs_children ON stepwise_runs (parent_id, idx);
CREATE INDEX stepwise_runs_pending ON stepwise_runs (parent_id, idx) WHERE status = 'PENDING';

-- History events, numbered per execution as AWS numbers them.
CREATE TABLE stepwise_events (
    execution_id  bigint NOT NULL REFERENCES stepwise_executions (id) ON DELETE CASCADE,
    id            bigint NOT NULL,
    previous_id   bigint NOT NULL,
    type          text NOT NULL,
    timestamp     timestamptz NOT NULL,
    state         text,
    details       text,
    PRIMARY KEY (execution_id, id)
);

-- Task tokens handed out for callback tasks; kept after the task closes so
-- a late callback learns the task is closed rather than unknown.
CREATE TABLE stepwise_task_tokens (
    token         text PRIMARY KEY,
    execution_id  bigint NOT NULL REFERENCES stepwise_executions (id) ON DELETE CASCADE,
    run_id        bigint NOT NULL REFERENCES stepwise_runs (id) ON DELETE CASCADE,
    seq           bigint NOT NULL,
    closed        boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- Functions some worker has registered, so the engine can fail a Task at
-- once when nothing could ever serve it.
CREATE TABLE stepwise_functions (
    name       text PRIMARY KEY,
    last_seen  timestamptz NOT NULL DEFAULT now()
);
