-- Log records of one execution (GET /v1/log-records?execution=ARN, the
-- viewer's Express execution page), newest first: without it each such
-- read scans the whole table.
CREATE INDEX stepwise_log_records_execution_time ON stepwise_log_records (execution_arn, event_timestamp, id);
