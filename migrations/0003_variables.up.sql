-- Workflow variables (Assign) in scope for a run, as a JSON object. NULL
-- means the run has assigned none of its own yet: it sees the variables of
-- its parent run (a Parallel branch or Map iteration reads the scope it
-- was forked from).
ALTER TABLE stepwise_runs ADD COLUMN variables text;
