package engine

import (
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/asl"
)

// testContext builds the step context of a TestState: the engine's clock
// and randomness, the variables, and the context object's fields from
// in.Context over defaults.
func (e *Engine) testContext(in *TestStateInput, input any) (*asl.Context, error) {
	now := e.now()
	const machine, name = "TestState", "TestState"
	c := &asl.Context{
		Execution: asl.ExecutionInfo{ID: e.arns.Execution(machine, name), Name: name, RoleArn: in.RoleArn,
			StartTime: now, Input: input},
		StateMachineID:   e.arns.StateMachine(machine),
		StateMachineName: machine,
		StateEnteredTime: now,
		TaskToken:        newToken(),
		Now:              now,
		Rand:             e.rand.derive(),
	}
	if c.Execution.RoleArn == "" {
		c.Execution.RoleArn = e.arns.Role("stepwise")
	}
	if err := testVariables(c, in.Variables); err != nil {
		return nil, err
	}
	if in.Context == nil {
		return c, nil
	}
	raw, err := jsonField(in.Context, "", "context")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidRequest, err)
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: context must be a JSON object, not %s", ErrInvalidRequest, asl.JSONType(raw))
	}
	return c, contextFields(c, obj)
}

// testVariables decodes the variables, a JSON object.
func testVariables(c *asl.Context, text *string) error {
	if text == nil {
		return nil
	}
	raw, err := jsonField(text, "", "variables")
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidRequest, err)
	}
	vars, ok := raw.(map[string]any)
	if !ok {
		return fmt.Errorf("%w: variables must be a JSON object of variable names to values, not %s", ErrInvalidRequest, asl.JSONType(raw))
	}
	c.Variables = vars
	return nil
}

// contextFields sets the fields of c that obj, a context object, gives:
// Execution (Id, Name, RoleArn, StartTime, Input, RedriveCount),
// StateMachine (Id, Name), State (EnteredTime, RetryCount), Task (Token)
// and Map (Item.Index, Item.Value).
func contextFields(c *asl.Context, obj map[string]any) error {
	f := &fields{obj: obj}
	f.str(&c.Execution.ID, "Execution", "Id")
	f.str(&c.Execution.Name, "Execution", "Name")
	f.str(&c.Execution.RoleArn, "Execution", "RoleArn")
	f.time(&c.Execution.StartTime, "Execution", "StartTime")
	if v, ok := f.get("Execution", "Input"); ok {
		c.Execution.Input = v
	}
	f.integer(&c.Execution.RedriveCount, "Execution", "RedriveCount")
	f.str(&c.StateMachineID, "StateMachine", "Id")
	f.str(&c.StateMachineName, "StateMachine", "Name")
	f.time(&c.StateEnteredTime, "State", "EnteredTime")
	f.integer(&c.StateRetryCount, "State", "RetryCount")
	f.str(&c.TaskToken, "Task", "Token")
	if v, ok := f.get("Map", "Item", "Value"); ok {
		c.MapItem = &asl.MapItem{Value: v}
		f.integer(&c.MapItem.Index, "Map", "Item", "Index")
	}
	return f.err
}

// fields reads typed fields of a context object, keeping the first error.
type fields struct {
	obj map[string]any
	err error
}

func (f *fields) get(path ...string) (any, bool) {
	var v any = f.obj
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

func (f *fields) fail(want string, path []string) {
	if f.err == nil {
		f.err = fmt.Errorf("%w: context field %v must be %s", ErrInvalidRequest, path, want)
	}
}

func (f *fields) str(dst *string, path ...string) {
	if v, ok := f.get(path...); ok {
		s, isStr := v.(string)
		if !isStr {
			f.fail("a string", path)
			return
		}
		*dst = s
	}
}

func (f *fields) integer(dst *int, path ...string) {
	if v, ok := f.get(path...); ok {
		n, isInt := v.(int64)
		if !isInt {
			f.fail("an integer", path)
			return
		}
		*dst = int(n)
	}
}

func (f *fields) time(dst *time.Time, path ...string) {
	var s string
	f.str(&s, path...)
	if s == "" {
		return
	}
	t, err := asl.ParseTimestamp(s)
	if err != nil {
		f.fail("a timestamp", path)
		return
	}
	*dst = t
}
