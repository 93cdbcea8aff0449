package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/store"
)

// tx is one engine transaction on one locked execution. It collects the
// events and jobs its steps produce and writes them at the end.
type change struct {
	e       *Engine
	ctx     context.Context
	pg      *pipeline
	exec    *store.Execution
	top     *asl.StateMachine
	now     time.Time
	events  []store.Event
	jobs    []river.InsertManyParams
	cancels []int64
	rand    *rand.Rand
	ended   bool // the execution stopped in this transaction
	input   any  // the execution input, decoded on first use
	timers  []timer
	tasks   []*completion // task results recorded, for the Observer
	locals  []localTask   // tasks this process runs, under leases
	// cancelRuns are runs whose tasks this transaction cancelled, for
	// the local ones to be cancelled once it commits.
	cancelRuns []int64
	// loaded holds runs read ahead (with the execution's lock), by id.
	loaded map[int64]*store.Run
}

// timer is a drive job scheduled for later, to be made available on time
// by this process (River's own scheduler checks only every few seconds).
type timer struct {
	job int64
	at  time.Time
}

// live is a run loaded in a transaction with its machine and decoded input.
type live struct {
	run    *store.Run
	m      *asl.StateMachine
	input  any
	bumped bool
	// decoded tells whether input holds the run's state input yet (it is
	// decoded on first use); changed, whether it must be written back.
	decoded, changed bool
	// quiet is set for runs inside a distributed Map: its iterations are
	// child executions on AWS, with histories of their own, so their
	// events stay out of this execution's history.
	quiet bool
	// vars are the run's workflow variables once varsRead (see variables).
	vars     map[string]any
	varsRead bool
}

// errStale ends a transaction that found its job or callback out of date;
// the transaction still commits (completing the job).
var errStale = errors.New("stale")

// inExecution runs fn in a transaction holding the execution's lock, then
// writes what fn produced; complete, when set, completes the River job
// that asked for the work in the same transaction.
func (e *Engine) inExecution(ctx context.Context, executionID int64, complete func(context.Context, *pipeline) error, fn func(*change) error) error {
	return e.inExecutionRun(ctx, executionID, 0, complete, fn)
}

// inExecutionRun is inExecution that also reads run runID in the round
// trip that takes the lock.
func (e *Engine) inExecutionRun(ctx context.Context, executionID, runID int64, complete func(context.Context, *pipeline) error, fn func(*change) error) error {
	pg := e.newPipeline()
	defer pg.rollback(ctx)
	exec, run, err := store.LockExecutionWithRun(ctx, pg, executionID, runID)
	if errors.Is(err, store.ErrNotFound) {
		return e.finishTx(ctx, pg, complete)
	}
	if err != nil {
		return err
	}
	t := &change{e: e, ctx: ctx, pg: pg, exec: exec, now: e.now(), rand: e.rand.derive()}
	t.preload(run)
	if t.top, err = e.machine(ctx, pg, exec.StateMachineID, exec.Version); err != nil {
		return err
	}
	if err := fn(t); err != nil && !errors.Is(err, errStale) {
		return err
	}
	if err := t.flush(); err != nil {
		return err
	}
	if err := e.finishTx(ctx, pg, complete); err != nil {
		return err
	}
	e.committed(t)
	return nil
}

func (e *Engine) finishTx(ctx context.Context, pg *pipeline, complete func(context.Context, *pipeline) error) error {
	if complete != nil {
		if err := complete(ctx, pg); err != nil {
			return err
		}
	}
	return pg.commit(ctx)
}

// flush writes the collected events, jobs and job cancellations.
func (t *change) flush() error {
	return flushAll(t.ctx, t.pg, []*change{t})
}

// flushAll writes what several transactions on different executions,
// sharing one database transaction, collected: their writes go out in one
// batch and their jobs in one insert.
func flushAll(ctx context.Context, pg *pipeline, txs []*change) error {
	var jobs []river.InsertManyParams
	var events []store.Event
	var execs []*store.Execution
	var leases []store.TaskLease
	for _, t := range txs {
		events = append(events, t.events...)
		leases = append(leases, t.leases()...)
		if (t.ended || len(t.events) > 0) && !pg.creating(t.exec.ID) {
			execs = append(execs, t.exec)
		}
		jobs = append(jobs, t.jobs...)
	}
	if err := store.InsertEventsBatch(ctx, pg, events); err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	if err := store.UpdateExecutionsBatch(ctx, pg, execs); err != nil {
		return fmt.Errorf("update executions: %w", err)
	}
	if err := store.InsertTaskLeases(ctx, pg, leases); err != nil {
		return fmt.Errorf("insert task leases: %w", err)
	}
	raw, err := pg.raw(ctx)
	if err != nil {
		return err
	}
	if len(jobs) > 0 {
		res, err := txs[0].e.river.InsertManyTx(ctx, raw, jobs)
		if err != nil {
			return fmt.Errorf("insert jobs: %w", err)
		}
		for _, t := range txs {
			t.jobsInserted(res[:len(t.jobs)])
			res = res[len(t.jobs):]
		}
	}
	for _, t := range txs {
		if err := t.cancelJobs(raw); err != nil {
			return err
		}
	}
	return nil
}

// jobsInserted records the ids River gave the transaction's jobs that are
// scheduled for later, to release them on time.
func (t *change) jobsInserted(res []*rivertype.JobInsertResult) {
	for i, r := range res {
		if at := t.jobs[i].InsertOpts.ScheduledAt; at.After(t.now) {
			t.timers = append(t.timers, timer{job: r.Job.ID, at: at})
		}
	}
}

func (t *change) cancelJobs(raw pgx.Tx) error {
	for _, id := range t.cancels {
		if _, err := t.e.river.JobCancelTx(t.ctx, raw, id); err != nil && !errors.Is(err, river.ErrNotFound) {
			return fmt.Errorf("cancel job %d: %w", id, err)
		}
	}
	return nil
}

// emit appends a history event and returns its id.
func (t *change) emit(typ, state string, details map[string]any) int64 {
	if details == nil {
		return t.emitRaw(typ, state, "")
	}
	return t.emitRaw(typ, state, asl.EncodeJSON(details))
}

// runEvent appends an event about run l's current state, unless the run
// is quiet; it returns the event id, or 0.
func (t *change) runEvent(l *live, typ string, details map[string]any) int64 {
	if l.quiet {
		return 0
	}
	return t.emit(typ, l.run.State, details)
}

// emitRaw appends a history event whose details are JSON text (or empty).
func (t *change) emitRaw(typ, state, details string) int64 {
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

// schedule adds a drive job for run l at its current sequence number.
func (t *change) schedule(l *live, reason string, at time.Time) {
	t.scheduleRun(l.run.ID, l.run.Seq, reason, at)
}

func (t *change) scheduleRun(runID, seq int64, reason string, at time.Time) {
	opts := driveArgs{}.InsertOpts()
	if at.After(t.now) {
		opts.ScheduledAt = at
	}
	t.jobs = append(t.jobs, river.InsertManyParams{
		Args:       driveArgs{ExecutionID: t.exec.ID, RunID: runID, Seq: seq, Reason: reason},
		InsertOpts: &opts,
	})
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
	m, quiet, err := t.machineAt(run.MachinePath)
	if err != nil {
		return nil, err
	}
	return &live{run: run, m: m, quiet: quiet}, nil
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
func (t *change) save(l *live) error {
	t.touch(l)
	if !l.changed {
		t.pg.saveRun(l.run, true)
		return nil
	}
	s := asl.EncodeJSON(l.input)
	l.run.StateInput = &s
	l.changed = false
	t.pg.saveRun(l.run, false)
	return nil
}

// pathStep locates a sub-machine: the Parallel branch or Map processor of
// a state in the enclosing machine (Branch -1 for a Map processor).
type pathStep struct {
	State  string `json:"s"`
	Branch int    `json:"b"`
}

// machineAt resolves a run's machine path in the execution's definition;
// it also reports whether the path passes through a distributed Map.
func (t *change) machineAt(path string) (*asl.StateMachine, bool, error) {
	var steps []pathStep
	if err := json.Unmarshal([]byte(path), &steps); err != nil {
		return nil, false, fmt.Errorf("machine path %q: %w", path, err)
	}
	m, distributed := t.top, false
	for _, s := range steps {
		switch st := m.States[s.State].(type) {
		case *asl.Parallel:
			if s.Branch < 0 || s.Branch >= len(st.Branches) {
				return nil, false, fmt.Errorf("machine path %q: no branch %d", path, s.Branch)
			}
			m = st.Branches[s.Branch]
		case *asl.Map:
			m = st.Processor
			distributed = distributed || st.Mode == asl.ModeDistributed
		default:
			return nil, false, fmt.Errorf("machine path %q: %q is not a Parallel or Map state", path, s.State)
		}
	}
	return m, distributed, nil
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
			RoleArn:      fmt.Sprintf("arn:aws:iam::%s:role/stepwise", t.e.cfg.Account),
			StartTime:    t.exec.StartedAt,
			LoadInput:    t.executionInput,
			RedriveCount: t.exec.RedriveCount,
		},
		StateMachineID:   t.e.stateMachineARN(t.machineName()),
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
// (arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME).
func (t *change) machineName() string {
	parts := strings.Split(t.exec.ARN, ":")
	if len(parts) >= 8 {
		return parts[6]
	}
	return ""
}

func (t *change) executionInput() any {
	if t.input == nil {
		t.input, _ = asl.DecodeJSON([]byte(t.exec.Input))
	}
	return t.input
}
