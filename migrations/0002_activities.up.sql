-- Activities: named Task resources served by workers in any language that
-- poll for work (GetActivityTask) and answer with the task token.
CREATE TABLE stepwise_activities (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    arn         text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Activity tasks waiting for a poller, and those a poller took.
CREATE TABLE stepwise_activity_tasks (
    token         text PRIMARY KEY REFERENCES stepwise_task_tokens (token) ON DELETE CASCADE,
    activity      text NOT NULL,
    execution_id  bigint NOT NULL REFERENCES stepwise_executions (id) ON DELETE CASCADE,
    run_id        bigint NOT NULL,
    seq           bigint NOT NULL,
    input         text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    claimed_at    timestamptz,
    worker        text
);
CREATE INDEX stepwise_activity_tasks_waiting ON stepwise_activity_tasks (activity, created_at) WHERE claimed_at IS NULL;
