package engine

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stepwise-run/stepwise/store"
)

// pipe is a transaction whose writes are queued and sent together in one
// round trip: an Exec is held back until the next read, River call or
// commit. Engine writes report errors then, which aborts the transaction
// as an error at the write itself would.
type pipe struct {
	pgx.Tx
	batch pgx.Batch
	// saves are runs to write back, in one statement, before the next
	// read: every read sees them, yet many runs cost one statement.
	saves []store.RunSave
	saved map[int64]int // index in saves by run id
	// creates are new executions with their top-level runs, inserted at
	// the next sync as they are then, ahead of every write queued before
	// it: a transaction that starts executions writes each row once, in
	// its final form, rather than inserting and then updating it.
	creates  []store.NewExecution
	newExecs map[int64]bool // ids of the executions in creates
	newRuns  map[int64]bool // ids of the runs in creates
}

// create queues a new execution and its top-level run.
func (p *pipe) create(exec *store.Execution, run *store.Run) {
	if p.newExecs == nil {
		p.newExecs, p.newRuns = map[int64]bool{}, map[int64]bool{}
	}
	p.creates = append(p.creates, store.NewExecution{Execution: exec, Run: run})
	p.newExecs[exec.ID], p.newRuns[run.ID] = true, true
}

// creating reports whether execution id is still to be inserted, in the
// state it will have at the next sync: it needs no update of its own.
func (p *pipe) creating(id int64) bool { return p.newExecs[id] }

// saveRun queues a run to write back; keepInput leaves its stored state
// input as it is.
func (p *pipe) saveRun(r *store.Run, keepInput bool) {
	if p.newRuns[r.ID] {
		return // inserted at the next sync as it is then
	}
	if i, ok := p.saved[r.ID]; ok {
		p.saves[i].Run = r
		p.saves[i].KeepInput = p.saves[i].KeepInput && keepInput
		return
	}
	if p.saved == nil {
		p.saved = map[int64]int{}
	}
	p.saved[r.ID] = len(p.saves)
	p.saves = append(p.saves, store.RunSave{Run: r, KeepInput: keepInput})
}

// Exec queues a write.
func (p *pipe) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	p.batch.Queue(sql, args...)
	return pgconn.CommandTag{}, nil
}

// Query sends the queued writes, then runs the query.
func (p *pipe) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if err := p.sync(ctx); err != nil {
		return nil, err
	}
	return p.Tx.Query(ctx, sql, args...)
}

// QueryRow sends the queued writes, then runs the query.
func (p *pipe) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if err := p.sync(ctx); err != nil {
		return errRow{err}
	}
	return p.Tx.QueryRow(ctx, sql, args...)
}

// sync sends the queued writes and returns the first error.
func (p *pipe) sync(ctx context.Context) error {
	if err := p.queueCreates(ctx); err != nil {
		return err
	}
	if len(p.saves) > 0 {
		saves := p.saves
		p.saves, p.saved = nil, nil
		if err := store.SaveRunsBatch(ctx, p, saves); err != nil {
			return err
		}
	}
	if p.batch.Len() == 0 {
		return nil
	}
	err := p.Tx.SendBatch(ctx, &p.batch).Close()
	p.batch = pgx.Batch{}
	return err
}

// queueCreates puts the insert of the new executions and runs in front of
// the queued writes, which may refer to them.
func (p *pipe) queueCreates(ctx context.Context) error {
	if len(p.creates) == 0 {
		return nil
	}
	queued := p.batch.QueuedQueries
	p.batch = pgx.Batch{}
	if err := store.InsertExecutionsAndRuns(ctx, p, p.creates); err != nil {
		return err
	}
	p.batch.QueuedQueries = append(p.batch.QueuedQueries, queued...)
	p.creates, p.newExecs, p.newRuns = nil, nil, nil
	return nil
}

// raw sends the queued writes and returns the transaction itself, for
// River's functions.
func (p *pipe) raw(ctx context.Context) (pgx.Tx, error) {
	return p.Tx, p.sync(ctx)
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
