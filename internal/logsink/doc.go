// Package logsink turns history events into log records in AWS Step
// Functions' CloudWatch Logs form and sends them to a sink the operator
// chose.
//
// A state machine's loggingConfiguration (level ALL, ERROR, FATAL or OFF,
// includeExecutionData, one log group ARN) becomes a Stream. Stream.Logs
// says whether the level logs an event type (levels.go, after AWS's table
// of log levels), and Stream.Record builds the record of one Event
// (record.go): {"id", "type", "details", "previous_event_id",
// "event_timestamp", "execution_arn"}, with the execution data (input,
// output, parameters) in details only when the stream includes it.
//
// Event is asl/runner's Event (ID, PreviousID, Type, Timestamp, State,
// Error, Cause, Input, Output) with what the durable engine adds (its
// payloads already encoded, its other detail fields). The engine converts
// its stored events to it after a transaction commits; the in-memory
// Express runner can hand its own events over unchanged, so both log
// through the same sinks. Wiring the Express runner is a later step.
//
// A Sink takes records (sink.go). Two are here: Stdout writes each as a
// JSON line (stdout.go), Postgres batches them into the table
// stepwise_log_records, one insert per batch from a bounded buffer, and
// deletes old ones when asked (Pruner; postgres.go). Sinks are best
// effort, as CloudWatch Logs delivery is: a full buffer drops records and
// counts them rather than slow executions down.
//
// Nothing here reads the clock or holds package state; this package sits
// in internal/ because the engine, the command and (later) the Express
// runner share it and nothing outside Stepwise should.
package logsink
