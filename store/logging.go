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
	return vals(rows, err, func(r *db.ListLogRecordsRow) *LogRecord {
		return &LogRecord{ID: r.ID, StateMachineARN: r.StateMachineArn, ExecutionARN: r.ExecutionArn, LogGroup: r.LogGroup,
			Type: r.Type, EventTimestamp: r.EventTimestamp, Record: r.Record}
	})
}

// DeleteLogRecordsBefore deletes the log records of events that happened
// before before and returns how many it deleted.
func DeleteLogRecordsBefore(ctx context.Context, q Querier, before time.Time) (int64, error) {
	return queries(q).DeleteLogRecordsBefore(ctx, before)
}
