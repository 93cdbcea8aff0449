-- Tags of state machines and activities (TagResource, and tags given at
-- creation): each row belongs to exactly one of them and goes with it.
CREATE TABLE stepwise_tags (
    state_machine_id  bigint REFERENCES stepwise_state_machines (id) ON DELETE CASCADE,
    activity_id       bigint REFERENCES stepwise_activities (id) ON DELETE CASCADE,
    key               text NOT NULL,
    value             text NOT NULL,
    CHECK ((state_machine_id IS NULL) <> (activity_id IS NULL))
);
CREATE UNIQUE INDEX stepwise_tags_machine ON stepwise_tags (state_machine_id, key) WHERE state_machine_id IS NOT NULL;
CREATE UNIQUE INDEX stepwise_tags_activity ON stepwise_tags (activity_id, key) WHERE activity_id IS NOT NULL;
