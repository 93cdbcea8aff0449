package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// GetExecutionHistory: the engine's events become AWS history events,
// each with the details object AWS names after its type
// (executionStartedEventDetails, taskScheduledEventDetails, ...). Payloads
// that the engine stores as JSON values become JSON text, as AWS sends
// them.

type getExecutionHistoryInput struct {
	executionRef
	pageRequest
	ReverseOrder         bool  `json:"reverseOrder"`
	IncludeExecutionData *bool `json:"includeExecutionData"`
}

type getExecutionHistoryOutput struct {
	Events    []historyEvent `json:"events"`
	NextToken *string        `json:"nextToken,omitempty"`
}

// getExecutionHistory pages through an execution's events, oldest first
// unless reverseOrder.
func (a *api) getExecutionHistory(ctx context.Context, in *getExecutionHistoryInput) (*getExecutionHistoryOutput, error) {
	arn, err := in.arn()
	if err != nil {
		return nil, err
	}
	limit, err := pageSize(in.MaxResults, 100, 1000)
	if err != nil {
		return nil, err
	}
	exec, err := a.eng.Execution(ctx, arn)
	if err != nil {
		return nil, err
	}
	after := int64(0)
	pos, err := pageToken(in.NextToken, pagetoken.History)
	if err != nil {
		return nil, err
	}
	if pos != nil {
		if pos.Of != exec.ID || pos.Reverse != in.ReverseOrder {
			return nil, awsErrorf(awsInvalidToken, "Invalid Token: 'the nextToken belongs to another execution or order'")
		}
		after = pos.ID
	}
	events, err := a.eng.History(ctx, exec.ID, after, limit+1, in.ReverseOrder)
	if err != nil {
		return nil, err
	}
	out := &getExecutionHistoryOutput{Events: make([]historyEvent, 0, len(events))}
	if len(events) > limit {
		events = events[:limit]
		out.NextToken = pagetoken.Token{Kind: pagetoken.History, Of: exec.ID, ID: events[limit-1].ID, Reverse: in.ReverseOrder}.Ptr()
	}
	h := &historyMapper{
		ctx: ctx, eng: a.eng, exec: exec, region: space(exec.ARN).Region,
		withData: in.IncludeExecutionData == nil || *in.IncludeExecutionData,
	}
	for _, ev := range events {
		he, err := h.event(ev)
		if err != nil {
			return nil, err
		}
		out.Events = append(out.Events, he)
	}
	return out, nil
}

// historyEvent is one AWS history event: the common fields and one
// details object whose member name depends on the type.
type historyEvent struct {
	ID              int64
	PreviousEventID int64
	Timestamp       epoch
	Type            string
	// DetailsName is the member name of Details, such as
	// "taskScheduledEventDetails"; empty means the event has none.
	DetailsName string
	Details     any
}

// MarshalJSON writes the event as AWS does.
func (e historyEvent) MarshalJSON() ([]byte, error) {
	m := map[string]any{"id": e.ID, "previousEventId": e.PreviousEventID, "timestamp": e.Timestamp, "type": e.Type}
	if e.DetailsName != "" {
		m[e.DetailsName] = e.Details
	}
	return json.Marshal(m)
}

// storedDetails is the union of the detail fields the engine stores.
type storedDetails struct {
	Input              json.RawMessage `json:"input"`
	Output             json.RawMessage `json:"output"`
	Error              *string         `json:"error"`
	Cause              *string         `json:"cause"`
	Resource           string          `json:"resource"`
	Parameters         *string         `json:"parameters"`
	TimeoutInSeconds   int64           `json:"timeoutInSeconds"`
	HeartbeatInSeconds int64           `json:"heartbeatInSeconds"`
	Index              int             `json:"index"`
	Length             int             `json:"length"`
	RedriveCount       int             `json:"redriveCount"`
}

// Details objects, by the AWS shape they take.

type truncation struct {
	Truncated bool `json:"truncated"`
}

type executionStartedDetails struct {
	Input        *string     `json:"input,omitempty"`
	InputDetails *truncation `json:"inputDetails,omitempty"`
	RoleArn      string      `json:"roleArn"`
	// StateMachineVersionArn and StateMachineAliasArn are the version and
	// alias the execution was started through.
	StateMachineVersionArn *string `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   *string `json:"stateMachineAliasArn,omitempty"`
}

type outputDetails struct {
	Output        *string     `json:"output,omitempty"`
	OutputDetails *truncation `json:"outputDetails,omitempty"`
}

type failureDetails struct {
	Error *string `json:"error,omitempty"`
	Cause *string `json:"cause,omitempty"`
}

type redrivenDetails struct {
	RedriveCount int `json:"redriveCount"`
}

type stateEnteredDetails struct {
	Name         string      `json:"name"`
	Input        *string     `json:"input,omitempty"`
	InputDetails *truncation `json:"inputDetails,omitempty"`
}

type stateExitedDetails struct {
	Name string `json:"name"`
	outputDetails
}

type taskResource struct {
	ResourceType string `json:"resourceType"`
	Resource     string `json:"resource"`
}

type taskScheduledDetails struct {
	taskResource
	Region             string `json:"region"`
	Parameters         string `json:"parameters"`
	TimeoutInSeconds   *int64 `json:"timeoutInSeconds,omitempty"`
	HeartbeatInSeconds *int64 `json:"heartbeatInSeconds,omitempty"`
}

// taskOutputDetails are the details of TaskSubmitted and TaskSucceeded.
type taskOutputDetails struct {
	taskResource
	outputDetails
}

type taskFailedDetails struct {
	taskResource
	failureDetails
}

type mapIterationDetails struct {
	Name  string `json:"name"`
	Index int    `json:"index"`
}

type mapStateStartedDetails struct {
	Length int `json:"length"`
}

// historyMapper turns one execution's stored events into AWS events.
type historyMapper struct {
	ctx      context.Context
	eng      *engine.Engine
	exec     *store.Execution
	region   string
	withData bool
	// resources maps the execution's Task state names to their Resource;
	// read from the definition when first needed.
	resources map[string]string
	// revision is the machine version the execution runs, read when
	// first needed.
	revision *store.Version
}

// event maps one stored event.
func (h *historyMapper) event(ev *store.Event) (historyEvent, error) {
	out := historyEvent{ID: ev.ID, PreviousEventID: ev.PreviousID, Timestamp: epoch(ev.Timestamp), Type: ev.Type}
	var d storedDetails
	if ev.Details != nil {
		if err := json.Unmarshal([]byte(*ev.Details), &d); err != nil {
			return out, fmt.Errorf("event %d of execution %d: %w", ev.ID, ev.ExecutionID, err)
		}
	}
	state := orEmpty(ev.State)
	set := func(name string, details any) { out.DetailsName, out.Details = name, details }
	switch typ := ev.Type; {
	case typ == history.ExecutionStarted:
		in, inDetails := h.data(d.Input)
		v, err := h.version()
		if err != nil {
			return out, err
		}
		set("executionStartedEventDetails", executionStartedDetails{Input: in, InputDetails: inDetails, RoleArn: engine.RoleOf(v.Config, h.exec.ARN),
			StateMachineVersionArn: h.exec.VersionARN, StateMachineAliasArn: h.exec.AliasARN})
	case typ == history.ExecutionSucceeded:
		set("executionSucceededEventDetails", h.output(d.Output))
	case typ == history.ExecutionFailed:
		set("executionFailedEventDetails", failure(d))
	case typ == history.ExecutionAborted:
		set("executionAbortedEventDetails", failure(d))
	case typ == history.ExecutionTimedOut:
		set("executionTimedOutEventDetails", failure(d))
	case typ == history.ExecutionRedriven:
		set("executionRedrivenEventDetails", redrivenDetails{RedriveCount: d.RedriveCount})
	case history.IsStateEntered(typ):
		in, inDetails := h.data(d.Input)
		set("stateEnteredEventDetails", stateEnteredDetails{Name: state, Input: in, InputDetails: inDetails})
	case history.IsStateExited(typ):
		set("stateExitedEventDetails", stateExitedDetails{Name: state, outputDetails: h.output(d.Output)})
	case typ == history.TaskScheduled:
		details := taskScheduledDetails{taskResource: h.resource(d.Resource), Region: h.regionFor(d.Resource), Parameters: orEmpty(d.Parameters)}
		if d.TimeoutInSeconds > 0 && d.TimeoutInSeconds < asl.DefaultTaskTimeout {
			details.TimeoutInSeconds = &d.TimeoutInSeconds
		}
		if d.HeartbeatInSeconds > 0 {
			details.HeartbeatInSeconds = &d.HeartbeatInSeconds
		}
		set("taskScheduledEventDetails", details)
	case typ == history.TaskStarted, typ == history.TaskSubmitted, typ == history.TaskSucceeded, typ == history.TaskFailed, typ == history.TaskTimedOut:
		r, err := h.stateResource(state)
		if err != nil {
			return out, err
		}
		switch typ {
		case history.TaskStarted:
			set("taskStartedEventDetails", r)
		case history.TaskSubmitted:
			set("taskSubmittedEventDetails", taskOutputDetails{taskResource: r, outputDetails: h.output(d.Output)})
		case history.TaskSucceeded:
			set("taskSucceededEventDetails", taskOutputDetails{taskResource: r, outputDetails: h.output(d.Output)})
		case history.TaskFailed:
			set("taskFailedEventDetails", taskFailedDetails{taskResource: r, failureDetails: failure(d)})
		default:
			set("taskTimedOutEventDetails", taskFailedDetails{taskResource: r, failureDetails: failure(d)})
		}
	case typ == history.MapStateStarted:
		set("mapStateStartedEventDetails", mapStateStartedDetails{Length: d.Length})
	case typ == history.MapIterationStarted, typ == history.MapIterationSucceeded, typ == history.MapIterationFailed, typ == history.MapIterationAborted:
		set("m"+strings.TrimPrefix(typ, "M")+"EventDetails", mapIterationDetails{Name: state, Index: d.Index})
	}
	// Every other type (ParallelStateStarted, MapStateSucceeded,
	// MapRunStarted, ...) has no details in AWS's history, or none that
	// Stepwise records.
	return out, nil
}

// data returns a payload as JSON text with its truncation details, or
// nothing when the request left execution data out.
func (h *historyMapper) data(raw json.RawMessage) (*string, *truncation) {
	if !h.withData || raw == nil {
		return nil, nil
	}
	s := string(raw)
	return &s, &truncation{}
}

func (h *historyMapper) output(raw json.RawMessage) outputDetails {
	out, details := h.data(raw)
	return outputDetails{Output: out, OutputDetails: details}
}

func failure(d storedDetails) failureDetails {
	return failureDetails{Error: nonEmpty(orEmpty(d.Error)), Cause: nonEmpty(orEmpty(d.Cause))}
}

// resource splits a Task's Resource as AWS reports it (see
// activities.HistoryResource).
func (h *historyMapper) resource(resource string) taskResource {
	typ, name := activities.HistoryResource(resource)
	return taskResource{ResourceType: typ, Resource: name}
}

// regionFor is the region of a Task's resource: the one in its ARN, or
// the execution's.
func (h *historyMapper) regionFor(resource string) string {
	if r := space(resource).Region; r != "" {
		return r
	}
	return h.region
}

// stateResource returns the resource of the Task state named state.
func (h *historyMapper) stateResource(state string) (taskResource, error) {
	if h.resources == nil {
		v, err := h.version()
		if err != nil {
			return taskResource{}, err
		}
		h.resources = taskResources([]byte(v.Definition))
	}
	return h.resource(h.resources[state]), nil
}

// version reads the machine version the execution runs, once.
func (h *historyMapper) version() (*store.Version, error) {
	if h.revision == nil {
		_, v, err := h.eng.ExecutionVersion(h.ctx, h.exec)
		if err != nil {
			return nil, fmt.Errorf("definition of execution %s: %w", h.exec.ARN, err)
		}
		h.revision = v
	}
	return h.revision, nil
}

// taskResources maps every Task state of a definition, at any depth (state
// names are unique in the whole definition), to its Resource.
func taskResources(definition []byte) map[string]string {
	out := map[string]string{}
	var walk func(machine map[string]any)
	walk = func(machine map[string]any) {
		states, _ := machine["States"].(map[string]any)
		for name, raw := range states {
			st, _ := raw.(map[string]any)
			if r, ok := st["Resource"].(string); ok {
				out[name] = r
			}
			branches, _ := st["Branches"].([]any)
			for _, b := range branches {
				if bm, ok := b.(map[string]any); ok {
					walk(bm)
				}
			}
			for _, key := range []string{"Iterator", "ItemProcessor"} {
				if sub, ok := st[key].(map[string]any); ok {
					walk(sub)
				}
			}
		}
	}
	var root map[string]any
	if json.Unmarshal(definition, &root) == nil {
		walk(root)
	}
	return out
}
