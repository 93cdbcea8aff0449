-- A state machine's type, fixed at creation as on AWS: STANDARD machines
-- commit every transition; EXPRESS machines run in memory in the process
-- that accepted the start and write nothing per transition.
ALTER TABLE stepwise_state_machines
    ADD COLUMN type text NOT NULL DEFAULT 'STANDARD' CHECK (type IN ('STANDARD', 'EXPRESS'));
