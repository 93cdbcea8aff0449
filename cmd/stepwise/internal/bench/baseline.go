package bench

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// noopArgs is the job of the River baseline.
type noopArgs struct {
	N int `json:"n"`
}

// Kind names the job kind in River.
func (noopArgs) Kind() string { return "bench_noop" }

type noopWorker struct {
	river.WorkerDefaults[noopArgs]
	worked *atomic.Int64
	all    chan struct{}
	n      int64
}

// Work counts the job and closes all when the last one is worked.
func (w *noopWorker) Work(ctx context.Context, job *river.Job[noopArgs]) error {
	if w.worked.Add(1) == w.n {
		close(w.all)
	}
	return nil
}

// riverNoop is the baseline: River alone burning down n no-op jobs,
// inserted beforehand, with the client settings the engine uses (50
// workers per queue, 2 ms fetch cooldown, 100 ms poll interval).
func riverNoop(ctx context.Context, r *runner, n int) (*Result, error) {
	v, err := r.openDatabase(ctx)
	if err != nil {
		return nil, err
	}
	defer v.close()
	w := &noopWorker{worked: &atomic.Int64{}, all: make(chan struct{}), n: int64(n)}
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	client, err := river.NewClient(riverpgxv5.New(v.pool), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 50}},
		Workers:           workers,
		FetchCooldown:     2 * time.Millisecond,
		FetchPollInterval: 100 * time.Millisecond,
	})
	if err != nil {
		return nil, err
	}
	if err := insertNoops(ctx, client, n); err != nil {
		return nil, err
	}
	res := &Result{Count: n, Unit: "jobs", Note: "River alone, jobs inserted beforehand"}
	if err := v.begin(ctx); err != nil {
		return nil, err
	}
	if err := client.Start(ctx); err != nil {
		return nil, err
	}
	select {
	case <-w.all:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	err = v.end(ctx, res)
	stopCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = client.Stop(stopCtx)
	return res, err
}

func insertNoops(ctx context.Context, client *river.Client[pgx.Tx], n int) error {
	for done := 0; done < n; {
		batch := make([]river.InsertManyParams, 0, 1000)
		for ; done < n && len(batch) < cap(batch); done++ {
			batch = append(batch, river.InsertManyParams{Args: noopArgs{N: done}})
		}
		if _, err := client.InsertMany(ctx, batch); err != nil {
			return err
		}
	}
	return nil
}
