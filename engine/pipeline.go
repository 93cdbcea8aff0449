package engine

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stepwise-run/stepwise/store"
)

// pipeline is a transaction whose writes are queued and sent together in one
// round trip: an Exec is held back until the next read, River call or
// commit. Engine writes report errors then, which aborts the transaction
// as an error at the write itself would. The transaction itself begins
// with the first thing sent, in the same round trip (pgx's Batch.BeginTx).
type pipeline struct {
	pool  *pgxpool.Pool
	tx    pgx.Tx // nil until the first send begins it
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
	newRuns  map[int64]bool // ids of the runs in creates and children
	// children are child runs created in this transaction, inserted at
	// the next sync as they are then, where the first of them was
	// created among the queued writes (childrenAt): after what was queued
	// before them (the delete of an earlier attempt's children), ahead
	// of what refers to them (their task leases).
	children   []*store.Run
	childrenAt int
}

// newPipeline returns a transaction on the engine's pool, begun when it first
// sends something; rollback must be called when it is done with.
func (e *Engine) newPipeline() *pipeline { return &pipeline{pool: e.pool} }

// create queues a new execution and its top-level run.
func (p *pipeline) create(exec *store.Execution, run *store.Run) {
	if p.newExecs == nil {
		p.newExecs, p.newRuns = map[int64]bool{}, map[int64]bool{}
	}
	p.creates = append(p.creates, store.NewExecution{Execution: exec, Run: run})
	p.newExecs[exec.ID], p.newRuns[run.ID] = true, true
}

// createChild queues a new child run, with an id NewRunIDs gave.
func (p *pipeline) createChild(r *store.Run) {
	if p.newRuns == nil {
		p.newRuns = map[int64]bool{}
	}
	if len(p.children) == 0 {
		p.childrenAt = p.batch.Len()
	}
	p.children = append(p.children, r)
	p.newRuns[r.ID] = true
}

// deleteChildren queues the delete of run parent's children (before a
// fork begins again). The children created in this transaction so far,
// whichever their parent, are queued first, where the first of them was
// created: ahead of the delete, which takes those of parent; the children
// created after it are inserted after it.
func (p *pipeline) deleteChildren(ctx context.Context, parent int64) error {
	if p.newRuns[parent] && !p.childOf(parent) {
		return nil // created in this transaction and no child yet: it has none
	}
	if err := p.queueChildren(ctx); err != nil {
		return err
	}
	return store.DeleteChildren(ctx, p, parent)
}

// childOf reports whether a child of run parent waits to be inserted.
func (p *pipeline) childOf(parent int64) bool {
	for _, c := range p.children {
		if *c.ParentID == parent {
			return true
		}
	}
	return false
}

// creating reports whether execution id is still to be inserted, in the
// state it will have at the next sync: it needs no update of its own.
func (p *pipeline) creating(id int64) bool { return p.newExecs[id] }

// saveRun queues a run to write back; keepInput leaves its stored state
// input as it is.
func (p *pipeline) saveRun(r *store.Run, keepInput bool) {
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
func (p *pipeline) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	p.batch.Queue(sql, args...)
	return pgconn.CommandTag{}, nil
}

// Query runs a query after the queued writes, in the same round trip.
func (p *pipeline) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if p.idle() {
		return p.tx.Query(ctx, sql, args...)
	}
	br, err := p.sendQuery(ctx, sql, args)
	if err != nil {
		return errRows{err}, err
	}
	rows, err := br.Query()
	if err != nil {
		_ = br.Close()
		return errRows{err}, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// QueryRow runs a query after the queued writes, in the same round trip.
func (p *pipeline) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if p.idle() {
		return p.tx.QueryRow(ctx, sql, args...)
	}
	br, err := p.sendQuery(ctx, sql, args)
	if err != nil {
		return errRow{err}
	}
	return batchRow{Row: br.QueryRow(), br: br}
}

// idle reports whether the transaction has begun and nothing waits to be
// sent: a query can go on its own.
func (p *pipeline) idle() bool { return p.tx != nil && p.pending() == 0 }

// sendQuery sends the queued writes and one query.
func (p *pipeline) sendQuery(ctx context.Context, sql string, args []any) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	b.Queue(sql, args...)
	return p.send(ctx, b)
}

// SendBatch sends the queued writes, then the batch, in one round trip;
// the results are the batch's.
func (p *pipeline) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	br, err := p.send(ctx, b)
	if err != nil {
		return pgx.FailedBatchResults(b, err)
	}
	return br
}

// sync sends the queued writes, beginning the transaction if it has not
// begun, and returns the first error.
func (p *pipeline) sync(ctx context.Context) error {
	if p.idle() {
		return nil
	}
	br, err := p.send(ctx, nil)
	if err != nil {
		return err
	}
	return br.Close()
}

// pending is how many writes wait to be sent (counting run saves, new
// executions and new child runs as one each).
func (p *pipeline) pending() int {
	return p.batch.Len() + len(p.saves) + len(p.creates) + len(p.children)
}

// send sends, in one round trip, the begin of the transaction if it has
// not begun, the queued writes, and then extra's queries. It reads the
// results of all but extra's, returning the first error; the caller reads
// extra's from the results and closes them.
func (p *pipeline) send(ctx context.Context, extra *pgx.Batch) (pgx.BatchResults, error) {
	if err := p.queueWrites(ctx); err != nil {
		return nil, err
	}
	b := &pgx.Batch{}
	begin := p.tx == nil
	if begin {
		b.BeginTx(pgx.TxOptions{})
	}
	skip := len(b.QueuedQueries) + p.batch.Len()
	b.QueuedQueries = append(b.QueuedQueries, p.batch.QueuedQueries...)
	if extra != nil {
		b.QueuedQueries = append(b.QueuedQueries, extra.QueuedQueries...)
	}
	p.batch = pgx.Batch{}
	var br pgx.BatchResults
	if begin {
		br = p.pool.SendBatch(ctx, b)
		p.tx = br.Tx()
	} else {
		br = p.tx.SendBatch(ctx, b)
	}
	for i := 0; i < skip; i++ {
		if _, err := br.Exec(); err != nil {
			_ = br.Close()
			return nil, err
		}
	}
	return br, nil
}

// queueWrites queues the new child runs (in their place), the new
// executions (in front) and the run saves.
func (p *pipeline) queueWrites(ctx context.Context) error {
	if err := p.queueChildren(ctx); err != nil {
		return err
	}
	if err := p.queueCreates(ctx); err != nil {
		return err
	}
	p.newRuns = nil
	if len(p.saves) == 0 {
		return nil
	}
	saves := p.saves
	p.saves, p.saved = nil, nil
	return store.SaveRunsBatch(ctx, p, saves)
}

// queueCreates puts the insert of the new executions and runs in front of
// the queued writes, which may refer to them.
func (p *pipeline) queueCreates(ctx context.Context) error {
	if len(p.creates) == 0 {
		return nil
	}
	queued := p.batch.QueuedQueries
	p.batch = pgx.Batch{}
	if err := store.InsertExecutionsAndRuns(ctx, p, p.creates); err != nil {
		return err
	}
	p.batch.QueuedQueries = append(p.batch.QueuedQueries, queued...)
	p.creates, p.newExecs = nil, nil
	return nil
}

// queueChildren puts the insert of the new child runs where the first of
// them was created among the queued writes.
func (p *pipeline) queueChildren(ctx context.Context) error {
	if len(p.children) == 0 {
		return nil
	}
	queued := p.batch.QueuedQueries
	p.batch = pgx.Batch{QueuedQueries: queued[:p.childrenAt:p.childrenAt]}
	if err := store.InsertRuns(ctx, p, p.children); err != nil {
		return err
	}
	p.batch.QueuedQueries = append(p.batch.QueuedQueries, queued[p.childrenAt:]...)
	for _, c := range p.children {
		delete(p.newRuns, c.ID) // queued as they are now: what changes next is an update
	}
	p.children = nil
	return nil
}

// raw sends the queued writes and returns the transaction itself, for
// River's functions.
func (p *pipeline) raw(ctx context.Context) (pgx.Tx, error) {
	if err := p.sync(ctx); err != nil {
		return nil, err
	}
	return p.tx, nil
}

// commit sends the queued writes and commits. A transaction that has
// sent nothing yet (one that starts executions and reads nothing) takes
// one round trip: its writes go as one pipeline without BEGIN, which
// PostgreSQL runs as one implicit transaction, committed at the
// pipeline's Sync or, after any error, rolled back.
func (p *pipeline) commit(ctx context.Context) error {
	if p.tx == nil {
		return p.commitAlone(ctx)
	}
	if err := p.sync(ctx); err != nil {
		return err
	}
	return p.tx.Commit(ctx)
}

// commitAlone sends the queued writes of a transaction that has not begun
// as one implicit transaction.
func (p *pipeline) commitAlone(ctx context.Context) error {
	if err := p.queueWrites(ctx); err != nil {
		return err
	}
	if p.batch.Len() == 0 {
		return nil
	}
	b := p.batch
	p.batch = pgx.Batch{}
	return p.pool.SendBatch(ctx, &b).Close()
}

// rollback ends the transaction if it began and was not committed.
func (p *pipeline) rollback(ctx context.Context) {
	if p.tx != nil {
		_ = p.tx.Rollback(ctx) // ErrTxClosed after a commit
	}
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// batchRow is the row of a query sent in a batch; it closes the batch
// once read.
type batchRow struct {
	pgx.Row
	br pgx.BatchResults
}

func (r batchRow) Scan(dest ...any) error {
	err := r.Row.Scan(dest...)
	if cerr := r.br.Close(); err == nil {
		err = cerr
	}
	return err
}

// batchRows are the rows of a query sent in a batch; closing them closes
// the batch.
type batchRows struct {
	pgx.Rows
	br pgx.BatchResults
}

func (r *batchRows) Close() {
	r.Rows.Close()
	_ = r.br.Close()
}

// errRows are the rows of a query that could not be sent.
type errRows struct{ err error }

func (r errRows) Close()                                       {}
func (r errRows) Err() error                                   { return r.err }
func (r errRows) CommandTag() pgconn.CommandTag                { return pgconn.CommandTag{} }
func (r errRows) FieldDescriptions() []pgconn.FieldDescription { return nil }
func (r errRows) Next() bool                                   { return false }
func (r errRows) Scan(...any) error                            { return r.err }
func (r errRows) Values() ([]any, error)                       { return nil, r.err }
func (r errRows) RawValues() [][]byte                          { return nil }
func (r errRows) Conn() *pgx.Conn                              { return nil }
func (r errRows) TypeMap() *pgtype.Map                         { return nil }
