ALTER TABLE stepwise_activities
    DROP COLUMN encryption_type,
    DROP COLUMN kms_key_id,
    DROP COLUMN kms_data_key_reuse_period_seconds;
