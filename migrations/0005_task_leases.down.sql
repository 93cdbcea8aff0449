-- Tasks still under a lease are lost with it: run this with no engine
-- running and none of them left.
DROP TABLE stepwise_task_leases;
