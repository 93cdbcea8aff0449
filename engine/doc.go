// Package engine runs state machines durably on PostgreSQL.
//
// # The life of an execution
//
// An execution of a machine with one Task passes through, in order:
//
//	StartExecution    start.go       checks the request (prepareStart) and
//	                                 hands it to the start batcher
//	startTogether     start.go       creates it in a transaction, with others
//	begin             start.go       records ExecutionStarted
//	enterState, enter step.go        enters StartAt, runs asl's step function
//	advance           step.go        applies decisions until an effect
//	dispatch          task.go        writes the Task's job or local task
//	commit            commit.go      flushes, finishes the transaction, then
//	committed         commit.go      arms timers, launches local tasks,
//	                                 then (logCommitted, execution_logs.go)
//	                                 hands the events' log records to
//	                                 Config.LogSink (loggingConfiguration:
//	                                 logging.go)
//	runLocal, runTask task_local.go, task.go
//	                                 run the task here or on any worker
//	perform           task.go        calls the function
//	recordTask        task.go        applies the result in a new change
//	taskDone          task.go        records it and advances (step.go):
//	                                 exitState, enterState, ...
//	finishRun         step.go        ends the top-level run
//	endExecution      step.go        records ExecutionSucceeded or Failed
//
// Other stages: Wait states, retries, task timeouts and heartbeat checks
// are drive jobs scheduled for later (timers.go), worked by drive
// (jobs.go); Parallel branches and Map iterations are child runs
// (children.go); activity tasks, and service integrations bound to an
// activity (bindings.go), wait for a poll (activity.go); callbacks
// (.waitForTaskToken) and activity workers answer in callback.go;
// Tasks that start nested executions (states:startExecution) create the
// child in the parent's transaction and wait for it in nested.go;
// StopExecution, execution timeouts and aborted children end in stop.go;
// redrive.go restarts a stopped execution (within 14 days of its end);
// retention.go deletes closed executions past their retention, with
// everything of theirs, from a periodic River job. TestState (teststate.go,
// teststate_context.go) evaluates one state with asl/teststate and writes
// nothing. An EXPRESS machine's StartSyncExpress (express.go) runs the
// whole execution in memory with asl/runner on the wall clock and writes
// nothing either but its log records (express_logs.go); its tasks of
// functions served by other processes go to them through River and come
// back through a reply table and NOTIFY (express_remote.go); StartExecution of
// an EXPRESS machine records the start, runs it the same way and deletes
// the record at the end (express_start.go), and express_lease.go renews
// the records' leases and claims those whose engine died, to run them
// again; machine_type.go holds what an EXPRESS definition may not use. Underneath, pipeline.go sends a
// transaction's writes in few round trips, batcher.go shares transactions
// under load, and cache.go keeps parsed state machines.
//
// Each create or update of a machine stores a revision (machines.go);
// versions.go publishes revisions as AWS's numbered versions, aliases.go
// keeps aliases, and qualifier.go resolves a start through a version's or
// an alias's ARN to the revision it runs, drawing an alias's version by
// weight (resolveQualifier, called by prepareStart and nested starts).
//
// Every change to an execution happens in one transaction that first locks
// the execution's row: it runs the pure step function of package asl
// through every state that needs no outside work, appends the history
// events, saves the runs, and writes the next effects as River jobs (a
// task to run, a timer, a retry, a timeout check) with InsertTx. A job that
// drives the execution is completed in that same transaction (commit.go), so a state transition happens exactly once: a crash before
// the commit leaves the job to be run again, a crash after it leaves
// nothing to redo. Each run carries a sequence number that grows with
// every change, and every job carries the number it expects, so a stale or
// duplicated job does nothing.
//
// Callers waiting for an execution's end (Wait, StartSync: waiters.go) or
// watching it move (Watch, AwaitProgress: watchers.go) are woken by the
// commit: committed wakes this process's, and the transaction sends
// NOTIFY (only for executions marked waited or watched) for the others,
// each of which listens on one connection (notifications, waiters.go).
//
// Parallel branches and Map iterations are child runs with a parent
// pointer. A fork inserts them PENDING; the change that forks, or that
// records finished children and so frees room, begins as many as
// MaxConcurrency allows in its own transaction when it settles (commit.go,
// children.go), up to their first effects, reading the parent once and
// the pending children in one statement for the whole change. The last
// child to finish advances its parent, with results in order. Task states are
// River jobs on a queue per function, worked by any process whose
// activities.Registry registered the function, or run at once by the
// process that dispatched them under a lease (task_local.go,
// task_lease.go); their
// delivery is at least once, with an idempotency key per attempt.
//
// # Connections
//
// Connections are the credentials of HTTP Tasks, in AWS EventBridge's
// shapes (api_connections.go: CreateConnection, DescribeConnection,
// ListConnections, DeleteConnection). Their secrets are sealed with
// AES-256-GCM under Config.SecretKey, bound to the connection's ARN, next
// to the key's fingerprint (engine/internal/secret), so a wrong key is
// named as such. Connections (connections.go) reads and opens them for
// the HTTP Task: it is the activities.ConnectionSource a process gives to
// activities.RegisterHTTP.
package engine
