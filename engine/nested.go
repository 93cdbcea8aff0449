package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
)

// Nested executions (arn:aws:states:::states:startExecution and its
// patterns, and arn:aws:states:::aws-sdk:sfn:startExecution). The Task's
// change creates the child execution in the parent's transaction, so a
// crash leaves either both or neither, and a drive job (reasonBegin)
// then begins it like any execution. The child records the parent's run
// and sequence number; when a child started with .sync or .sync:2 ends,
// its last change queues a drive job (reasonNested) that completes the
// parent's task if the run still waits on it. A parent's task that ends
// otherwise (stopped, timed out, its branch aborted) stops its .sync
// children with a drive job each (reasonParentStopped). An EXPRESS
// execution, which has no transaction to share, starts its child through
// StartExecution (startNestedExpress).

// nestedRequest is a nested execution's parameters, checked.
type nestedRequest struct {
	// machine is the StateMachineArn, a version's or an alias's included,
	// or a machine name.
	machine string
	name    string
	input   string
}

// nestedParams are the parameters a nested execution's Task takes.
var nestedParams = []string{"StateMachineArn", "Input", "Name", "TraceHeader"}

// nestedErrorPrefix names the errors of a nested start as AWS does: the
// optimized integration's are StepFunctions.*, the AWS SDK's are Sfn.*.
func nestedErrorPrefix(resource string) string {
	if strings.Contains(resource, ":"+activities.SDKPrefix) {
		return "Sfn."
	}
	return "StepFunctions."
}

// parseNested reads the parameters of a nested execution's Task.
func parseNested(resource string, params any) (*nestedRequest, *asl.Error) {
	fail := func(format string, args ...any) (*nestedRequest, *asl.Error) {
		return nil, asl.NewError(asl.ErrorRuntime, "Task resource %q: %s", resource, fmt.Sprintf(format, args...))
	}
	p, ok := params.(map[string]any)
	if !ok {
		return fail("the task's Parameters must be an object with StateMachineArn, not %s", asl.JSONType(params))
	}
	for key := range p {
		if !contains(nestedParams, key) {
			return fail("startExecution does not take the parameter %q; it takes %s", key, strings.Join(nestedParams, ", "))
		}
	}
	target, ok := p["StateMachineArn"].(string)
	if !ok {
		return fail("startExecution needs the parameter StateMachineArn, a string")
	}
	r := &nestedRequest{input: "{}"}
	name, ok := p["Name"]
	if r.name, _ = name.(string); ok && r.name == "" {
		return fail("Name must be a non-empty string")
	}
	switch in := p["Input"].(type) {
	case nil:
	case string:
		r.input = in
	default:
		r.input = asl.EncodeJSON(in)
	}
	prefix := nestedErrorPrefix(resource)
	if !arn.Is(target) {
		r.machine = target
		return r, nil
	}
	if _, err := arn.ParseStateMachine(target); err != nil {
		return nil, asl.NewError(prefix+"InvalidArnException", "Invalid Arn: '%v'", err)
	}
	r.machine = target
	return r, nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// startNested runs a nested execution's Task: it creates the child and,
// for request-response, completes at once with {ExecutionArn, StartDate};
// .sync and .sync:2 wait for the child to end, .waitForTaskToken for the
// callback.
func (t *change) startNested(l *live, call *asl.TaskCall, b activities.Binding) (*asl.Decision, error) {
	req, failure := parseNested(call.Resource, call.Input)
	if failure != nil {
		return t.taskFailedNow(l, call, failure), nil
	}
	child, failure, err := t.createNested(l, req, b.Suffix, nestedErrorPrefix(call.Resource))
	if err != nil {
		return nil, err
	}
	if failure != nil {
		return t.taskFailedNow(l, call, failure), nil
	}
	t.scheduled(l, call, asl.EncodeJSON(call.Input))
	t.runEvent(l, history.TaskStarted, nil)
	started := nestedStarted(child)
	if b.Suffix == "" {
		t.runEvent(l, history.TaskSucceeded, map[string]any{"output": started})
		d := l.m.Complete(l.run.State, l.in(), started, t.context(l))
		return &d, nil
	}
	if b.WaitForToken {
		tok := &store.TaskToken{Token: *l.run.TaskToken, ExecutionID: t.exec.ID, RunID: l.run.ID, Seq: l.run.Seq}
		if err := store.InsertTaskToken(t.ctx, t.pg, tok); err != nil {
			return nil, err
		}
	}
	t.runEvent(l, history.TaskSubmitted, map[string]any{"output": started})
	t.scheduleChecks(l, call)
	t.save(l)
	return nil, nil
}

// nestedStarted is a nested start's result, as the request-response
// pattern returns it: {ExecutionArn, StartDate}.
func nestedStarted(child *store.Execution) map[string]any {
	return map[string]any{"ExecutionArn": child.ARN, "StartDate": epochMillis(child.StartedAt)}
}

// startNestedExpress starts the nested execution an EXPRESS execution's
// Task asks for, through StartExecution (a STANDARD child is durable, an
// EXPRESS one is started asynchronously), and returns nestedStarted.
// Express refuses .sync and .waitForTaskToken at create, so this is the
// request-response pattern; the child has no parent link, since an
// in-memory execution has nothing to point back to. A start of the same
// name and input (the execution run again) returns the same child.
func (e *Engine) startNestedExpress(ctx context.Context, call *asl.TaskCall) (any, error) {
	req, failure := parseNested(call.Resource, call.Input)
	if failure != nil {
		return nil, failure
	}
	child, _, err := e.startExecution(ctx, StartInput{StateMachine: req.machine, Name: req.name, Input: req.input}, nil) // never throttled
	if err != nil {
		return nil, nestedStartError(nestedErrorPrefix(call.Resource), err)
	}
	return nestedStarted(child), nil
}

// nestedStartErrors name the errors of StartExecution as a nested
// start's Task fails with them, after its prefix.
var nestedStartErrors = []struct {
	err  error
	name string
}{
	{ErrStateMachineDoesNotExist, "StateMachineDoesNotExistException"},
	{ErrInvalidName, "InvalidNameException"},
	{ErrInvalidExecutionInput, "InvalidExecutionInputException"},
	{ErrExecutionAlreadyExists, "ExecutionAlreadyExistsException"},
}

// nestedStartError is the failure of a nested start that StartExecution
// refused with err, named with prefix as AWS names it; an error of none
// of those kinds is returned as it is.
func nestedStartError(prefix string, err error) error {
	for _, n := range nestedStartErrors {
		if errors.Is(err, n.err) {
			return asl.NewError(prefix+n.name, "%v", err)
		}
	}
	return err
}

// createNested creates the child execution of run l's Task, RUNNING with
// its top-level run at StartAt, and the drive job that begins it. A
// request that cannot start is a failure named as AWS names it.
func (t *change) createNested(l *live, req *nestedRequest, pattern, prefix string) (*store.Execution, *asl.Error, error) {
	in := StartInput{StateMachine: req.machine, Name: req.name, Input: req.input}
	err := t.e.resolveQualifier(t.ctx, &in)
	if errors.Is(err, ErrStateMachineDoesNotExist) {
		return nil, asl.NewError(prefix+"StateMachineDoesNotExistException", "%v", err), nil
	}
	if err != nil {
		return nil, nil, err
	}
	mv, err := t.e.machineVersion(t.ctx, arn.Name(req.machine), in.Version)
	if errors.Is(err, store.ErrNotFound) {
		return nil, asl.NewError(prefix+"StateMachineDoesNotExistException", "State Machine Does Not Exist: '%s'", req.machine), nil
	}
	if err != nil {
		return nil, nil, err
	}
	if in.Name == "" {
		in.Name = newExecutionName()
	}
	if err := checkName(in.Name); err != nil {
		return nil, asl.NewError(prefix+"InvalidNameException", "%v", err), nil
	}
	if _, err := checkInput(&in, mv.InputSchema); err != nil {
		return nil, asl.NewError(prefix+"InvalidExecutionInputException", "%v", err), nil
	}
	if _, err := store.GetExecutionByName(t.ctx, t.pg, mv.ID, in.Name); err == nil {
		return nil, asl.NewError(prefix+"ExecutionAlreadyExistsException", "Execution Already Exists: '%s'", t.e.arns.Execution(mv.Name, in.Name)), nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, nil, err
	}
	m, err := t.e.machine(t.ctx, t.pg, mv.ID, mv.Version)
	if err != nil {
		return nil, nil, err
	}
	execIDs, runIDs, err := t.e.ids.take(t.ctx, t.pg, 1)
	if err != nil {
		return nil, nil, err
	}
	seq := l.run.Seq
	child := &store.Execution{ID: execIDs[0], ARN: t.e.arns.Execution(mv.Name, in.Name), StateMachineID: mv.ID,
		Version: mv.Version, Name: in.Name, Status: store.StatusRunning, Input: in.Input, StartedAt: t.now,
		ParentID: &t.exec.ID, ParentRunID: &l.run.ID, ParentSeq: &seq, ParentPattern: &pattern,
		VersionARN: optional(in.versionARN), AliasARN: optional(in.aliasARN)}
	run := &store.Run{ID: runIDs[0], ExecutionID: child.ID, MachinePath: "[]", Status: store.RunRunning, State: m.StartAt}
	t.pg.create(child, run)
	t.jobs = append(t.jobs, driveJob(driveArgs{ExecutionID: child.ID, RunID: run.ID, Reason: reasonBegin}))
	return child, nil, nil
}

// driveJob is the River job of drive job a, available at once.
func driveJob(a driveArgs) river.InsertManyParams {
	opts := driveArgs{}.InsertOpts()
	return river.InsertManyParams{Args: a, InsertOpts: &opts}
}

// beginNested begins a child execution that a parent's Task created.
func (t *change) beginNested(l *live) error {
	if t.exec.LastEventID != 0 {
		return errStale
	}
	l.varsRead = true // a new run has no variables yet
	return t.started(l, t.executionInput())
}

// notifyParent queues, when this execution ends, the drive job that
// completes the .sync or .sync:2 Task that started it.
func (t *change) notifyParent() {
	x := t.exec
	if x.ParentRunID != nil && x.MapRunID != nil {
		t.jobs = append(t.jobs, driveJob(driveArgs{ExecutionID: *x.ParentID, RunID: *x.ParentRunID,
			Reason: reasonMapChild, Child: x.ID}))
		return
	}
	if x.ParentRunID == nil || x.ParentPattern == nil || !strings.HasPrefix(*x.ParentPattern, activities.SyncSuffix) {
		return
	}
	t.jobs = append(t.jobs, driveJob(driveArgs{ExecutionID: *x.ParentID, RunID: *x.ParentRunID, Seq: *x.ParentSeq,
		Reason: reasonNested, Child: x.ID}))
}

// nestedEnded completes run l's .sync Task with its ended child: with
// DescribeExecution's shape when the child succeeded, else with
// States.TaskFailed whose cause is that shape as JSON.
func (t *change) nestedEnded(l *live, childID int64) error {
	child, err := store.GetExecution(t.ctx, t.pg, childID)
	if errors.Is(err, store.ErrNotFound) {
		return t.taskDone(l, nil, asl.NewError(asl.ErrorTaskFailed, "the nested execution %d was deleted", childID))
	}
	if err != nil {
		return err
	}
	out := t.describeNested(child)
	if child.Status == store.StatusSucceeded {
		return t.taskDone(l, out, nil)
	}
	return t.taskDone(l, nil, asl.NewError(asl.ErrorTaskFailed, "%s", asl.EncodeJSON(out)))
}

// describeNested is DescribeExecution's answer for an ended child, as a
// .sync Task returns it: Input and Output JSON text, or JSON values for
// .sync:2.
func (t *change) describeNested(child *store.Execution) map[string]any {
	data := func(s string) any { return s }
	if child.ParentPattern != nil && *child.ParentPattern == activities.Sync2Suffix {
		data = func(s string) any { v, _ := asl.DecodeJSON([]byte(s)); return v }
	}
	machine := ""
	if x, err := arn.ParseExecution(child.ARN); err == nil {
		machine = x.StateMachine()
	}
	out := map[string]any{
		"ExecutionArn": child.ARN, "Name": child.Name, "StateMachineArn": machine, "Status": child.Status,
		"Input": data(child.Input), "InputDetails": map[string]any{"Included": true},
		"StartDate": epochMillis(child.StartedAt), "RedriveCount": int64(child.RedriveCount),
	}
	if child.StoppedAt != nil {
		out["StopDate"] = epochMillis(*child.StoppedAt)
	}
	if child.Output != nil {
		out["Output"], out["OutputDetails"] = data(*child.Output), map[string]any{"Included": true}
	}
	if child.Error != nil && *child.Error != "" {
		out["Error"] = *child.Error
	}
	if child.Cause != nil && *child.Cause != "" {
		out["Cause"] = *child.Cause
	}
	return out
}

// epochMillis is a time as AWS's integrations report dates: milliseconds
// since the epoch.
func epochMillis(at time.Time) int64 { return at.UnixMilli() }

// stopNestedOf queues a stop of every running .sync child that runs
// started: their tasks end without them.
func (t *change) stopNestedOf(runs []int64) error {
	children, err := store.NestedToStop(t.ctx, t.pg, runs)
	if err != nil {
		return err
	}
	for _, id := range children {
		t.jobs = append(t.jobs, driveJob(driveArgs{ExecutionID: id, Reason: reasonParentStopped, Child: t.exec.ID}))
	}
	return nil
}

// parentStopped aborts this execution, a .sync child whose parent's task
// ended without it.
func (t *change) parentStopped(parentID int64) error {
	if t.exec.Status != store.StatusRunning {
		return errStale
	}
	parent := fmt.Sprint(parentID)
	if p, err := store.GetExecution(t.ctx, t.pg, parentID); err == nil {
		parent = p.ARN
	}
	return t.stopExecution(store.StatusAborted, history.ExecutionAborted,
		&asl.Error{Cause: fmt.Sprintf("The task of parent execution %s that started this execution ended.", parent)})
}
