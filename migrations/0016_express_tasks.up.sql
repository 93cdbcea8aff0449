-- Replies to the tasks that EXPRESS executions send to workers in other
-- processes. The engine running the execution (in memory) inserts a task
-- job on the function's River queue carrying a reply key; the worker
-- runs the function, inserts its result or error here under that key and
-- sends NOTIFY stepwise_express_reply with the key, which wakes the
-- waiting engine through its LISTEN connection; that engine deletes the
-- row as it reads it. A row nobody reads (its execution gave up first)
-- is deleted once it is older than any Express execution may run.
CREATE TABLE stepwise_express_replies (
    key         text PRIMARY KEY,
    output      text,
    error       text,
    cause       text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX stepwise_express_replies_created_at ON stepwise_express_replies (created_at);

-- The mock-configuration test case an asynchronous EXPRESS start runs
-- with (StateMachineArn#TestCase), so that an engine that runs it again
-- answers the same tasks from the mock configuration; NULL runs every
-- task for real.
ALTER TABLE stepwise_express_starts ADD COLUMN test_case text;
