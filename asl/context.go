package asl

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
)

// TimeFormat is how AWS renders times in the context object and history.
const TimeFormat = "2006-01-02T15:04:05.000Z07:00"

// Context carries everything a step reads besides the definition and the
// state input: the values of the context object ($$), the clock and the
// random source. The step function never reads the clock or randomness on
// its own.
type Context struct {
	// Execution describes the running execution ($$.Execution).
	Execution ExecutionInfo
	// StateMachineID and StateMachineName fill $$.StateMachine.
	StateMachineID   string
	StateMachineName string
	// StateName is the current state; StateEnteredTime when it was entered;
	// StateRetryCount how many retries it has made so far ($$.State).
	StateName        string
	StateEnteredTime time.Time
	StateRetryCount  int
	// Retries[i] is how often the state's Retry[i] has been used.
	Retries []int
	// EnteredEventID is the history event id of the state's entry, used in
	// AWS's error causes.
	EnteredEventID int64
	// TaskToken is $$.Task.Token for .waitForTaskToken tasks; empty otherwise.
	TaskToken string
	// MapItem is set inside a Map state's ItemSelector ($$.Map.Item).
	MapItem *MapItem
	// Now is the current time of the clock driving the execution.
	Now time.Time
	// Rand is the random source for jitter, States.MathRandom,
	// States.UUID, and JSONata's $random and $uuid. Nil makes those fail.
	Rand *rand.Rand
	// Variables are the workflow variables in scope ($name), read-only for
	// the step: a Decision's Assign says what to change. Nil means none.
	Variables map[string]any

	cached any
}

// ExecutionInfo is $$.Execution.
type ExecutionInfo struct {
	ID        string
	Name      string
	RoleArn   string
	StartTime time.Time
	Input     any
	// LoadInput, when set and Input is nil, supplies Input on first use of
	// the context object, so a large input is decoded only when read.
	LoadInput    func() any
	RedriveCount int
}

// MapItem is $$.Map.Item: the index and value of one Map iteration.
type MapItem struct {
	Index int
	Value any
}

// Object returns the context object as JSON values, built once per Context.
func (c *Context) Object() any {
	if c.cached != nil {
		return c.cached
	}
	obj := map[string]any{
		"Execution": map[string]any{
			"Id":           c.Execution.ID,
			"Name":         c.Execution.Name,
			"RoleArn":      c.Execution.RoleArn,
			"StartTime":    formatTime(c.Execution.StartTime),
			"Input":        c.Execution.input(),
			"RedriveCount": int64(c.Execution.RedriveCount),
		},
		"StateMachine": map[string]any{
			"Id":   c.StateMachineID,
			"Name": c.StateMachineName,
		},
		"State": map[string]any{
			"Name":        c.StateName,
			"EnteredTime": formatTime(c.StateEnteredTime),
			"RetryCount":  int64(c.StateRetryCount),
		},
	}
	if c.TaskToken != "" {
		obj["Task"] = map[string]any{"Token": c.TaskToken}
	}
	if c.MapItem != nil {
		obj["Map"] = map[string]any{"Item": map[string]any{
			"Index": int64(c.MapItem.Index),
			"Value": c.MapItem.Value,
		}}
	}
	c.cached = obj
	return obj
}

func (e *ExecutionInfo) input() any {
	if e.Input == nil && e.LoadInput != nil {
		e.Input = e.LoadInput()
	}
	return e.Input
}

// selectPath evaluates p on what it reads: the context object for "$$"
// paths, a workflow variable for "$name" paths (an undefined variable
// selects nothing), data otherwise.
func (c *Context) selectPath(p *jsonpath.Path, data any) (any, error) {
	switch name := p.Variable(); {
	case p.Context():
		data = c.Object()
	case name != "":
		v, ok := c.Variables[name]
		if !ok {
			return nil, fmt.Errorf("%w: the variable $%s is not defined", jsonpath.ErrNotFound, name)
		}
		data = v
	}
	return p.Select(data)
}

// Invalidate drops the cached context object; call it after changing c.
func (c *Context) Invalidate() { c.cached = nil }

func formatTime(t time.Time) string {
	return t.UTC().Format(TimeFormat)
}
