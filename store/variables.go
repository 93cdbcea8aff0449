package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
)

// RunVariables returns the JSON object of workflow variables run id sees:
// its own, or else those of its nearest ancestor run; "" when none.
func RunVariables(ctx context.Context, q Querier, id int64) (string, error) {
	var vars string
	err := q.QueryRow(ctx, sql("RunVariables"), id).Scan(&vars)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return vars, err
}

// SaveRunVariables stores the JSON object of run id's variables.
func SaveRunVariables(ctx context.Context, q Querier, id int64, vars string) error {
	_, err := q.Exec(ctx, sql("SaveRunVariables"), id, vars)
	return err
}

// IsolateChildVariables gives every child run of parent an empty variable
// scope, so they no longer see the parent's (RunVariables stops there).
func IsolateChildVariables(ctx context.Context, q Querier, parent int64) error {
	_, err := q.Exec(ctx, sql("IsolateChildVariables"), parent)
	return err
}
