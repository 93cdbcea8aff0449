package store

import (
	"context"
	"time"
)

// RegisterFunction records that a worker serves the named function.
func RegisterFunction(ctx context.Context, q Querier, name string) error {
	return queries(q).RegisterFunction(ctx, name)
}

// TouchFunctions records, in one statement, that a worker serves every
// named function now: it registers the names not seen before and sets
// last_seen of the others.
func TouchFunctions(ctx context.Context, q Querier, names []string) error {
	return queries(q).TouchFunctions(ctx, names)
}

// FunctionKnown reports whether any worker ever registered the function.
func FunctionKnown(ctx context.Context, q Querier, name string) (bool, error) {
	return queries(q).FunctionKnown(ctx, name)
}

// Function is a registered function and when a worker last said it
// serves it; Age is how long ago that was by the database's clock.
type Function struct {
	Name     string
	LastSeen time.Time
	Age      time.Duration
}

// FunctionsNamed returns the registered functions among names, in name
// order; names never registered are left out.
func FunctionsNamed(ctx context.Context, q Querier, names []string) ([]Function, error) {
	rows, err := queries(q).FunctionsNamed(ctx, names)
	if err != nil {
		return nil, err
	}
	out := make([]Function, len(rows))
	for i, r := range rows {
		out[i] = Function{Name: r.Name, LastSeen: r.LastSeen, Age: time.Duration(r.AgeSeconds * float64(time.Second))}
	}
	return out, nil
}
