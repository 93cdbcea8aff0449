package store

import "context"

// RegisterFunction records that a worker serves the named function.
func RegisterFunction(ctx context.Context, q Querier, name string) error {
	return queries(q).RegisterFunction(ctx, name)
}

// FunctionKnown reports whether any worker ever registered the function.
func FunctionKnown(ctx context.Context, q Querier, name string) (bool, error) {
	return queries(q).FunctionKnown(ctx, name)
}
