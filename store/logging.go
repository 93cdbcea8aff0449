package store

import (
	"context"
	"time"

	"github.com/stepwise-run/stepwise/store/internal/db"
)

// MachineLogging is a state machine's ARN with its logging configuration
// (AWS's loggingConfiguration). A machine never given one has Level OFF.
type MachineLogging struct {
	ARN                  string
	Level                string
	IncludeExecutionData bool
	// LogGroupARN is the one destination; nil means none.
	LogGroupARN *string
}

// SetMachineLogging sets machine machineID's logging configuration,
// replacing the one it had.
func SetMachineLogging(ctx context.Context, q Querier, machineID int64, l MachineLogging) error {
	return queries(q).UpsertMachineLogging(ctx, db.UpsertMachineLoggingParams{StateMachineID: machineID,
		Level: l.Level, IncludeExecutionData: l.IncludeExecutionData, LogGroupArn: l.LogGroupARN})
}

// GetMachineLogging reads machine machineID's ARN and logging
// configuration; a missing machine is ErrNotFound.
func GetMachineLogging(ctx context.Context, q Querier, machineID int64) (*MachineLogging, error) {
	r, err := queries(q).GetMachineLogging(ctx, machineID)
	if err != nil {
		return nil, notFound(err)
	}
	return &MachineLogging{ARN: r.ARN, Level: r.Level, IncludeExecutionData: r.IncludeExecutionData, LogGroupARN: r.LogGroupArn}, nil
}

// LogRecord is one stored log record: the record's JSON text, in AWS's
// CloudWatch Logs form, with the columns it is listed and deleted by.
type LogRecord struct {
	ID              int64
	StateMachineARN string
	ExecutionARN    string
	LogGroup        string
	Type            string
	EventTimestamp  time.Time
	Record          string
}

// InsertLogRecords writes records in one statement; ID is not read.
func InsertLogRecords(ctx context.Context, q Querier, records []LogRecord) error {
	if len(records) == 0 {
		return nil
	}
	n := len(records)
	p := db.InsertLogRecordsParams{StateMachineArns: make([]string, n), ExecutionArns: make([]string, n),
		LogGroups: make([]string, n), Types: make([]string, n), EventTimestamps: make([]time.Time, n), Records: make([]string, n)}
	for i, r := range records {
		p.StateMachineArns[i], p.ExecutionArns[i], p.LogGroups[i] = r.StateMachineARN, r.ExecutionARN, r.LogGroup
		p.Types[i], p.EventTimestamps[i], p.Records[i] = r.Type, r.EventTimestamp, r.Record
	}
	return queries(q).InsertLogRecords(ctx, p)
}

// ListLogRecords returns up to limit log records of the state machine
// machineARN whose events happened at since or later, oldest first.
func ListLogRecords(ctx context.Context, q Querier, machineARN string, since time.Time, limit int) ([]LogRecord, error) {
	rows, err := queries(q).ListLogRecords(ctx, db.ListLogRecordsParams{StateMachineArn: machineARN, Since: since, MaxRows: int32(limit)})
	return vals(rows, err, func(r *db.ListLogRecordsRow) *LogRecord { return logRecord((*db.PageLogRecordsRow)(r)) })
}

// DeleteLogRecordsBefore deletes the log records of events that happened
// before before and returns how many it deleted.
func DeleteLogRecordsBefore(ctx context.Context, q Querier, before time.Time) (int64, error) {
	return queries(q).DeleteLogRecordsBefore(ctx, before)
}

// LogRecordFilter selects and positions a page of log records for
// PageLogRecords. Zero fields match everything.
type LogRecordFilter struct {
	StateMachineARN string
	ExecutionARN    string
	// Since and Until bound the event time to [Since, Until).
	Since, Until time.Time
	// AtTime and AtID are where the previous page ended; zero is the
	// first page.
	AtTime time.Time
	AtID   int64
	Limit  int
}

// PageLogRecords returns log records newest first (by event time, then
// id), filtered and positioned by f.
func PageLogRecords(ctx context.Context, q Querier, f LogRecordFilter) ([]LogRecord, error) {
	atTime, atID := f.AtTime, f.AtID
	if atTime.IsZero() {
		atTime, atID = endOfTime, maxID
	}
	rows, err := queries(q).PageLogRecords(ctx, db.PageLogRecordsParams{StateMachineArn: f.StateMachineARN, ExecutionArn: f.ExecutionARN,
		Since: orTime(f.Since, startOfTime), Until: orTime(f.Until, endOfTime), AtTime: atTime, AtID: atID, MaxRows: int32(f.Limit)})
	return vals(rows, err, logRecord)
}

// logRecord is a row of a log record query as a LogRecord (every such
// query reads the same columns).
func logRecord(r *db.PageLogRecordsRow) *LogRecord {
	return &LogRecord{ID: r.ID, StateMachineARN: r.StateMachineArn, ExecutionARN: r.ExecutionArn, LogGroup: r.LogGroup,
		Type: r.Type, EventTimestamp: r.EventTimestamp, Record: r.Record}
}

// ExecutionLogRecords returns up to limit log records of the execution
// executionARN, oldest first.
func ExecutionLogRecords(ctx context.Context, q Querier, executionARN string, limit int) ([]LogRecord, error) {
	rows, err := queries(q).ListExecutionLogRecords(ctx, db.ListExecutionLogRecordsParams{ExecutionArn: executionARN, MaxRows: int32(limit)})
	return vals(rows, err, func(r *db.ListExecutionLogRecordsRow) *LogRecord { return logRecord((*db.PageLogRecordsRow)(r)) })
}

// orTime is t, or def when t is zero.
func orTime(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}

// ExpressExecution is an Express execution as its log records tell it:
// Express executions are never stored, only logged.
type ExpressExecution struct {
	ARN             string
	StateMachineARN string
	// Status is StatusRunning until an end record (ExecutionSucceeded,
	// ExecutionFailed, ExecutionTimedOut, ExecutionAborted) is logged,
	// then that record's status.
	Status string
	// StartedAt is the time of the execution's first record; StoppedAt
	// that of its end record, nil while RUNNING.
	StartedAt time.Time
	StoppedAt *time.Time
	// Error and Cause are the end record's; nil when it has none.
	Error, Cause *string
}

// ExpressFilter selects and positions a page of Express executions for
// ListExpressExecutions. Zero fields match everything.
type ExpressFilter struct {
	StateMachineARN string
	ExecutionARN    string
	Status          string
	// Since and Until bound the start time to [Since, Until).
	Since, Until time.Time
	// AtTime and AtARN are where the previous page ended; zero is the
	// first page.
	AtTime time.Time
	AtARN  string
	Limit  int
}

// ListExpressExecutions returns the Express executions that log records
// tell of, newest first (by start time, then ARN), filtered and
// positioned by f.
func ListExpressExecutions(ctx context.Context, q Querier, f ExpressFilter) ([]ExpressExecution, error) {
	atTime, atARN := f.AtTime, f.AtARN
	if atTime.IsZero() {
		atTime, atARN = endOfTime, ""
	}
	rows, err := queries(q).ListExpressExecutions(ctx, db.ListExpressExecutionsParams{StateMachineArn: f.StateMachineARN, ExecutionArn: f.ExecutionARN, Status: f.Status,
		Since: orTime(f.Since, startOfTime), Until: orTime(f.Until, endOfTime), AtTime: atTime, AtArn: atARN, MaxRows: int32(f.Limit)})
	return vals(rows, err, expressExecution)
}

// expressExecution is a row of ListExpressExecutions as an
// ExpressExecution.
func expressExecution(r *db.ListExpressExecutionsRow) *ExpressExecution {
	x := &ExpressExecution{ARN: r.ExecutionArn, StateMachineARN: r.StateMachineArn, Status: r.Status, StartedAt: r.StartedAt}
	if r.Status != StatusRunning {
		x.StoppedAt = &r.StoppedAt
	}
	if r.Error != "" {
		x.Error = &r.Error
	}
	if r.Cause != "" {
		x.Cause = &r.Cause
	}
	return x
}
