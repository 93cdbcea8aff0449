DROP TABLE stepwise_activity_tasks;
DROP TABLE stepwise_activities;
