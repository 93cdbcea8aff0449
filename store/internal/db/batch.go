package db

// Texts of generated statements the store also queues in a pgx.Batch (see
// store.LockExecutionsWithRuns); it reads their results with the
// generated methods.
const (
	LockExecutionsSQL = lockExecutions
	GetRunsSQL        = getRuns
)
