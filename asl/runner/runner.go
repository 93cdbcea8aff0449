// Package runner executes ASL state machines in memory, by default on a
// virtual clock: a Wait of a year takes no real time (Config.RealTime runs
// on the wall clock instead, as Express executions do). It drives the pure step function of
// package asl, runs Task states through an injected handler, and records
// the history events AWS would. Parallel branches and Map iterations run
// one after another, each on its own branch of the virtual clock, so a run
// is deterministic for a given handler and random seed.
package runner

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/internal/history"
)

// Execution statuses.
const (
	StatusSucceeded = "SUCCEEDED"
	StatusFailed    = "FAILED"
	StatusTimedOut  = "TIMED_OUT"
)

// TaskHandler runs one Task state. It returns the task's result, or an
// error: an *asl.Error (anywhere in the chain) keeps its name, any other
// error becomes States.TaskFailed. For .waitForTaskToken tasks, token is
// $$.Task.Token and the handler returns what the callback would send.
type TaskHandler func(ctx context.Context, call *asl.TaskCall, token string) (any, error)

// Config holds a run's optional settings; the zero value and nil are valid.
type Config struct {
	// Tasks runs Task states; nil fails every Task with States.TaskFailed.
	Tasks TaskHandler
	// Start is the virtual clock's starting time; zero means the real time
	// now.
	Start time.Time
	// Seed seeds the random source used for jitter, States.MathRandom and
	// States.UUID; 0 means 1.
	Seed uint64
	// ExecutionName and StateMachineName fill the context object; defaults
	// "local" and "local".
	ExecutionName    string
	StateMachineName string
	// ExecutionARN and StateMachineARN fill $$.Execution.Id and
	// $$.StateMachine.Id; empty means ARNs of region "local" built from
	// the names.
	ExecutionARN    string
	StateMachineARN string
	// MaxTransitions stops a run that loops forever; 0 means 100,000.
	MaxTransitions int
	// NoEvents skips recording history events (for benchmarks).
	NoEvents bool
	// RealTime runs on the wall clock instead of the virtual one: Wait
	// states and retry intervals really sleep (ending early, as a failure,
	// when ctx ends), and state times are read from the clock. With
	// NoEvents too, Parallel branches and Map iterations run at once (see
	// concurrent.go); with events they run one after another, so their
	// waits add up. Default false: the virtual clock.
	RealTime bool
}

// Result is how a run ended.
type Result struct {
	Status string
	Output any
	// Error is set when Status is not SUCCEEDED; its Name may be empty for a
	// Fail state without Error.
	Error       *asl.Error
	Events      []Event
	Transitions int
	// Duration is the virtual time the run took.
	Duration time.Duration
}

// Event is one history event, with AWS's event type names.
type Event struct {
	ID         int64
	PreviousID int64
	Type       string
	Timestamp  time.Time
	State      string
	Error      string
	Cause      string
	// AssignedVariables are the variables a StateExited event's state set,
	// each rendered as JSON (AWS's assignedVariables); nil when none.
	AssignedVariables map[string]string
	// Input is a StateEntered event's state input and Output a
	// StateExited event's state output, as decoded JSON values (never
	// encoded per event); nil for other events.
	Input, Output any
}

// clock is the time now: the wall clock's in real time, else now, the
// virtual clock's.
func (r *run) clock(now time.Time) time.Time {
	if r.cfg.RealTime {
		return time.Now().UTC()
	}
	return now
}

// sleepUntil moves the clock from now to until: at once on the virtual
// clock, by sleeping in real time. A sleep cut short by the run's context
// is a failure that ends the run.
func (r *run) sleepUntil(now, until time.Time) (time.Time, *asl.Error) {
	if !r.cfg.RealTime {
		return later(now, until), nil
	}
	if d := time.Until(until); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.ctx.Done():
			return r.clock(now), r.abort(r.ctx.Err())
		}
	}
	return r.clock(now), nil
}

// ErrTooManyTransitions ends a run that passed Config.MaxTransitions.
var ErrTooManyTransitions = errors.New("the execution made too many state transitions")

// Run executes m on input and returns how it ended. It returns an error
// only when the run could not be carried out (context cancelled, too many
// transitions), with a Result that holds no Status but the events and
// transitions recorded until then; a failed execution is a Result with
// Status FAILED. ExecutionStarted carries the input, ExecutionSucceeded
// the output.
func Run(ctx context.Context, m *asl.StateMachine, input any, cfg *Config) (*Result, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	r := newRun(ctx, m, input, cfg)
	if r.emit(history.ExecutionStarted, "", nil) != 0 {
		r.events[0].Input = input
	}
	out, failure, end := r.machine(m, input, nil, r.start)
	res := &Result{Output: out, Events: r.events, Transitions: r.transitions, Duration: end.Sub(r.start)}
	if r.err != nil {
		res.Output = nil
		return res, r.err
	}
	r.now = end
	switch {
	case failure != nil && failure.Name == asl.ErrorTimeout && r.timedOut:
		res.Status, res.Error = StatusTimedOut, failure
		r.emit(history.ExecutionTimedOut, "", failure)
	case failure != nil:
		res.Status, res.Error = StatusFailed, failure
		r.emit(history.ExecutionFailed, "", failure)
	default:
		res.Status = StatusSucceeded
		if r.emit(history.ExecutionSucceeded, "", nil) != 0 {
			r.events[len(r.events)-1].Output = out
		}
	}
	res.Events = r.events
	return res, nil
}

type run struct {
	ctx         context.Context
	cfg         *Config
	base        asl.Context
	start       time.Time
	now         time.Time
	deadline    time.Time
	events      []Event
	lastID      int64
	transitions int
	limit       int
	timedOut    bool
	quiet       int // > 0 while running a distributed Map's child runs
	err         error
}

func newRun(ctx context.Context, m *asl.StateMachine, input any, cfg *Config) *run {
	start := cfg.Start
	if start.IsZero() {
		start = time.Now().UTC()
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = 1
	}
	r := &run{ctx: ctx, cfg: cfg, start: start, now: start, limit: cfg.MaxTransitions}
	if r.limit == 0 {
		r.limit = 100000
	}
	if m.TimeoutSeconds > 0 {
		r.deadline = start.Add(time.Duration(m.TimeoutSeconds) * time.Second)
	}
	name := orDefault(cfg.ExecutionName, "local")
	machine := orDefault(cfg.StateMachineName, "local")
	space := arn.Space{Region: "local", Account: "000000000000"}
	smArn := orDefault(cfg.StateMachineARN, space.StateMachine(machine))
	r.base = asl.Context{
		Execution: asl.ExecutionInfo{
			ID:        orDefault(cfg.ExecutionARN, space.Execution(machine, name)),
			Name:      name,
			RoleArn:   space.Role("stepwise"),
			StartTime: start,
			Input:     input,
		},
		StateMachineID:   smArn,
		StateMachineName: machine,
		Rand:             rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
	return r
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func (r *run) emit(typ, state string, e *asl.Error) int64 {
	if r.cfg.NoEvents || r.quiet > 0 {
		return 0
	}
	r.lastID++
	ev := Event{ID: r.lastID, PreviousID: r.lastID - 1, Type: typ, Timestamp: r.now, State: state}
	if e != nil {
		ev.Error, ev.Cause = e.Name, e.Cause
	}
	r.events = append(r.events, ev)
	return r.lastID
}

// abort records why the run cannot go on and returns the error that ends
// the current machine.
func (r *run) abort(err error) *asl.Error {
	if r.err == nil {
		r.err = err
	}
	return asl.NewError(asl.ErrorRuntime, "%v", err)
}

func (r *run) check(now time.Time) *asl.Error {
	r.transitions++
	if r.transitions > r.limit {
		return r.abort(fmt.Errorf("%w (%d)", ErrTooManyTransitions, r.limit))
	}
	if err := r.ctx.Err(); err != nil {
		return r.abort(err)
	}
	if !r.deadline.IsZero() && now.After(r.deadline) {
		r.timedOut = true
		return asl.NewError(asl.ErrorTimeout, "The execution timed out.")
	}
	return nil
}
