ALTER TABLE stepwise_state_machine_versions
    DROP COLUMN role_arn,
    DROP COLUMN tracing_enabled,
    DROP COLUMN encryption_type,
    DROP COLUMN kms_key_id,
    DROP COLUMN kms_data_key_reuse_period_seconds;
