package engine

import (
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/itemio"
	"github.com/stepwise-run/stepwise/store"
)

// A Distributed Map runs as a Map run: each item (or batch of items, with
// an ItemBatcher) runs as a child execution of the Map's item processor,
// with its own ARN and history. The parent's run in the Map state keeps
// the fork bookkeeping (how many children started, ended, failed) and
// creates children as MaxConcurrency allows, reading on from the item
// reader's position stored with the Map run, so a crashed engine neither
// loses nor repeats an item: the children and the new position commit in
// one transaction. A child's last change queues a drive job
// (reasonMapChild) that moves the parent on. When every child has ended
// the results are collected in item order, or written to the object store
// by the ResultWriter, and the Map state completes.

// mapChildPattern is the parent_pattern of a Map run's children.
const mapChildPattern = "map"

// defaultDistributedConcurrency is how many children a Distributed Map
// runs at once when MaxConcurrency is 0 (AWS's limit).
const defaultDistributedConcurrency = 10000

// childBatch bounds the children created in one transaction.
const childBatch = 1000

// errNoObjectStore fails a Distributed Map with an ItemReader or a
// ResultWriter in an engine without Config.ObjectStore.
var errNoObjectStore = asl.NewError(asl.ErrorRuntime,
	"no object store is configured for ItemReader and ResultWriter (serve --s3-endpoint, or STEPWISE_S3_ENDPOINT)")

// forkMapRun starts a Distributed Map's Map run and its first children.
func (t *change) forkMapRun(l *live, run *asl.MapRun) (*asl.Decision, error) {
	cfg, err := itemio.ParseMap(run.State)
	if err != nil {
		return &asl.Decision{Kind: asl.KindFail, Error: asl.NewError(asl.ErrorRuntime, "%v", err)}, nil
	}
	if (cfg.Reader != nil || cfg.Writer != nil) && t.e.cfg.ObjectStore == nil {
		return &asl.Decision{Kind: asl.KindFail, Error: errNoObjectStore}, nil
	}
	mr := &store.MapRun{ExecutionID: t.exec.ID, RunID: l.run.ID, State: l.run.State, Label: mapLabel(run.State, l.run.State),
		MaxConcurrency: int32(run.MaxConcurrency), ToleratedFailureCount: run.ToleratedFailureCount,
		ToleratedFailurePercentage: float32(run.ToleratedFailurePercentage), StartedAt: t.now}
	mr.ARN = t.e.arns.MapRun(t.baseMachineName(), mr.Label, newExecutionName())
	if err := store.InsertMapRun(t.ctx, t.pg, mr); err != nil {
		return nil, err
	}
	t.runEvent(l, history.MapRunStarted, map[string]any{"mapRunArn": mr.ARN})
	f := &fork{Map: true, MapRun: mr.ID, Concurrency: run.MaxConcurrency,
		Count: run.ToleratedFailureCount, Percentage: run.ToleratedFailurePercentage}
	if f.Concurrency == 0 {
		f.Concurrency = defaultDistributedConcurrency
	}
	return t.moveMapRun(l, f, mr, run, cfg)
}

// mapLabel is the label of a Map run's ARN: the state's Label, else its
// name.
func mapLabel(m *asl.Map, state string) string {
	if m.Label != "" {
		return m.Label
	}
	return state
}

// baseMachineName is the state machine's name without the label a Map
// run's child carries (MACHINE/LABEL).
func (t *change) baseMachineName() string {
	name, _, _ := strings.Cut(t.machineName(), "/")
	return name
}

// moveMapRun creates the children concurrency allows, then completes the
// Map state once the reader is done and every child has ended.
func (t *change) moveMapRun(l *live, f *fork, mr *store.MapRun, run *asl.MapRun, cfg *itemio.MapConfig) (*asl.Decision, error) {
	if failure, err := t.createChildren(l, f, mr, run, cfg); err != nil || failure != nil {
		if err != nil {
			return nil, err
		}
		return t.mapRunFailed(l, f, mr, failure)
	}
	if !mr.ReaderDone || f.Done < f.Started || f.Redriving {
		t.saveFork(l, f)
		return nil, nil
	}
	return t.mapRunDone(l, f, mr, run, cfg)
}

// createChildren creates up to the fork's free concurrency of children
// from the items the reader yields next, and records where it stands.
func (t *change) createChildren(l *live, f *fork, mr *store.MapRun, run *asl.MapRun, cfg *itemio.MapConfig) (*asl.Error, error) {
	n := min(f.Concurrency-(f.Started-f.Done), childBatch)
	if f.Redriving && n > 0 {
		redriven, err := t.redriveChildren(f, mr, n)
		if err != nil {
			return nil, err
		}
		n -= redriven
	}
	if mr.ReaderDone || n <= 0 {
		return nil, nil
	}
	src, err := t.openItems(l, mr, run, cfg)
	if err != nil {
		return asAslError(err)
	}
	defer src.close()
	inputs := make([]any, 0, n)
	for len(inputs) < n {
		in, err := src.next(t.ctx)
		if errors.Is(err, io.EOF) {
			mr.ReaderDone = true
			break
		}
		if err != nil {
			return asAslError(err)
		}
		inputs = append(inputs, in)
	}
	pos, _ := json.Marshal(src.position())
	mr.ReaderPosition, mr.ItemsRead = string(pos), src.position().Items
	if cfg.Reader == nil && cfg.Batcher == nil {
		// the items of the input are all known: the ones not started yet
		// are pending
		mr.ItemsRead = int64(len(run.Items))
	}
	if err := t.createMapChildren(l, mr, inputs); err != nil {
		return nil, err
	}
	f.Started += len(inputs)
	if mr.ReaderDone {
		f.Total = int(mr.Children)
	}
	return nil, store.AdvanceMapRunReader(t.ctx, t.pg, mr)
}

// asAslError splits an item reader's error into a failure of the state
// (an *asl.Error) and anything else.
func asAslError(err error) (*asl.Error, error) {
	var failure *asl.Error
	if errors.As(err, &failure) {
		return failure, nil
	}
	return nil, err
}

// createMapChildren creates a RUNNING child execution per input, each
// with the drive job that begins it.
func (t *change) createMapChildren(l *live, mr *store.MapRun, inputs []any) error {
	if len(inputs) == 0 {
		return nil
	}
	execIDs, runIDs, err := t.e.ids.take(t.ctx, t.pg, len(inputs))
	if err != nil {
		return err
	}
	path := childPath(t.definitionPath(l.run.MachinePath), l.run.State, -1)
	state := l.m.States[l.run.State].(*asl.Map)
	express := state.ExecutionType == store.TypeExpress
	seq, pattern := l.run.Seq, mapChildPattern
	for i, in := range inputs {
		name := newExecutionName()
		index := mr.Children + int32(i)
		childARN := t.e.arns.MapChild(t.baseMachineName(), mr.Label, name)
		if express {
			childARN = t.e.arns.Express(t.baseMachineName()+"/"+mr.Label, name, newExecutionName())
		}
		child := &store.Execution{ID: execIDs[i], ARN: childARN,
			StateMachineID: t.exec.StateMachineID, Version: t.exec.Version, Name: name, Status: store.StatusRunning,
			Input: asl.EncodeJSON(in), StartedAt: t.now, ParentID: &t.exec.ID, ParentRunID: &l.run.ID, ParentSeq: &seq,
			ParentPattern: &pattern, TestCase: t.exec.TestCase, MachinePath: &path, MapRunID: &mr.ID, MapIndex: &index}
		r := &store.Run{ID: runIDs[i], ExecutionID: child.ID, MachinePath: "[]", Status: store.RunRunning, State: state.Processor.StartAt}
		t.pg.create(child, r)
		if express {
			t.jobs = append(t.jobs, mapExpressJob(child.ID))
			continue
		}
		t.jobs = append(t.jobs, driveJob(driveArgs{ExecutionID: child.ID, RunID: r.ID, Reason: reasonBegin}))
	}
	mr.Children += int32(len(inputs))
	return nil
}

// definitionPath is the path, in the whole definition, of a run of this
// execution at path: a Map run's child runs a sub-machine of its parent's
// definition.
func (t *change) definitionPath(path string) string {
	if t.exec.MachinePath == nil {
		return path
	}
	var outer, inner []pathStep
	_ = json.Unmarshal([]byte(*t.exec.MachinePath), &outer)
	_ = json.Unmarshal([]byte(path), &inner)
	b, _ := json.Marshal(append(outer, inner...))
	return string(b)
}

// mapChildEnded moves run l's Map run on after its child childID ended.
func (t *change) mapChildEnded(l *live, childID int64) error {
	if l.run.Status != store.RunRunning || l.run.Fork == nil {
		return errStale
	}
	var f fork
	if err := json.Unmarshal([]byte(*l.run.Fork), &f); err != nil {
		return err
	}
	if f.MapRun == 0 {
		return errStale
	}
	child, err := store.CountMapChildEnd(t.ctx, t.pg, childID, f.MapRun)
	if err != nil {
		return err
	}
	if child == nil {
		return errStale // a notice delivered again, counted by a redrive, or an earlier Map run's
	}
	mr, err := store.GetMapRun(t.ctx, t.pg, f.MapRun)
	if err != nil {
		return err
	}
	t.touch(l)
	f.Done++
	if child.Status != store.StatusSucceeded {
		f.Failed++
		if failure := t.toleranceExceeded(l, &f, mr, childFailure(child)); failure != nil {
			d, err := t.mapRunFailed(l, &f, mr, failure)
			if err != nil {
				return err
			}
			return t.advance(l, *d)
		}
	}
	return t.moveMapRunOn(l, &f, mr)
}

// childFailure is the error and cause a child execution ended with.
func childFailure(child *store.MapChildEnd) *asl.Error {
	failure := &asl.Error{Name: deref(child.Error), Cause: deref(child.Cause)}
	if failure.Name == "" {
		failure.Name = asl.ErrorTaskFailed
	}
	return failure
}

// moveMapRunOn moves a Map run on in a later change than its start: the
// Map's decision is made again from the state's input, which gives the
// same items and reader parameters.
func (t *change) moveMapRunOn(l *live, f *fork, mr *store.MapRun) error {
	d := l.m.Enter(l.run.State, l.in(), t.context(l))
	if d.Kind != asl.KindMap {
		return errors.New("engine: a Map run's state no longer decides to map")
	}
	cfg, err := itemio.ParseMap(d.Map.State)
	if err != nil {
		return err
	}
	next, err := t.moveMapRun(l, f, mr, d.Map, cfg)
	if err != nil || next == nil {
		return err
	}
	return t.advance(l, *next)
}

// toleranceExceeded is the failure of a Map run whose failed children
// passed its tolerance, or nil: the last child's failure when the state
// tolerates none, else States.ExceedToleratedFailureThreshold. The total
// is the children created so far until the reader is done.
func (t *change) toleranceExceeded(l *live, f *fork, mr *store.MapRun, last *asl.Error) *asl.Error {
	state := *l.m.States[l.run.State].(*asl.Map)
	if f.CountSet { // set by UpdateMapRun
		state.ToleratedFailureCount = &f.Count
	}
	if f.PercentageSet {
		state.ToleratedFailurePercentage = &f.Percentage
	}
	run := &asl.MapRun{State: &state, ToleratedFailureCount: f.Count, ToleratedFailurePercentage: f.Percentage}
	if !run.Exceeded(f.Failed, max(f.Total, int(mr.Children))) {
		return nil
	}
	if run.ToleratesNone() {
		return last
	}
	return asl.NewError(asl.ErrorExceedToleratedFailureThreshold, "The specified tolerated failure threshold was exceeded")
}

// mapRunFailed stops a Map run's children, ends it FAILED and decides
// what the Map state does with failure (Retry, Catch or fail).
func (t *change) mapRunFailed(l *live, f *fork, mr *store.MapRun, failure *asl.Error) (*asl.Decision, error) {
	if err := t.stopNestedOf([]int64{l.run.ID}); err != nil {
		return nil, err
	}
	if err := store.EndMapRun(t.ctx, t.pg, mr.ID, store.MapRunFailed, t.now, 0); err != nil {
		return nil, err
	}
	t.runEvent(l, history.MapRunFailed, map[string]any{"error": failure.Name, "cause": failure.Cause})
	t.saveFork(l, f)
	d := l.m.Failed(l.run.State, l.in(), failure, t.context(l))
	if d.Kind != asl.KindRetry {
		t.runEvent(l, history.MapStateFailed, map[string]any{"error": failure.Name, "cause": failure.Cause})
	}
	return &d, nil
}

// mapRunDone completes the Map state with its children's results, or
// with where the ResultWriter exported them.
func (t *change) mapRunDone(l *live, f *fork, mr *store.MapRun, run *asl.MapRun, cfg *itemio.MapConfig) (*asl.Decision, error) {
	results, written, err := t.mapResults(mr, run, cfg)
	if err != nil {
		failure, err := asAslError(err)
		if err != nil {
			return nil, err
		}
		return t.mapRunFailed(l, f, mr, failure)
	}
	if err := store.EndMapRun(t.ctx, t.pg, mr.ID, store.MapRunSucceeded, t.now, written); err != nil {
		return nil, err
	}
	t.runEvent(l, history.MapRunSucceeded, nil)
	t.runEvent(l, history.MapStateSucceeded, nil)
	t.saveFork(l, f)
	d := l.m.Complete(l.run.State, l.in(), results, t.context(l))
	return &d, nil
}
