-- Every transition updates its execution's row and its run's row. With
-- room left on each page, PostgreSQL can write the new row version beside
-- the old one without touching the indexes (a HOT update) whenever no
-- indexed column changes. Pages written from now on keep 30% free.
ALTER TABLE stepwise_executions SET (fillfactor = 70);
ALTER TABLE stepwise_runs SET (fillfactor = 70);
