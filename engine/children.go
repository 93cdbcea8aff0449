package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// fork is a Parallel or Map state's bookkeeping of its child runs, stored
// on the parent run.
type fork struct {
	Map         bool    `json:"map"`
	Total       int     `json:"total"`
	Started     int     `json:"started"`
	Done        int     `json:"done"`
	Failed      int     `json:"failed"`
	Concurrency int     `json:"concurrency,omitempty"`
	Count       int64   `json:"count"`
	Percentage  float64 `json:"percentage"`
	// Next is the lowest index that may still be PENDING: children are
	// claimed in index order, so the claim looks from there on (a redrive
	// sets it back to 0).
	Next int `json:"next,omitempty"`
	// MapRun is a Distributed Map's Map run (see maprun.go); CountSet
	// and PercentageSet say UpdateMapRun set a tolerance the state does
	// not.
	MapRun        int64 `json:"mapRun,omitempty"`
	CountSet      bool  `json:"countSet,omitempty"`
	PercentageSet bool  `json:"percentageSet,omitempty"`
	// Redriving says a redriven Map run still has children to redrive,
	// from map index RedriveNext on.
	Redriving   bool `json:"redriving,omitempty"`
	RedriveNext int  `json:"redriveNext,omitempty"`
}

// saveFork writes run l with its fork's bookkeeping f.
func (t *change) saveFork(l *live, f *fork) {
	b, _ := json.Marshal(f)
	s := string(b)
	l.run.Fork = &s
	t.save(l)
}

// forkParallel creates one child run per branch; they begin when the
// change settles.
func (t *change) forkParallel(l *live, d asl.Decision) (*asl.Decision, error) {
	t.touch(l)
	t.runEvent(l, history.ParallelStateStarted, nil)
	if err := t.deleteChildren(l); err != nil {
		return nil, err
	}
	input := asl.EncodeJSON(d.Input)
	runs := make([]*store.Run, len(d.Branches))
	values := make([]any, len(d.Branches))
	for i, branch := range d.Branches {
		runs[i] = t.pendingChild(l, i, childPath(l.run.MachinePath, l.run.State, i), branch.StartAt, input)
		values[i] = d.Input
	}
	f := &fork{Total: len(d.Branches)}
	return nil, t.freshChildren(l, f, runs, values)
}

// forkMap creates a child run per item; as many as MaxConcurrency allows
// begin when the change settles.
func (t *change) forkMap(l *live, run *asl.MapRun) (*asl.Decision, error) {
	t.touch(l)
	t.runEvent(l, history.MapStateStarted, map[string]any{"length": len(run.Items)})
	if run.Err != nil {
		return &asl.Decision{Kind: asl.KindFail, Error: run.Err}, nil
	}
	if run.State.Mode == asl.ModeDistributed {
		return t.forkMapRun(l, run)
	}
	f := &fork{Map: true, Total: len(run.Items),
		Concurrency: run.MaxConcurrency, Count: run.ToleratedFailureCount, Percentage: run.ToleratedFailurePercentage}
	if f.Total == 0 {
		return t.mapDone(l, f, nil)
	}
	inputs, values, failure := t.itemInputs(l, run)
	if failure != nil {
		return &asl.Decision{Kind: asl.KindFail, Error: failure}, nil
	}
	if err := t.deleteChildren(l); err != nil {
		return nil, err
	}
	// The iterations that may begin now are created in memory and
	// written once, as the change leaves them; the rest wait PENDING.
	now := min(f.Total, maxBegun)
	if f.Concurrency > 0 {
		now = min(now, f.Concurrency)
	}
	path, start := childPath(l.run.MachinePath, l.run.State, -1), run.State.Processor.StartAt
	if err := store.InsertPendingRuns(t.ctx, t.pg, t.exec.ID, l.run.ID, path, start, now, inputs[now:]); err != nil {
		return nil, err
	}
	runs := make([]*store.Run, now)
	for i := range runs {
		runs[i] = t.pendingChild(l, i, path, start, inputs[i])
	}
	return nil, t.freshChildren(l, f, runs, values[:now])
}

// deleteChildren deletes the children of run l's earlier attempt at its
// state, if it had one.
func (t *change) deleteChildren(l *live) error {
	return t.pg.deleteChildren(t.ctx, l.run.ID)
}

// pendingChild is child idx of run l, about to be created PENDING.
func (t *change) pendingChild(l *live, idx int, path, start, input string) *store.Run {
	parent := l.run.ID
	return &store.Run{ExecutionID: t.exec.ID, ParentID: &parent, Idx: idx, MachinePath: path,
		Status: store.RunPending, State: start, StateInput: &input}
}

// freshChildren creates runs, the first children of run l's fork f, in
// this transaction; they are the first the fork begins when the change
// settles, without reading them back (nor decoding their inputs, which
// values holds, index for index).
func (t *change) freshChildren(l *live, f *fork, runs []*store.Run, values []any) error {
	ids, err := t.e.runIDs.take(t.ctx, t.pg, len(runs))
	if err != nil {
		return err
	}
	if t.childInputs == nil {
		t.childInputs = make(map[int64]any, len(runs))
	}
	for i, r := range runs {
		r.ID = ids[i]
		t.pg.createChild(r)
		t.childInputs[r.ID] = values[i]
	}
	t.startPending(l, f)
	t.forks[l.run.ID].fresh = runs
	t.saveFork(l, f)
	return nil
}

// maxMapInputs bounds the iteration inputs of one Map state together, as
// they are all written when the Map starts: each may be up to 256 KiB,
// but a million of them must not fill the engine's memory.
const maxMapInputs = 64 << 20

// itemInputs computes every iteration's input, as JSON text and as a
// value.
func (t *change) itemInputs(l *live, run *asl.MapRun) ([]string, []any, *asl.Error) {
	c := t.context(l)
	inputs := make([]string, len(run.Items))
	values := make([]any, len(run.Items))
	total := 0
	for i := range run.Items {
		ic := *c
		ic.MapItem = &asl.MapItem{Index: i, Value: run.Items[i]}
		ic.Invalidate()
		v, err := run.ItemInput(i, &ic)
		if err != nil {
			return nil, nil, err
		}
		inputs[i], values[i] = asl.EncodeJSON(v), v
		if total += len(inputs[i]); total > maxMapInputs {
			return nil, nil, asl.NewError(asl.ErrorDataLimitExceeded,
				"The inputs of the Map state's %d iterations exceed %d MiB together.", len(run.Items), maxMapInputs>>20)
		}
	}
	return inputs, values, nil
}

// forked is a run waiting on its children, with its fork decoded, as the
// change last left it: the change moves one parent through many children
// without reading it again.
type forked struct {
	l *live
	f *fork
	// closed is set once the fork failed: its children are aborted, and
	// none of them may begin.
	closed bool
	// fresh are PENDING children created in this change, the next the
	// fork begins, in index order.
	fresh []*store.Run
	// ended are the children that ended in this change: when all did,
	// their results need not be read back.
	ended []*store.Run
}

// startPending keeps run l's fork f for the rest of the change, and has
// the change begin, when it settles, as many PENDING children as the
// fork's concurrency allows.
func (t *change) startPending(l *live, f *fork) {
	if t.forks == nil {
		t.forks = map[int64]*forked{}
	}
	if fk := t.forks[l.run.ID]; fk == nil || fk.l != l || fk.f != f {
		t.forks[l.run.ID] = &forked{l: l, f: f}
	}
	if !slices.Contains(t.claims, l.run.ID) {
		t.claims = append(t.claims, l.run.ID)
	}
}

// forkOf returns run id and its fork while the run waits on its children
// (the change's copy once it has one), or nil.
func (t *change) forkOf(id int64) (*forked, error) {
	fk, ok := t.forks[id]
	if !ok {
		p, err := t.loadRun(id)
		if errors.Is(err, errStale) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if p.run.Fork == nil {
			return nil, nil
		}
		fk = &forked{l: p, f: &fork{}}
		if err := json.Unmarshal([]byte(*p.run.Fork), fk.f); err != nil {
			return nil, err
		}
		if t.forks == nil {
			t.forks = map[int64]*forked{}
		}
		t.forks[id] = fk
	}
	if fk.closed || fk.l.run.Status != store.RunRunning || fk.l.run.Fork == nil {
		return nil, nil
	}
	return fk, nil
}

// forget drops what the change holds of runs changed behind its back (by
// an abort): they are read again when needed.
func (t *change) forget(ids []int64) {
	for _, id := range ids {
		delete(t.forks, id)
		delete(t.loaded, id)
	}
}

// settle begins the children the change's forks have room for, each up to
// its first effect, in the change's own transaction: a child Task is
// dispatched at once. A child that ends at once makes room for another,
// or ends its fork.
func (t *change) settle() error {
	for len(t.claims) > 0 {
		ids := t.claims
		t.claims = nil
		if err := t.claim(ids); err != nil {
			return fmt.Errorf("begin children: %w", err)
		}
	}
	return nil
}

// claim begins as many PENDING children of runs ids as their forks allow:
// those the change created itself, and the others read in one statement
// for all of them.
func (t *change) claim(ids []int64) error {
	if t.exec.Status != store.StatusRunning {
		return nil
	}
	forks, fresh, asks, err := t.room(ids)
	if err != nil {
		return err
	}
	pending, err := t.pendingChildren(asks)
	if err != nil {
		return err
	}
	pending = append(fresh, pending...)
	// Every child counts as started before any begins: one that ends at
	// once finds its fork as it will be.
	for _, r := range pending {
		f := forks[*r.ParentID].f
		f.Next = max(f.Next, r.Idx+1)
		f.Started++
	}
	for _, id := range ids {
		if fk := forks[id]; fk != nil {
			t.saveFork(fk.l, fk.f)
		}
	}
	return t.beginClaimed(forks, pending)
}

// room finds how many children each of runs ids may begin now, within
// the change's budget: it takes them from the fork's fresh children, or
// asks for them by reading the PENDING ones.
func (t *change) room(ids []int64) (forks map[int64]*forked, fresh []*store.Run, asks []store.ChildClaim, err error) {
	forks = map[int64]*forked{}
	budget := maxBegun - t.begun
	for _, id := range ids {
		fk, err := t.forkOf(id)
		if err != nil {
			return nil, nil, nil, err
		}
		if fk == nil {
			continue
		}
		f := fk.f
		n := f.Total - f.Started
		if f.Concurrency > 0 {
			n = min(n, f.Concurrency-(f.Started-f.Done))
		}
		if n > budget {
			t.beginLater(id)
			n = budget
		}
		if n <= 0 {
			continue
		}
		forks[id] = fk
		if len(fk.fresh) > 0 {
			n = min(n, len(fk.fresh))
			fresh = append(fresh, fk.fresh[:n]...)
			fk.fresh = fk.fresh[n:]
		} else {
			asks = append(asks, store.ChildClaim{Parent: id, From: f.Next, Limit: n})
		}
		budget -= n
	}
	return forks, fresh, asks, nil
}

// beginClaimed begins the claimed children, unless a child that ended at
// once ended their fork.
func (t *change) beginClaimed(forks map[int64]*forked, claimed []*store.Run) error {
	for _, r := range claimed {
		fk := forks[*r.ParentID]
		if t.forks[fk.l.run.ID] != fk || fk.closed || fk.l.run.Status != store.RunRunning || fk.l.run.Fork == nil {
			continue // a child ended the fork: the rest stay PENDING, or were aborted
		}
		m, err := t.machineAt(r.MachinePath)
		if err != nil {
			return err
		}
		r.Status = store.RunRunning
		t.begun++
		if err := t.startChild(t.childLive(r, m)); err != nil {
			return err
		}
	}
	return nil
}

// childLive is claimed child r, with the input it was created with in
// this change, if it was.
func (t *change) childLive(r *store.Run, m *asl.StateMachine) *live {
	l := &live{run: r, m: m}
	if v, ok := t.childInputs[r.ID]; ok {
		l.input, l.decoded = v, true
		delete(t.childInputs, r.ID)
	}
	return l
}

// pendingChildren reads the PENDING children asks ask for.
func (t *change) pendingChildren(asks []store.ChildClaim) ([]*store.Run, error) {
	if len(asks) == 0 {
		return nil, nil
	}
	return store.PendingChildren(t.ctx, t.pg, asks)
}

// maxBegun bounds the children one change begins, and so its size: a
// Map of many iterations that end at once (Pass states) takes a
// transaction per thousand of them, not one for all.
const maxBegun = 1000

// beginLater has a drive job begin more children of run id, in a
// transaction of its own, once this change is committed.
func (t *change) beginLater(id int64) {
	if !slices.Contains(t.later, id) {
		t.later = append(t.later, id)
		t.scheduleDrive(driveArgs{RunID: id, Reason: reasonChildren}, t.now)
	}
}

// moreChildren begins the children run id has room for, if it still
// waits on them (a drive job of beginLater).
func (t *change) moreChildren(id int64) error {
	fk, err := t.forkOf(id)
	if err != nil || fk == nil {
		return err
	}
	t.startPending(fk.l, fk.f)
	return nil
}

// startChild begins a claimed child run at its current state: StartAt,
// or for a redriven child the state where it stopped.
func (t *change) startChild(l *live) error {
	t.touch(l)
	if state, ok := mapState(l.run.MachinePath); ok {
		t.emit(history.MapIterationStarted, state, map[string]any{"index": l.run.Idx})
	}
	t.enterState(l, l.run.State, l.in())
	return t.advance(l, t.enter(l))
}

// mapState returns the Map state whose iteration a run at path is.
func mapState(path string) (string, bool) {
	if !strings.HasSuffix(path, `"b":-1}]`) {
		return "", false // as childPath writes a path: not a Map iteration
	}
	var steps []pathStep
	_ = json.Unmarshal([]byte(path), &steps)
	if len(steps) == 0 || steps[len(steps)-1].Branch != -1 {
		return "", false
	}
	return steps[len(steps)-1].State, true
}

// childFinished moves a child's parent on: it counts the child, starts the
// next pending iteration, and completes or fails the Parallel or Map state
// once the children decide it.
func (t *change) childFinished(child *live, failure *asl.Error) error {
	fk, err := t.forkOf(*child.run.ParentID)
	if err != nil || fk == nil {
		return err
	}
	p, f := fk.l, fk.f
	t.touch(p)
	f.Done++
	fk.ended = append(fk.ended, child.run)
	if f.Map {
		t.emit(iterationEvent(failure), p.run.State, map[string]any{"index": child.run.Idx})
	}
	if !f.Map {
		return t.branchFinished(p, f, failure)
	}
	return t.iterationFinished(p, f, failure)
}

func iterationEvent(failure *asl.Error) string {
	if failure != nil {
		return history.MapIterationFailed
	}
	return history.MapIterationSucceeded
}

func (t *change) branchFinished(p *live, f *fork, failure *asl.Error) error {
	if failure != nil {
		return t.forkFailed(p, failure, history.ParallelStateFailed)
	}
	if f.Done < f.Total {
		t.saveFork(p, f)
		return nil
	}
	results, err := t.childResults(p)
	if err != nil {
		return err
	}
	t.runEvent(p, history.ParallelStateSucceeded, nil)
	return t.advance(p, p.m.Complete(p.run.State, p.in(), results, t.context(p)))
}

func (t *change) iterationFinished(p *live, f *fork, failure *asl.Error) error {
	if failure != nil {
		f.Failed++
		run := &asl.MapRun{State: p.m.States[p.run.State].(*asl.Map), ToleratedFailureCount: f.Count, ToleratedFailurePercentage: f.Percentage}
		if run.Exceeded(f.Failed, f.Total) {
			if !run.ToleratesNone() {
				failure = asl.NewError(asl.ErrorExceedToleratedFailureThreshold, "The specified tolerated failure threshold was exceeded")
			}
			return t.forkFailed(p, failure, history.MapStateFailed)
		}
	}
	t.startPending(p, f)
	if f.Done < f.Total {
		t.saveFork(p, f)
		return nil
	}
	next, err := t.mapDone(p, f, nil)
	if err != nil || next == nil {
		return err
	}
	return t.advance(p, *next)
}

// mapDone completes a Map state with its children's outputs in order.
func (t *change) mapDone(p *live, f *fork, _ error) (*asl.Decision, error) {
	results := []any{}
	if f.Total > 0 {
		var err error
		if results, err = t.childResults(p); err != nil {
			return nil, err
		}
	}
	t.runEvent(p, history.MapStateSucceeded, nil)
	d := p.m.Complete(p.run.State, p.in(), results, t.context(p))
	return &d, nil
}

// childResults reads the children's outputs in index order; a tolerated
// failure appears as its {Error, Cause}. When every child ended in this
// change, they are taken from the change instead.
func (t *change) childResults(p *live) ([]any, error) {
	if fk := t.forks[p.run.ID]; fk != nil {
		if out, ok, err := fk.endedResults(); ok || err != nil {
			return out, err
		}
	}
	rows, err := store.ChildResults(t.ctx, t.pg, p.run.ID)
	if err != nil {
		return nil, err
	}
	out := make([]any, len(rows))
	for i, r := range rows {
		if out[i], err = childResult(r.Status, r.Output, r.Error, r.Cause); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// endedResults returns the children's results in index order if each of
// them ended in this change.
func (fk *forked) endedResults() ([]any, bool, error) {
	if len(fk.ended) != fk.f.Total {
		return nil, false, nil
	}
	out := make([]any, fk.f.Total)
	seen := make([]bool, fk.f.Total)
	for _, r := range fk.ended {
		if r.Idx < 0 || r.Idx >= len(out) || seen[r.Idx] {
			return nil, false, nil
		}
		v, err := childResult(r.Status, r.Output, r.Error, r.Cause)
		if err != nil {
			return nil, false, err
		}
		out[r.Idx], seen[r.Idx] = v, true
	}
	return out, true, nil
}

// childResult is how a child ended as its fork's result: its output, or
// its {Error, Cause}.
func childResult(status string, output, errName, cause *string) (any, error) {
	if status != store.RunSucceeded || output == nil {
		return map[string]any{"Error": deref(errName), "Cause": deref(cause)}, nil
	}
	return asl.DecodeJSON([]byte(*output))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// forkFailed stops a Parallel or Map state's remaining children and
// applies Retry and Catch to its failure.
func (t *change) forkFailed(p *live, failure *asl.Error, event string) error {
	if fk := t.forks[p.run.ID]; fk != nil {
		fk.closed = true
	}
	if err := t.abortBelow(p.run.ID); err != nil {
		return err
	}
	d := p.m.Failed(p.run.State, p.in(), failure, t.context(p))
	if d.Kind != asl.KindRetry {
		t.runEvent(p, event, map[string]any{"error": failure.Name, "cause": failure.Cause})
	}
	return t.advance(p, d)
}
