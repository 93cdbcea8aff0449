package engine

import (
	"context"
	"fmt"
	"regexp"
	"slices"

	"github.com/stepwise-run/stepwise/internal/logsink"
	"github.com/stepwise-run/stepwise/store"
)

// LoggingConfiguration is AWS's loggingConfiguration of a state machine:
// which history events of its executions become log records, whether
// they carry execution data, and the log group they go to. AWS keeps it
// per machine, not per version: UpdateStateMachine changes it for every
// version, and running executions follow within a second (see
// loggingTTL). A machine created without one has Level OFF.
type LoggingConfiguration struct {
	// Level is ALL, ERROR, FATAL or OFF (see logsink.Level); "" means OFF.
	Level string
	// IncludeExecutionData puts input, output and parameters in records.
	IncludeExecutionData bool
	// Destinations are CloudWatch Logs log group ARNs
	// (arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*), at most one, and
	// exactly one unless Level is OFF. Stepwise does not talk to
	// CloudWatch: the log group names the stream in its log sinks.
	Destinations []string
}

// logGroupARN matches a CloudWatch Logs log group ARN, with or without
// the ":*" AWS's console appends.
var logGroupARN = regexp.MustCompile(`^arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:[\w./#-]{1,512}(:\*)?$`)

// check applies AWS's rules; a violation is ErrInvalidLoggingConfiguration
// naming the field.
func (l LoggingConfiguration) check() error {
	level := l.level()
	if level == "" {
		return fmt.Errorf("%w: loggingConfiguration.level %q must be one of ALL, ERROR, FATAL, OFF", ErrInvalidLoggingConfiguration, l.Level)
	}
	if len(l.Destinations) > 1 {
		return fmt.Errorf("%w: loggingConfiguration.destinations has %d members; at most 1 is allowed", ErrInvalidLoggingConfiguration, len(l.Destinations))
	}
	if len(l.Destinations) == 0 && level != logsink.LevelOff {
		return fmt.Errorf("%w: loggingConfiguration.destinations must have exactly 1 member when level is %s", ErrInvalidLoggingConfiguration, level)
	}
	for i, d := range l.Destinations {
		if !logGroupARN.MatchString(d) {
			return fmt.Errorf("%w: loggingConfiguration.destinations[%d].cloudWatchLogsLogGroup.logGroupArn %q is not a CloudWatch Logs log group ARN "+
				"(arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*)", ErrInvalidLoggingConfiguration, i, d)
		}
	}
	return nil
}

// Same reports whether l and o configure the same logging; an empty
// Level is OFF.
func (l LoggingConfiguration) Same(o LoggingConfiguration) bool {
	return l.level() == o.level() && l.IncludeExecutionData == o.IncludeExecutionData && slices.Equal(l.Destinations, o.Destinations)
}

// level is the configuration's level, "" when it names none.
func (l LoggingConfiguration) level() logsink.Level {
	if l.Level == "" {
		return logsink.LevelOff
	}
	level, _ := logsink.ParseLevel(l.Level)
	return level
}

// stored is the configuration as the store keeps it.
func (l LoggingConfiguration) stored() store.MachineLogging {
	out := store.MachineLogging{Level: string(l.level()), IncludeExecutionData: l.IncludeExecutionData}
	if len(l.Destinations) > 0 {
		out.LogGroupARN = &l.Destinations[0]
	}
	return out
}

// loggingOf is the configuration a stored one describes.
func loggingOf(m *store.MachineLogging) LoggingConfiguration {
	out := LoggingConfiguration{Level: m.Level, IncludeExecutionData: m.IncludeExecutionData}
	if m.LogGroupARN != nil {
		out.Destinations = []string{*m.LogGroupARN}
	}
	return out
}

// checkLogging checks an optional configuration; nil is fine.
func checkLogging(l *LoggingConfiguration) error {
	if l == nil {
		return nil
	}
	return l.check()
}

// setLogging stores an optional configuration of machine machineID; nil
// leaves the one it has.
func setLogging(ctx context.Context, q store.Querier, machineID int64, l *LoggingConfiguration) error {
	if l == nil {
		return nil
	}
	return store.SetMachineLogging(ctx, q, machineID, l.stored())
}

// SetLogging replaces the logging configuration of a machine, named by
// name or ARN, without making a version (UpdateStateMachine with only a
// loggingConfiguration). An invalid one is ErrInvalidLoggingConfiguration.
func (e *Engine) SetLogging(ctx context.Context, nameOrARN string, l LoggingConfiguration) error {
	if err := l.check(); err != nil {
		return err
	}
	sm, err := e.StateMachine(ctx, nameOrARN)
	if err != nil {
		return err
	}
	defer e.forgetLogging(sm.ID)
	return setLogging(ctx, e.pool, sm.ID, &l)
}

// Logging reads the logging configuration of the machine machineID (see
// store.StateMachine.ID); a machine never given one has Level OFF.
func (e *Engine) Logging(ctx context.Context, machineID int64) (LoggingConfiguration, error) {
	m, err := store.GetMachineLogging(ctx, e.pool, machineID)
	if err != nil {
		return LoggingConfiguration{}, fmt.Errorf("logging of state machine %d: %w", machineID, err)
	}
	return loggingOf(m), nil
}
