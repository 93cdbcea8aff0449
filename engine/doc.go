// Package engine runs state machines durably on PostgreSQL.
//
// Every change to an execution happens in one transaction that first locks
// the execution's row: it runs the pure step function of package asl
// through every state that needs no outside work, appends the history
// events, saves the runs, and writes the next effects as River jobs (a
// task to run, a timer, a retry, a timeout check) with InsertTx. A job that
// drives the execution completes itself with JobCompleteTx in that same
// transaction, so a state transition happens exactly once: a crash before
// the commit leaves the job to be run again, a crash after it leaves
// nothing to redo. Each run carries a sequence number that grows with
// every change, and every job carries the number it expects, so a stale or
// duplicated job does nothing.
//
// Parallel branches and Map iterations are child runs with a parent
// pointer; the last child to finish advances its parent. Task states are
// River jobs on a queue per function, worked by any process whose
// activities.Registry registered the function; their delivery is at least
// once, with an idempotency key per attempt.
package engine
