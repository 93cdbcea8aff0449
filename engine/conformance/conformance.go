package conformance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/asl"
	aslconformance "github.com/stepwise-run/stepwise/asl/conformance"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
)

// StatusInvalid is the outcome status of a case whose definition the
// engine refuses (it does not validate, or uses what the engine does not
// run yet, such as JSONata), as conformance.Memory reports it.
const StatusInvalid = "INVALID"

// Config tunes a durable run; nil means every default.
type Config struct {
	// Timeout bounds how long an execution may run, counted from the start
	// of its batch; an execution still running then is stopped and its case
	// fails. Default 60 seconds.
	Timeout time.Duration
	// Batch is how many cases are started before the run waits for them;
	// default 250.
	Batch int
	// Starters is how many cases are started at once; default 8.
	Starters int
}

func withDefaults(cfg *Config) Config {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.Timeout <= 0 {
		c.Timeout = 60 * time.Second
	}
	if c.Batch <= 0 {
		c.Batch = 250
	}
	if c.Starters <= 0 {
		c.Starters = 8
	}
	return c
}

// Executor runs each case on e, one at a time, with the default Config.
// The engine must be started with Drive set (in this process or another
// one on the same database) for executions that wait, fork or retry.
func Executor(e *engine.Engine) aslconformance.Executor {
	timeout := withDefaults(nil).Timeout
	return func(ctx context.Context, c *aslconformance.Case) (*aslconformance.Outcome, error) {
		r := start(ctx, e, c)
		return r.finish(ctx, e, time.Now().Add(timeout))
	}
}

// Run runs the cases on e in batches: it starts every case of a batch,
// then waits for each, and judges them with the corpus's pass rule. The
// results are in the order of cases.
func Run(ctx context.Context, e *engine.Engine, cases []*aslconformance.Case, cfg *Config) []aslconformance.Result {
	c := withDefaults(cfg)
	results := make([]aslconformance.Result, 0, len(cases))
	for i := 0; i < len(cases); i += c.Batch {
		batch := cases[i:min(i+c.Batch, len(cases))]
		results = append(results, runBatch(ctx, e, batch, c)...)
	}
	return results
}

// runBatch starts every case of batch, then waits for them in order.
func runBatch(ctx context.Context, e *engine.Engine, batch []*aslconformance.Case, c Config) []aslconformance.Result {
	deadline := time.Now().Add(c.Timeout)
	runs := startAll(ctx, e, batch, c.Starters)
	results := make([]aslconformance.Result, len(runs))
	for i, r := range runs {
		o, err := r.finish(ctx, e, deadline)
		results[i] = aslconformance.Judge(r.c, o, err)
	}
	return results
}

// startAll starts the cases with up to n at once.
func startAll(ctx context.Context, e *engine.Engine, cases []*aslconformance.Case, n int) []*run {
	runs := make([]*run, len(cases))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, len(cases)) {
		wg.Go(func() {
			for i := range next {
				runs[i] = start(ctx, e, cases[i])
			}
		})
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
	return runs
}

// run is a case on its way: started (arn set), or already decided
// (outcome or err set).
type run struct {
	c       *aslconformance.Case
	arn     string
	outcome *aslconformance.Outcome
	err     error
}

// start creates the case's state machine and starts its execution.
func start(ctx context.Context, e *engine.Engine, c *aslconformance.Case) *run {
	r := &run{c: c}
	name := MachineName(c)
	if err := ensureMachine(ctx, e, name, c.Definition); errors.Is(err, engine.ErrInvalidDefinition) {
		r.outcome = &aslconformance.Outcome{Status: StatusInvalid, Cause: err.Error()}
		return r
	} else if err != nil {
		r.err = fmt.Errorf("create state machine %s: %w", name, err)
		return r
	}
	exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: name, Input: asl.EncodeJSON(c.Input)})
	if err != nil {
		r.err = fmt.Errorf("start execution: %w", err)
		return r
	}
	r.arn = exec.ARN
	return r
}

// ensureMachine creates the state machine name with definition, or finds
// it from an earlier run (the name is derived from the definition).
func ensureMachine(ctx context.Context, e *engine.Engine, name string, definition []byte) error {
	_, _, err := e.CreateStateMachine(ctx, name, engine.MachineSpec{Definition: string(definition)})
	if errors.Is(err, engine.ErrStateMachineExists) {
		return nil
	}
	return err
}

// finish waits until the execution ends or deadline passes, and returns
// its outcome. An execution still running at the deadline is stopped.
func (r *run) finish(ctx context.Context, e *engine.Engine, deadline time.Time) (*aslconformance.Outcome, error) {
	if r.outcome != nil || r.err != nil {
		return r.outcome, r.err
	}
	waitCtx, cancel := context.WithDeadline(ctx, deadline)
	exec, err := e.Wait(waitCtx, r.arn)
	cancel()
	if err != nil && exec != nil && exec.Status == store.StatusRunning {
		_, _ = e.StopExecution(ctx, r.arn, "conformance.Timeout", "the conformance run stopped waiting")
		return nil, fmt.Errorf("execution %s still RUNNING at the deadline", r.arn)
	}
	if err != nil {
		return nil, err
	}
	return outcome(ctx, e, exec)
}

// outcome turns a finished execution and its history into an outcome.
func outcome(ctx context.Context, e *engine.Engine, exec *store.Execution) (*aslconformance.Outcome, error) {
	o := &aslconformance.Outcome{Status: exec.Status, Error: deref(exec.Error), Cause: deref(exec.Cause)}
	if exec.Output != nil {
		out, err := asl.DecodeJSON([]byte(*exec.Output))
		if err != nil {
			return nil, fmt.Errorf("output of %s: %w", exec.ARN, err)
		}
		o.Output = out
	}
	types, err := eventTypes(ctx, e, exec.ID)
	if err != nil {
		return nil, err
	}
	o.Events = types
	return o, nil
}

// historyPage is how many events one History call reads.
const historyPage = 1000

// eventTypes reads the whole history of an execution, a page at a time,
// and returns its event types in order.
func eventTypes(ctx context.Context, e *engine.Engine, executionID int64) ([]string, error) {
	var types []string
	var after int64
	for {
		events, err := e.History(ctx, executionID, after, historyPage, false)
		if err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		for _, ev := range events {
			types = append(types, ev.Type)
			after = ev.ID
		}
		if len(events) < historyPage {
			return types, nil
		}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// MachineName is the state machine name a case runs under: the case name
// made name-safe, then a hash of the name and definition, so every case has
// its own machine and a changed definition gets a new one.
func MachineName(c *aslconformance.Case) string {
	sum := sha256.Sum256([]byte(c.Name + "\x00" + string(c.Definition)))
	base := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.' {
			return r
		}
		return '.'
	}, c.Name)
	if len(base) > 50 {
		base = base[:50]
	}
	return "conformance." + base + "-" + hex.EncodeToString(sum[:6])
}
