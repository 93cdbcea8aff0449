package logsink

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/store"
)

// PostgresConfig tunes a Postgres sink; nil means every default.
type PostgresConfig struct {
	// Buffer is how many records wait to be written at most; records
	// logged while it is full are dropped (see Dropped). Default 10000.
	Buffer int
	// BatchSize is how many records one insert writes at most; default 500.
	BatchSize int
	// FlushInterval is how long a record waits at most for its batch to
	// fill; default 100 ms.
	FlushInterval time.Duration
	// Logger receives write failures; nil discards them.
	Logger *slog.Logger
}

// Postgres is a Sink that writes records to the table
// stepwise_log_records in batches: Log puts them in a bounded buffer, and
// one goroutine writes each batch with one insert. It is a Flusher and a
// Pruner.
type Postgres struct {
	pool    *pgxpool.Pool
	cfg     PostgresConfig
	records chan Record
	flushes chan chan struct{}
	stop    chan struct{}
	done    chan struct{}
	dropped atomic.Int64
	closed  atomic.Bool
}

// NewPostgres starts a sink writing to pool's database; Close stops it.
func NewPostgres(pool *pgxpool.Pool, cfg *PostgresConfig) *Postgres {
	c := PostgresConfig{Buffer: 10000, BatchSize: 500, FlushInterval: 100 * time.Millisecond}
	if cfg != nil {
		c.Logger = cfg.Logger
		c.Buffer = positive(cfg.Buffer, c.Buffer)
		c.BatchSize = positive(cfg.BatchSize, c.BatchSize)
		c.FlushInterval = time.Duration(positive(int(cfg.FlushInterval), int(c.FlushInterval)))
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	p := &Postgres{pool: pool, cfg: c, records: make(chan Record, c.Buffer),
		flushes: make(chan chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	go p.run()
	return p
}

func positive(v, d int) int {
	if v > 0 {
		return v
	}
	return d
}

// Log queues records without waiting; those that find the buffer full,
// or the sink closed, are dropped and counted.
func (p *Postgres) Log(records []Record) {
	if p.closed.Load() {
		p.dropped.Add(int64(len(records)))
		return
	}
	for _, r := range records {
		select {
		case p.records <- r:
		default:
			p.dropped.Add(1)
		}
	}
}

// Dropped is how many records were dropped because the buffer was full
// or the sink closed.
func (p *Postgres) Dropped() int64 { return p.dropped.Load() }

// Flush waits until the records logged before it are written, or ctx
// ends.
func (p *Postgres) Flush(ctx context.Context) error {
	ack := make(chan struct{})
	select {
	case p.flushes <- ack:
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-ack:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close writes the buffered records and stops the sink, waiting up to
// ctx's deadline.
func (p *Postgres) Close(ctx context.Context) error {
	if p.closed.CompareAndSwap(false, true) {
		close(p.stop)
	}
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Prune deletes the records of events before before.
func (p *Postgres) Prune(ctx context.Context, before time.Time) (int64, error) {
	return store.DeleteLogRecordsBefore(ctx, p.pool, before)
}

// run collects batches and writes each when it is full, when it has
// waited FlushInterval, on Flush and on Close.
func (p *Postgres) run() {
	defer close(p.done)
	tick := time.NewTicker(p.cfg.FlushInterval)
	defer tick.Stop()
	batch := make([]Record, 0, p.cfg.BatchSize)
	for {
		select {
		case r := <-p.records:
			if batch = append(batch, r); len(batch) >= p.cfg.BatchSize {
				batch = p.write(batch)
			}
		case <-tick.C:
			batch = p.write(batch)
		case ack := <-p.flushes:
			batch = p.write(p.drain(batch))
			close(ack)
		case <-p.stop:
			p.write(p.drain(batch))
			return
		}
	}
}

// drain moves what waits in the buffer into batches, writing each full
// one, and returns the last.
func (p *Postgres) drain(batch []Record) []Record {
	for {
		select {
		case r := <-p.records:
			if batch = append(batch, r); len(batch) >= p.cfg.BatchSize {
				batch = p.write(batch)
			}
		default:
			return batch
		}
	}
}

// write inserts a batch with one statement and returns it emptied; a
// failed batch is dropped, counted and logged.
func (p *Postgres) write(batch []Record) []Record {
	if len(batch) == 0 {
		return batch
	}
	rows := make([]store.LogRecord, 0, len(batch))
	for i := range batch {
		rows = append(rows, storedRecord(&batch[i]))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := store.InsertLogRecords(ctx, p.pool, rows); err != nil {
		p.dropped.Add(int64(len(batch)))
		p.cfg.Logger.Warn("log records dropped: insert failed", "records", len(batch), "error", err)
	}
	return batch[:0]
}

// storedRecord is r as a row of stepwise_log_records.
func storedRecord(r *Record) store.LogRecord {
	text, _ := json.Marshal(r) // details hold JSON values only
	return store.LogRecord{StateMachineARN: r.StateMachineARN, ExecutionARN: r.ExecutionARN, LogGroup: r.LogGroup,
		Type: r.Type, EventTimestamp: r.Time, Record: string(text)}
}
