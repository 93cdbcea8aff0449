DROP TABLE stepwise_express_starts;
