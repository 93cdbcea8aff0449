-- The configuration AWS clients send with CreateStateMachine and
-- UpdateStateMachine and read back from DescribeStateMachine, kept per
-- revision as AWS keeps it per version: the IAM role (NULL: none given,
-- answered as a placeholder role), X-Ray tracing (stored only: Stepwise
-- traces nothing) and the encryption configuration (NULL type: none
-- given, answered as AWS_OWNED_KEY; Stepwise encrypts with no KMS key).
ALTER TABLE stepwise_state_machine_versions
    ADD COLUMN role_arn text,
    ADD COLUMN tracing_enabled boolean NOT NULL DEFAULT false,
    ADD COLUMN encryption_type text,
    ADD COLUMN kms_key_id text,
    ADD COLUMN kms_data_key_reuse_period_seconds integer;
