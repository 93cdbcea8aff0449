package activities

import "context"

// TaskInfo describes the task a function runs for. The engine places it in
// the function's context with WithTask.
type TaskInfo struct {
	// ExecutionARN identifies the execution the task belongs to.
	ExecutionARN string
	// StateName is the name of the Task state.
	StateName string
	// Resource is the Task state's resource as written, with its
	// integration pattern suffix (".sync", ".waitForTaskToken", ...).
	Resource string
	// Attempt is 0 for the first try and grows by one with each retry.
	Attempt int
	// IdempotencyKey is stable per (execution, state, attempt): redeliveries
	// of the same attempt get the same key, so a function can make its side
	// effects happen once.
	IdempotencyKey string
	// TaskToken is $$.Task.Token for .waitForTaskToken tasks; empty
	// otherwise.
	TaskToken string
}

// taskKey is the context key of the task value.
type taskKey struct{}

// taskValue is what WithTask places in a context.
type taskValue struct {
	info      TaskInfo
	heartbeat func(context.Context) error
}

// WithTask returns a context carrying info and the engine's heartbeat
// function for the task; heartbeat may be nil, and Heartbeat then fails.
func WithTask(ctx context.Context, info TaskInfo, heartbeat func(context.Context) error) context.Context {
	return context.WithValue(ctx, taskKey{}, &taskValue{info: info, heartbeat: heartbeat})
}

// Info returns the TaskInfo of the task ctx belongs to, and false when ctx
// carries none.
func Info(ctx context.Context) (TaskInfo, bool) {
	v, ok := ctx.Value(taskKey{}).(*taskValue)
	if !ok {
		return TaskInfo{}, false
	}
	return v.info, true
}

// Heartbeat tells the engine the task is still alive, resetting its
// HeartbeatSeconds deadline. It returns ErrNoHeartbeat when ctx carries no
// heartbeat function, and otherwise whatever the engine's function returns
// (for example when the task has already timed out or been stopped).
func Heartbeat(ctx context.Context) error {
	v, ok := ctx.Value(taskKey{}).(*taskValue)
	if !ok || v.heartbeat == nil {
		return ErrNoHeartbeat
	}
	return v.heartbeat(ctx)
}
