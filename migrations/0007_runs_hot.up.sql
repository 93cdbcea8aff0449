-- The partial index of PENDING runs made every change of a run's status a
-- new entry in each of the table's indexes instead of a HOT update. A Map
-- or Parallel now claims its pending children from the index after the
-- last one it claimed, on the (parent_id, idx) index.
DROP INDEX stepwise_runs_pending;
