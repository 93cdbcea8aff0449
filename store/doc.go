// Package store keeps Stepwise's durable state in PostgreSQL through pgx:
// state machines and their revisions (machines.go; the table
// stepwise_state_machine_versions), their published versions
// (published_versions.go) and aliases (aliases.go), executions
// (executions.go), runs, the top-level run of an execution and its
// Parallel/Map child runs (runs.go), history events (history.go), task
// tokens (tokens.go), task leases (leases.go), activities (activities.go),
// workflow variables (variables.go) and the registry of worker functions
// (functions.go). Every function takes a Querier, so the engine can run it
// inside the transaction that also inserts and completes River jobs.
//
// # Queries
//
// Each file's statements live in queries/<file>.sql, from which sqlc
// generates typed Go (package internal/db): a statement's parameters and
// result columns are Go types checked at compile time, and a query the
// code calls that does not exist does not compile. After changing a .sql
// file, or a migration, regenerate from this directory:
//
//	go run github.com/sqlc-dev/sqlc/cmd/sqlc@v1.31.1 generate
//
// (sqlc.yaml holds the settings: the schema is ../migrations; sqlc needs
// cgo). The generated code is committed. The few statements sqlc cannot
// type are Go constants beside the code that runs them, each saying why:
// the batch writes whose array parameters hold NULLs (sqlc types every
// array element as non-null) and the reads of River's own table, which is
// not in Stepwise's migrations. History events are stored in batches, one
// row per execution per commit, as JSON text that event_batches.go writes
// and reads.
package store

//go:generate go run github.com/sqlc-dev/sqlc/cmd/sqlc@v1.31.1 generate
