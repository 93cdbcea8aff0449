package store

import (
	"context"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// TaskToken is a callback token and the task it belongs to.
type TaskToken struct {
	Token       string `db:"token"`
	ExecutionID int64  `db:"execution_id"`
	RunID       int64  `db:"run_id"`
	Seq         int64  `db:"seq"`
	Closed      bool   `db:"closed"`
}

// InsertTaskToken records a callback token.
func InsertTaskToken(ctx context.Context, q Querier, t *TaskToken) error {
	return queries(q).InsertTaskToken(ctx, db.InsertTaskTokenParams{Token: t.Token, ExecutionID: t.ExecutionID,
		RunID: t.RunID, Seq: t.Seq})
}

// GetTaskToken reads a callback token.
func GetTaskToken(ctx context.Context, q Querier, token string) (*TaskToken, error) {
	row, err := queries(q).GetTaskToken(ctx, token)
	return onePtr(row, err, func(r *db.GetTaskTokenRow) *TaskToken { return (*TaskToken)(r) })
}

// CloseTaskToken marks a callback token's task closed.
func CloseTaskToken(ctx context.Context, q Querier, token string) error {
	return queries(q).CloseTaskToken(ctx, token)
}
