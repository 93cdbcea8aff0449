-- Published versions and aliases, as AWS Step Functions defines them.
--
-- stepwise_state_machine_versions holds a machine's revisions: every
-- update makes one, numbered internally. A published version is AWS's
-- version: numbered 1, 2, 3... per machine (last_published counts them,
-- so a deleted version's number is never used again), each naming one
-- revision.
ALTER TABLE stepwise_state_machines ADD COLUMN last_published integer NOT NULL DEFAULT 0;

CREATE TABLE stepwise_published_versions (
    state_machine_id  bigint NOT NULL,
    version           integer NOT NULL,
    revision          integer NOT NULL,
    description       text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (state_machine_id, version),
    FOREIGN KEY (state_machine_id, revision)
        REFERENCES stepwise_state_machine_versions (state_machine_id, version) ON DELETE CASCADE
);
CREATE INDEX stepwise_published_versions_revision ON stepwise_published_versions (state_machine_id, revision);

-- An alias routes starts to one or two published versions by weight
-- (AWS's routingConfiguration has at most two entries); a version an
-- alias routes to cannot be deleted.
CREATE TABLE stepwise_state_machine_aliases (
    state_machine_id  bigint NOT NULL REFERENCES stepwise_state_machines (id) ON DELETE CASCADE,
    name              text NOT NULL,
    description       text,
    version1          integer NOT NULL,
    weight1           integer NOT NULL CHECK (weight1 BETWEEN 0 AND 100),
    version2          integer,
    weight2           integer CHECK (weight2 BETWEEN 0 AND 100),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (state_machine_id, name),
    FOREIGN KEY (state_machine_id, version1) REFERENCES stepwise_published_versions (state_machine_id, version),
    FOREIGN KEY (state_machine_id, version2) REFERENCES stepwise_published_versions (state_machine_id, version)
);

-- The version and alias ARNs an execution was started through; NULL when
-- it was started on the machine itself. Set at insert, never updated nor
-- indexed: the execution's hot updates stay HOT.
ALTER TABLE stepwise_executions ADD COLUMN version_arn text, ADD COLUMN alias_arn text;
