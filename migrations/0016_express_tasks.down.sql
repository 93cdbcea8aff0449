ALTER TABLE stepwise_express_starts DROP COLUMN test_case;
DROP TABLE stepwise_express_replies;
