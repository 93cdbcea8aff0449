package store

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// ExpressReplyChannel is the channel InsertExpressReply notifies, with
// the reply's key as payload (queries/express_replies.sql names it too).
const ExpressReplyChannel = "stepwise_express_reply"

// ExpressReply is a worker's answer to a task of an EXPRESS execution:
// the task's result as JSON, or the error it failed with.
type ExpressReply struct {
	// Output is the result; nil when the task failed.
	Output *string
	// Error and Cause say why the task failed; empty when it did not.
	Error, Cause string
}

// InsertExpressReply records reply r under key and notifies
// ExpressReplyChannel when the transaction commits. A reply already
// there under key stays as it is.
func InsertExpressReply(ctx context.Context, q Querier, key string, r ExpressReply) error {
	p := db.InsertExpressReplyParams{Key: key, Output: r.Output}
	if r.Output == nil {
		p.Error, p.Cause = &r.Error, &r.Cause
	}
	return queries(q).InsertExpressReply(ctx, p)
}

// TakeExpressReply reads and deletes the reply under key; none there yet
// is ErrNotFound.
func TakeExpressReply(ctx context.Context, q Querier, key string) (*ExpressReply, error) {
	row, err := queries(q).TakeExpressReply(ctx, key)
	if err != nil {
		return nil, notFound(err)
	}
	r := &ExpressReply{Output: row.Output}
	if row.Error != nil {
		r.Error = *row.Error
	}
	if row.Cause != nil {
		r.Cause = *row.Cause
	}
	return r, nil
}

// DeleteStaleExpressReplies deletes the replies older than age (by the
// database's clock), which nobody will read, and returns how many it
// deleted.
func DeleteStaleExpressReplies(ctx context.Context, q Querier, age time.Duration) (int64, error) {
	return queries(q).DeleteStaleExpressReplies(ctx, age.Seconds())
}
