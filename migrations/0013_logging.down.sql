DROP TABLE stepwise_log_records;
DROP TABLE stepwise_machine_logging;
