package engine

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// StartInput describes an execution to start.
type StartInput struct {
	// StateMachine is the machine's name or ARN. A version ARN
	// (MACHINE:N) runs that published version, an alias ARN
	// (MACHINE:ALIAS) the version the alias routes the start to
	// (Config.RoutingRandom draws it by weight); the execution records
	// both ARNs.
	StateMachine string
	// Name makes the start idempotent; empty means a generated name.
	Name string
	// Input is the JSON input; empty means {}.
	Input string
	// Version pins a version; 0 means the latest.
	Version int
	// TestCase runs the execution with that test case of the mock
	// configuration (Config.Mocks), as Step Functions Local does for
	// StateMachineArn#TestCase; StateMachine may also end with
	// #TESTCASE. Empty runs every Task for real.
	TestCase string
	// versionARN and aliasARN are the version and alias StateMachine
	// names, once resolveQualifier has read them.
	versionARN, aliasARN string
}

// StartExecution starts an execution, or returns the one of the same name
// if its input is the same (created is then false). A different input
// under a taken name is ErrExecutionAlreadyExists. An execution of an
// EXPRESS machine is started asynchronously (see express_start.go): the
// execution returned is RUNNING, under its express ARN, is never
// stored, and every start is a new one, whatever its name.
// A request over admission control's limits is ErrThrottled (see
// admission.go).
func (e *Engine) StartExecution(ctx context.Context, in StartInput) (exec *store.Execution, created bool, err error) {
	release, err := e.admit()
	if err != nil {
		return nil, false, err
	}
	defer release()
	return e.startExecution(ctx, in, nil)
}

// startExecution is StartExecution; w, when set, is registered for the
// new execution before it commits (StartSync).
func (e *Engine) startExecution(ctx context.Context, in StartInput, w *watch) (exec *store.Execution, created bool, err error) {
	mv, input, err := e.prepareStart(ctx, &in)
	if err != nil {
		return nil, false, err
	}
	if mv.Type == store.TypeExpress && w != nil {
		return nil, false, fmt.Errorf("%w: %s is an EXPRESS state machine: StartSyncExpress runs its executions to their end", ErrStateMachineTypeNotSupported, mv.ARN)
	}
	if mv.Type == store.TypeExpress {
		exec, err := e.startExpress(ctx, mv, input, in)
		return exec, err == nil, err
	}
	m, err := e.machine(ctx, e.pool, mv.ID, mv.Version)
	if err != nil {
		return nil, false, err
	}
	s := &start{mv: mv, m: m, in: in, input: input, watch: w}
	err = e.starts.submit(ctx, s)
	if err == nil {
		return s.exec, true, nil
	}
	if store.IsForeignKeyViolation(err) {
		// The machine was deleted by another process since it was read.
		e.forgetMachine(mv.Name)
		return nil, false, fmt.Errorf("%w: %s (version %d)", ErrStateMachineDoesNotExist, in.StateMachine, in.Version)
	}
	if !errors.Is(err, store.ErrConflict) {
		return nil, false, err
	}
	existing, err := e.sameName(ctx, mv.ID, in)
	if existing == nil && err == nil {
		err = fmt.Errorf("%w: %s was taken and removed meanwhile; start again", ErrExecutionAlreadyExists, in.Name)
	}
	return existing, false, err
}

// start is a new execution waiting to be committed; exec is set once it
// is.
type start struct {
	mv    *store.MachineVersion
	m     *asl.StateMachine
	in    StartInput
	input any
	exec  *store.Execution
	watch *watch // nil unless the caller waits for the end
}

// commitStarts creates executions together; if that fails, each is tried
// on its own.
func (e *Engine) commitStarts(ctx context.Context, batch []*start) []error {
	errs := make([]error, len(batch))
	if len(batch) > 1 && e.startTogether(ctx, batch) == nil {
		return errs
	}
	for i, s := range batch {
		// A name taken shows as a unique violation wherever the insert
		// is sent: at the flush, or at a read before it.
		errs[i] = store.AsConflict(e.startTogether(ctx, []*start{s}))
	}
	return errs
}

// startTogether creates executions in one transaction, each run up to its
// first effect. A name already taken fails it with a unique violation.
func (e *Engine) startTogether(ctx context.Context, batch []*start) error {
	pg := e.newPipeline()
	defer pg.rollback(ctx)
	var changes []*change
	err := e.commit(ctx, pg, func() ([]*change, error) {
		// The pipeline has not begun: the ids come before its first round
		// trip, which carries the inserts.
		execIDs, runIDs, err := e.ids.take(ctx, e.pool, len(batch))
		if err != nil {
			return nil, err
		}
		changes = make([]*change, len(batch))
		for i, s := range batch {
			exec := &store.Execution{ID: execIDs[i], ARN: e.arns.Execution(s.mv.Name, s.in.Name), StateMachineID: s.mv.ID,
				Version: s.mv.Version, Name: s.in.Name, Status: store.StatusRunning, Input: s.in.Input, StartedAt: e.now()}
			if s.in.TestCase != "" {
				exec.TestCase = &s.in.TestCase
			}
			exec.VersionARN, exec.AliasARN = optional(s.in.versionARN), optional(s.in.aliasARN)
			exec.Waited = s.watch != nil // its end notifies other processes' waiters too
			if s.watch != nil {
				s.watch.on(exec.ID)
			}
			if changes[i], err = e.begin(ctx, pg, exec, runIDs[i], s.m, s.input); err != nil {
				return nil, err
			}
		}
		return changes, nil
	}, nil)
	if err != nil {
		return err
	}
	for i, s := range batch {
		s.exec = changes[i].exec
	}
	return nil
}

// begin records ExecutionStarted and runs the new execution's top-level
// run up to its first effect; both are inserted when the change is
// committed.
func (e *Engine) begin(ctx context.Context, pg *pipeline, exec *store.Execution, runID int64, m *asl.StateMachine, input any) (*change, error) {
	t := e.newChange(ctx, pg, exec, m, exec.StartedAt)
	t.input = input
	run := &store.Run{ID: runID, ExecutionID: exec.ID, MachinePath: "[]", Status: store.RunRunning, State: m.StartAt}
	pg.create(exec, run)
	l := &live{run: run, m: m, varsRead: true} // a new run has no variables yet
	return t, t.started(l, input)
}

// started records ExecutionStarted and runs the execution's top-level run
// l from StartAt up to its first effect.
func (t *change) started(l *live, input any) error {
	t.emitRaw(history.ExecutionStarted, "", `{"input":`+t.exec.Input+`,"stateMachineArn":`+quote(t.e.arns.StateMachine(t.machineName()))+
		qualifiers(t.exec)+`}`)
	if l.m.TimeoutSeconds > 0 {
		t.scheduleDrive(driveArgs{Seq: int64(t.exec.RedriveCount), Reason: reasonExecTimeout}, t.now.Add(secondsOf(l.m.TimeoutSeconds)))
	}
	t.enterState(l, l.m.StartAt, input)
	return t.advance(l, t.enter(l))
}

// qualifiers is the JSON members, each after a comma, that name the
// version and alias an execution was started through; "" for none.
func qualifiers(exec *store.Execution) string {
	out := ""
	if exec.VersionARN != nil {
		out += `,"stateMachineVersionArn":` + quote(*exec.VersionARN)
	}
	if exec.AliasARN != nil {
		out += `,"stateMachineAliasArn":` + quote(*exec.AliasARN)
	}
	return out
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// prepareStart checks a start request, fills its defaults and reads the
// machine version it will run.
func (e *Engine) prepareStart(ctx context.Context, in *StartInput) (*store.MachineVersion, any, error) {
	if machine, testCase, ok := arn.CutTestCase(in.StateMachine); ok {
		in.StateMachine, in.TestCase = machine, testCase
	}
	name := arn.Name(in.StateMachine)
	if err := e.checkTestCase(name, in.TestCase); err != nil {
		return nil, nil, err
	}
	if in.Name == "" {
		in.Name = newExecutionName()
	}
	if err := checkName(in.Name); err != nil {
		return nil, nil, err
	}
	if err := e.resolveQualifier(ctx, in); err != nil {
		return nil, nil, err
	}
	mv, err := e.machineVersion(ctx, name, in.Version)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, fmt.Errorf("%w: %s (version %d)", ErrStateMachineDoesNotExist, in.StateMachine, in.Version)
	}
	if err != nil {
		return nil, nil, err
	}
	input, err := checkInput(in, mv.InputSchema)
	return mv, input, err
}

// checkInput validates an execution input: JSON, within the payload
// limit, and valid against the version's input schema.
func checkInput(in *StartInput, inputSchema *string) (any, error) {
	if in.Input == "" {
		in.Input = "{}"
	}
	if len(in.Input) > asl.PayloadLimit {
		return nil, fmt.Errorf("%w: %d bytes is over the %d-byte limit (States.DataLimitExceeded)", ErrInvalidExecutionInput, len(in.Input), asl.PayloadLimit)
	}
	input, err := asl.DecodeJSON([]byte(in.Input))
	if err != nil {
		return nil, fmt.Errorf("%w: not valid JSON: %v", ErrInvalidExecutionInput, err)
	}
	if inputSchema != nil {
		schema, err := compileSchema(*inputSchema)
		if err != nil {
			return nil, err
		}
		if err := schema.Validate(toSchemaValue(input)); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidExecutionInput, err)
		}
	}
	return input, nil
}

// toSchemaValue converts int64 numbers, which jsonschema does not know,
// to json.Number.
func toSchemaValue(v any) any {
	switch t := v.(type) {
	case int64:
		return json.Number(fmt.Sprint(t))
	case float64:
		return json.Number(fmt.Sprint(t))
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = toSchemaValue(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = toSchemaValue(e)
		}
		return out
	}
	return v
}

// sameName returns the machine's execution named in.Name, if there is
// one with the same input; a different input is an error.
func (e *Engine) sameName(ctx context.Context, machineID int64, in StartInput) (*store.Execution, error) {
	existing, err := store.GetExecutionByName(ctx, e.pool, machineID, in.Name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a, _ := asl.DecodeJSON([]byte(existing.Input))
	b, _ := asl.DecodeJSON([]byte(in.Input))
	if asl.EncodeJSON(a) != asl.EncodeJSON(b) {
		return nil, fmt.Errorf("%w: %s was started with a different input", ErrExecutionAlreadyExists, existing.ARN)
	}
	return existing, nil
}

func newExecutionName() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return uuidText(b)
}
