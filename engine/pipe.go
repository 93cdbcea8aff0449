package engine

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// pipe is a transaction whose writes are queued and sent together in one
// round trip: an Exec is held back until the next read, River call or
// commit. Engine writes report errors then, which aborts the transaction
// as an error at the write itself would.
type pipe struct {
	pgx.Tx
	batch pgx.Batch
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
	if p.batch.Len() == 0 {
		return nil
	}
	err := p.Tx.SendBatch(ctx, &p.batch).Close()
	p.batch = pgx.Batch{}
	return err
}

// raw sends the queued writes and returns the transaction itself, for
// River's functions.
func (p *pipe) raw(ctx context.Context) (pgx.Tx, error) {
	return p.Tx, p.sync(ctx)
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
