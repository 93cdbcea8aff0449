package asl

import (
	"strings"

	"github.com/stepwise-run/stepwise/asl/internal/jsonpath"
	"github.com/stepwise-run/stepwise/asl/internal/jsonvalue"
)

// DefaultTaskTimeout is AWS's TimeoutSeconds for a Task that sets none.
const DefaultTaskTimeout = 99999999

// Task runs work outside the engine: a function, an activity or a callback.
type Task struct {
	Base
	Resource string
	// TimeoutSeconds is 0 when unset (then TimeoutSecondsPath or the default
	// applies); HeartbeatSeconds 0 means no heartbeat is required.
	TimeoutSeconds       int64
	TimeoutSecondsPath   *jsonpath.Path
	HeartbeatSeconds     int64
	HeartbeatSecondsPath *jsonpath.Path
	// TimeoutExpr and HeartbeatExpr are JSONata expressions for
	// TimeoutSeconds and HeartbeatSeconds.
	TimeoutExpr   *Value
	HeartbeatExpr *Value
	Credentials   any
}

// TaskCall is what a KindTask decision asks the caller to run.
type TaskCall struct {
	State    string
	Resource string
	// Input is the effective input after InputPath and Parameters.
	Input            any
	TimeoutSeconds   int64
	HeartbeatSeconds int64
	// WaitForToken is set for ".waitForTaskToken" resources: the task ends
	// when a callback with the token arrives, not when the worker returns.
	WaitForToken bool
	Credentials  any
}

// WaitForTaskTokenSuffix marks a callback task's resource.
const WaitForTaskTokenSuffix = ".waitForTaskToken"

func parseTask(r *reader, b Base) State {
	t := &Task{
		Base:          b,
		Resource:      r.requiredStr("Resource"),
		TimeoutExpr:   r.expressionOr("TimeoutSeconds"),
		HeartbeatExpr: r.expressionOr("HeartbeatSeconds"),
		Credentials:   r.obj["Credentials"],
	}
	if t.TimeoutExpr == nil {
		t.TimeoutSeconds = r.integer("TimeoutSeconds")
	}
	if t.HeartbeatExpr == nil {
		t.HeartbeatSeconds = r.integer("HeartbeatSeconds")
	}
	if !b.jsonata() {
		t.TimeoutSecondsPath = r.requiredPath("TimeoutSecondsPath")
		t.HeartbeatSecondsPath = r.requiredPath("HeartbeatSecondsPath")
	}
	return t
}

func (t *Task) enter(input any, c *Context) Decision {
	params, err := t.parameters(input, c)
	if err != nil {
		return t.handle(err, input, c)
	}
	call := &TaskCall{
		State:        t.Name,
		Resource:     t.Resource,
		Input:        params,
		WaitForToken: strings.HasSuffix(t.Resource, WaitForTaskTokenSuffix),
		Credentials:  t.Credentials,
	}
	if call.TimeoutSeconds, err = t.seconds(t.TimeoutSeconds, t.TimeoutSecondsPath, t.TimeoutExpr, "TimeoutSecondsPath", input, c); err != nil {
		return t.handle(err, input, c)
	}
	if call.TimeoutSeconds == 0 {
		call.TimeoutSeconds = DefaultTaskTimeout
	}
	if call.HeartbeatSeconds, err = t.seconds(t.HeartbeatSeconds, t.HeartbeatSecondsPath, t.HeartbeatExpr, "HeartbeatSecondsPath", input, c); err != nil {
		return t.handle(err, input, c)
	}
	return Decision{Kind: KindTask, Task: call}
}

// seconds resolves a field given as a number, a path to a positive
// integer in the input, or a JSONata expression.
func (t *Task) seconds(fixed int64, path *jsonpath.Path, expr *Value, field string, input any, c *Context) (int64, *Error) {
	if expr != nil {
		return expr.integer(&states{input: input}, c, 1, "positive integer")
	}
	if path == nil {
		return fixed, nil
	}
	v, err := selectPath(OptionalPath{Path: path}, input, c)
	if err != nil {
		return 0, err
	}
	n, ok := jsonvalue.Integer(v)
	if !ok || n <= 0 {
		return 0, runtimeError(c, "The %s field refers to value %s which is not a positive integer", field, jsonvalue.String(v))
	}
	return n, nil
}

// StaticArgument returns the top-level field key of the task's Parameters
// (JSONPath) or Arguments (JSONata) when it is written as a literal, so it
// is known before the task runs. dynamic is set when the field (or the
// whole payload) comes from a path, an intrinsic function or a JSONata
// expression; value and dynamic are both zero when the field is absent.
func (t *Task) StaticArgument(key string) (value any, dynamic bool) {
	switch {
	case t.Parameters != nil:
		return t.Parameters.root.staticField(key)
	case t.Arguments != nil:
		return t.Arguments.root.staticField(key)
	}
	return nil, false
}

// staticField reads the top-level field key of a compiled template or
// JSONata-mode value: literal is its value when it is all literal, fields
// its members otherwise, and leaf tells a member's literal value.
func staticField[N any](literal any, isLiteral bool, fields []member[N], key string, leaf func(N) (any, bool)) (any, bool) {
	if isLiteral {
		obj, _ := literal.(map[string]any)
		return obj[key], false
	}
	for _, f := range fields {
		if f.name == key {
			if v, ok := leaf(f.node); ok {
				return v, false
			}
			return nil, true
		}
	}
	return nil, fields == nil
}

func (n tnode) staticField(key string) (any, bool) {
	return staticField(n.literal, n.isLiteral(), n.fields, key, func(c tnode) (any, bool) { return c.literal, c.isLiteral() })
}

func (n vnode) staticField(key string) (any, bool) {
	return staticField(n.literal, n.isLiteral(), n.fields, key, func(c vnode) (any, bool) { return c.literal, c.isLiteral() })
}
