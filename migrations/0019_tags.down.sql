DROP TABLE stepwise_tags;
