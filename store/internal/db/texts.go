package db

// Texts of generated statements the store runs itself rather than through
// their generated methods (see store.LockExecutionsWithRuns and
// store.NewExecutionIDs): to queue them in a pgx.Batch, or to scan their
// rows without the allocation per row of a generated :many method.
const (
	LockExecutionsSQL    = lockExecutions
	GetRunsAndParentsSQL = getRunsAndParents
	NewExecutionIDsSQL   = newExecutionIDs
)
