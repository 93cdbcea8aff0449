-- Connections: named credentials for HTTP Tasks, in the shapes of AWS
-- EventBridge's CreateConnection. auth_parameters holds the parameters
-- with every secret value removed (what DescribeConnection shows);
-- sealed holds all of them, secrets included, encrypted with AES-256-GCM
-- under the operator's key, whose fingerprint is key_id.
CREATE TABLE stepwise_connections (
    name                text PRIMARY KEY,
    arn                 text NOT NULL UNIQUE,
    description         text NOT NULL DEFAULT '',
    authorization_type  text NOT NULL,
    auth_parameters     jsonb NOT NULL,
    sealed              bytea NOT NULL,
    key_id              text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);
