-- An execution started with StateMachineArn#TestCase runs that test case
-- of the mock configuration (Step Functions Local's): its Task states
-- with a mocked response are answered from it. NULL for every other
-- execution; never changed.
ALTER TABLE stepwise_executions ADD COLUMN test_case text;
