-- An activity's encryptionConfiguration, given at CreateActivity and
-- answered by DescribeActivity (NULL type: none given, answered as
-- AWS_OWNED_KEY). Stepwise encrypts with no KMS key.
ALTER TABLE stepwise_activities
    ADD COLUMN encryption_type text,
    ADD COLUMN kms_key_id text,
    ADD COLUMN kms_data_key_reuse_period_seconds integer;
