package engine

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/store"
)

// What a change does to its execution while it is applied: it loads runs
// (live), builds their step context, appends history events and saves
// runs. The change itself, and how it is committed, are in commit.go.

// live is a run loaded in a transaction with its machine and decoded input.
type live struct {
	run    *store.Run
	m      *asl.StateMachine
	input  any
	bumped bool
	// decoded tells whether input holds the run's state input yet (it is
	// decoded on first use); changed, whether it must be written back.
	decoded, changed bool
	// vars are the run's workflow variables once varsRead (see variables).
	vars     map[string]any
	varsRead bool
}

// in returns run l's state input, decoding it on first use; a run whose
// input cannot be decoded (never written by this engine) has none.
func (l *live) in() any {
	if !l.decoded {
		l.decoded = true
		if l.run.StateInput != nil {
			l.input, _ = asl.DecodeJSON([]byte(*l.run.StateInput))
		}
	}
	return l.input
}

// stateType is the Type of run l's current state.
func (l *live) stateType() string {
	if st, ok := l.m.States[l.run.State]; ok {
		return st.Common().Type
	}
	return ""
}

// emit appends a history event and returns its id.
func (t *change) emit(typ, state string, details map[string]any) int64 {
	if details == nil {
		return t.emitRaw(typ, state, "")
	}
	return t.emitRaw(typ, state, asl.EncodeJSON(details))
}

// runEvent appends an event about run l's current state and returns its
// id.
func (t *change) runEvent(l *live, typ string, details map[string]any) int64 {
	return t.emit(typ, l.run.State, details)
}

// emitRaw appends a history event whose details are JSON text (or empty).
// An event past the history quota is dropped, and 0 returned (see fits).
func (t *change) emitRaw(typ, state, details string) int64 {
	if !t.fits(typ) {
		return 0
	}
	t.exec.LastEventID++
	ev := store.Event{ExecutionID: t.exec.ID, ID: t.exec.LastEventID, PreviousID: t.exec.LastEventID - 1, Type: typ, Timestamp: t.now}
	if state != "" {
		ev.State = &state
	}
	if details != "" {
		ev.Details = &details
	}
	t.events = append(t.events, ev)
	return ev.ID
}

// loadRun reads a run of this execution with its machine.
func (t *change) loadRun(id int64) (*live, error) {
	run, err := t.readRun(id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errStale
	}
	if err != nil {
		return nil, err
	}
	if run.ExecutionID != t.exec.ID {
		return nil, errStale
	}
	m, err := t.machineAt(run.MachinePath)
	if err != nil {
		return nil, err
	}
	return &live{run: run, m: m}, nil
}

// readRun reads a run, using one read ahead if there is one.
func (t *change) readRun(id int64) (*store.Run, error) {
	if r, ok := t.loaded[id]; ok {
		delete(t.loaded, id)
		return r, nil
	}
	return store.GetRun(t.ctx, t.pg, id)
}

// preload keeps a run read ahead for readRun.
func (t *change) preload(r *store.Run) {
	if r == nil {
		return
	}
	if t.loaded == nil {
		t.loaded = map[int64]*store.Run{}
	}
	t.loaded[r.ID] = r
}

// touch marks a run changed: its sequence number grows once per
// transaction, before any job for it is written, so jobs written earlier
// become stale.
func (t *change) touch(l *live) {
	if !l.bumped {
		l.run.Seq++
		l.bumped = true
	}
}

// save writes a changed run.
func (t *change) save(l *live) {
	t.touch(l)
	if !l.changed {
		t.pg.saveRun(l.run, true)
		return
	}
	s := asl.EncodeJSON(l.input)
	l.run.StateInput = &s
	l.changed = false
	t.pg.saveRun(l.run, false)
}

// pathStep locates a sub-machine: the Parallel branch or Map processor of
// a state in the enclosing machine (Branch -1 for a Map processor).
type pathStep struct {
	State  string `json:"s"`
	Branch int    `json:"b"`
}

// machineAt resolves a run's machine path in the execution's definition;
// it also reports whether the path passes through a distributed Map.
func (t *change) machineAt(path string) (*asl.StateMachine, error) {
	return t.e.machines.sub(t.top, path)
}

// subMachine resolves machine path path in top.
func subMachine(top *asl.StateMachine, path string) (*asl.StateMachine, error) {
	var steps []pathStep
	if err := json.Unmarshal([]byte(path), &steps); err != nil {
		return nil, fmt.Errorf("machine path %q: %w", path, err)
	}
	m := top
	for _, s := range steps {
		switch st := m.States[s.State].(type) {
		case *asl.Parallel:
			if s.Branch < 0 || s.Branch >= len(st.Branches) {
				return nil, fmt.Errorf("machine path %q: no branch %d", path, s.Branch)
			}
			m = st.Branches[s.Branch]
		case *asl.Map:
			m = st.Processor
		default:
			return nil, fmt.Errorf("machine path %q: %q is not a Parallel or Map state", path, s.State)
		}
	}
	return m, nil
}

func childPath(parent string, state string, branch int) string {
	var steps []pathStep
	_ = json.Unmarshal([]byte(parent), &steps)
	steps = append(steps, pathStep{State: state, Branch: branch})
	b, _ := json.Marshal(steps)
	return string(b)
}

// context builds the step context for run l's current state.
func (t *change) context(l *live) *asl.Context {
	retries := make([]int, len(l.run.Retries))
	total := 0
	for i, r := range l.run.Retries {
		retries[i] = int(r)
		total += int(r)
	}
	c := &asl.Context{
		Execution: asl.ExecutionInfo{
			ID:           t.exec.ARN,
			Name:         t.exec.Name,
			RoleArn:      t.e.role(t.exec.StateMachineID, t.exec.Version),
			StartTime:    t.exec.StartedAt,
			LoadInput:    t.executionInput,
			RedriveCount: t.exec.RedriveCount,
		},
		StateMachineID:   t.e.arns.StateMachine(t.machineName()),
		StateMachineName: t.machineName(),
		StateName:        l.run.State,
		StateRetryCount:  total,
		Retries:          retries,
		EnteredEventID:   l.run.EnteredEventID,
		Now:              t.now,
		Rand:             t.rand,
	}
	if l.run.StateEnteredAt != nil {
		c.StateEnteredTime = *l.run.StateEnteredAt
	}
	if l.run.TaskToken != nil {
		c.TaskToken = *l.run.TaskToken
	}
	c.Variables = t.variables(l)
	return c
}

// machineName is the state machine's name, read from the execution ARN
// on first use.
func (t *change) machineName() string {
	if t.machine == "" {
		if x, err := arn.ParseExecution(t.exec.ARN); err == nil {
			t.machine = x.Machine
		}
	}
	return t.machine
}

func (t *change) executionInput() any {
	if t.input == nil {
		t.input, _ = asl.DecodeJSON([]byte(t.exec.Input))
	}
	return t.input
}
