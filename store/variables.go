package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// RunVariables returns the JSON object of workflow variables run id sees:
// its own, or else those of its nearest ancestor run; "" when none.
func RunVariables(ctx context.Context, q Querier, id int64) (string, error) {
	vars, err := queries(q).RunVariables(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return vars, err
}

// SaveRunVariables stores the JSON object of run id's variables.
func SaveRunVariables(ctx context.Context, q Querier, id int64, vars string) error {
	return queries(q).SaveRunVariables(ctx, db.SaveRunVariablesParams{ID: id, Variables: vars})
}
