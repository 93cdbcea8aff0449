DROP TABLE stepwise_connections;
