package logsink

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/asl/runner"
)

// Event is a history event as its log record is built from it: the
// in-memory runner's event (asl/runner.Event), which the Express runner
// logs as it is, with what the durable engine adds from its stored
// events.
type Event struct {
	runner.Event
	// RawInput and RawOutput are Input and Output already encoded as JSON,
	// as the durable engine stores them; when set they are used instead.
	RawInput  json.RawMessage
	RawOutput json.RawMessage
	// Details are the event's other detail fields (resource, parameters,
	// index, ...) by their AWS names; nil for none.
	Details map[string]any
}

// Record is one log record. Its JSON is AWS's CloudWatch Logs form: ids
// and the timestamp (milliseconds since the epoch) as strings, details
// as an object.
type Record struct {
	ID              string         `json:"id"`
	Type            string         `json:"type"`
	Details         map[string]any `json:"details"`
	PreviousEventID string         `json:"previous_event_id"`
	EventTimestamp  string         `json:"event_timestamp"`
	ExecutionARN    string         `json:"execution_arn"`
	// StateMachineARN, LogGroup and Time say where the record goes and
	// when its event happened; they are not part of its JSON.
	StateMachineARN string    `json:"-"`
	LogGroup        string    `json:"-"`
	Time            time.Time `json:"-"`
}

// dataDetails are the detail fields that carry execution data, left out
// of records unless the stream includes it (the variables a state
// assigned are data too).
var dataDetails = map[string]bool{"input": true, "inputDetails": true, "output": true, "outputDetails": true, "parameters": true, "assignedVariables": true}

// Stream is where one state machine's records go and what they carry: its
// loggingConfiguration.
type Stream struct {
	StateMachineARN string
	Level           Level
	// IncludeExecutionData puts input, output and parameters in records.
	IncludeExecutionData bool
	// LogGroupARN is the destination; it names the stream in sinks.
	LogGroupARN string
}

// Logs reports whether the stream logs events of type eventType.
func (s Stream) Logs(eventType string) bool { return s.Level.Logs(eventType) }

// LogGroup is the name of the stream's log group, from its ARN
// (arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*).
func (s Stream) LogGroup() string { return LogGroupName(s.LogGroupARN) }

// LogGroupName returns the log group name of a CloudWatch Logs log group
// ARN, "" when arn has none.
func LogGroupName(arn string) string {
	_, name, ok := strings.Cut(arn, ":log-group:")
	if !ok {
		return ""
	}
	return strings.TrimSuffix(name, ":*")
}

// Record builds the record of event ev of the execution executionARN.
// Details hold the state's name, the failure's error and cause, the
// event's other details and, when the stream includes execution data,
// input and output as JSON text with their inputDetails and
// outputDetails.
func (s Stream) Record(executionARN string, ev Event) Record {
	details := map[string]any{}
	for k, v := range ev.Details {
		if s.IncludeExecutionData || !dataDetails[k] {
			details[k] = v
		}
	}
	if ev.State != "" {
		details["name"] = ev.State
	}
	if ev.Error != "" {
		details["error"] = ev.Error
	}
	if ev.Cause != "" {
		details["cause"] = ev.Cause
	}
	if s.IncludeExecutionData {
		putData(details, "input", payload(ev.RawInput, ev.Input))
		putData(details, "output", payload(ev.RawOutput, ev.Output))
		if len(ev.AssignedVariables) > 0 {
			details["assignedVariables"] = ev.AssignedVariables
		}
	}
	return Record{
		ID: strconv.FormatInt(ev.ID, 10), Type: ev.Type, Details: details,
		PreviousEventID: strconv.FormatInt(ev.PreviousID, 10),
		EventTimestamp:  strconv.FormatInt(ev.Timestamp.UnixMilli(), 10),
		ExecutionARN:    executionARN, StateMachineARN: s.StateMachineARN, LogGroup: s.LogGroup(), Time: ev.Timestamp,
	}
}

// payload is raw, or else value encoded; nil when neither is set.
func payload(raw json.RawMessage, value any) json.RawMessage {
	if raw != nil || value == nil {
		return raw
	}
	b, err := json.Marshal(value)
	if err != nil {
		return nil
	}
	return b
}

// putData sets a payload as AWS logs it: JSON text under key, and
// key+"Details" saying it is not truncated.
func putData(details map[string]any, key string, value json.RawMessage) {
	if value == nil {
		return
	}
	details[key] = string(value)
	details[key+"Details"] = map[string]bool{"truncated": false}
}
