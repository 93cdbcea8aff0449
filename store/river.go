package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Reads of River's job table. River's migrations (rivermigrate), not
// Stepwise's, create it, so sqlc, which reads the schema from
// ../migrations, does not know it: these statements are Go constants.

// taskJobsOfRun lists the River jobs still to run, or running, a run's
// task. River keeps the job's arguments in a GIN-indexed column, so this
// needs no column of ours.
const taskJobsOfRun = `
SELECT id FROM river_job
WHERE kind = 'stepwise_task' AND args @> jsonb_build_object('run_id', $1::bigint)
  AND state IN ('available', 'pending', 'retryable', 'running', 'scheduled')`

// TaskJobsOfRun lists the River jobs still to run, or running, a run's
// task (normally one).
func TaskJobsOfRun(ctx context.Context, q Querier, id int64) ([]int64, error) {
	rows, _ := q.Query(ctx, taskJobsOfRun, id)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// riverQueueDepth counts the River jobs not yet finished by queue and
// state.
const riverQueueDepth = `
SELECT queue, state::text, count(*) FROM river_job
WHERE state IN ('available', 'scheduled', 'retryable', 'running')
GROUP BY queue, state`

// QueueDepth is how many River jobs of one queue are in one state.
type QueueDepth struct {
	Queue string
	State string
	Jobs  int64
}

// RiverQueueDepth counts the River jobs not yet finished, by queue and
// state (available, scheduled, retryable, running).
func RiverQueueDepth(ctx context.Context, q Querier) ([]QueueDepth, error) {
	rows, _ := q.Query(ctx, riverQueueDepth)
	var out []QueueDepth
	var d QueueDepth
	_, err := pgx.ForEachRow(rows, []any{&d.Queue, &d.State, &d.Jobs}, func() error {
		out = append(out, d)
		return nil
	})
	return out, err
}
