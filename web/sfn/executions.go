package sfn

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/arn"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web/internal/pagetoken"
)

// Execution and callback operations.

type startExecutionInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	Name            *string `json:"name"`
	Input           *string `json:"input"`
}

type startExecutionOutput struct {
	ExecutionArn string `json:"executionArn"`
	StartDate    epoch  `json:"startDate"`
}

// start starts an execution, or finds the one of the same name and input;
// with sync it then waits for its end (engine.StartSync) until ctx ends,
// returning the execution still running with ctx's error.
func (a *api) start(ctx context.Context, in *startExecutionInput, sync bool) (*store.Execution, bool, error) {
	if err := in.check(); err != nil {
		return nil, false, err
	}
	machine, testCase := in.StateMachineArn, ""
	if machine != nil { // MACHINE#TESTCASE runs a test case of the mock configuration
		m, c, _ := arn.CutTestCase(*machine)
		machine, testCase = &m, c
	}
	ref, err := parseQualifiedARN("stateMachineArn", machine)
	if err != nil {
		return nil, false, err
	}
	startIn := engine.StartInput{StateMachine: ref.String(), Name: orEmpty(in.Name), Input: orEmpty(in.Input), TestCase: testCase}
	starter := a.eng.StartExecution
	if sync {
		starter = a.eng.StartSync
	}
	exec, created, err := starter(ctx, startIn)
	if exec == nil && err == nil {
		err = fmt.Errorf("execution %q of %s vanished while it was started again", orEmpty(in.Name), ref.Unqualified())
	}
	return exec, created, err
}

// check applies AWS's constraints on the fields of a start.
func (in *startExecutionInput) check() error {
	return errors.Join(required("stateMachineArn", in.StateMachineArn), maxLength("stateMachineArn", in.StateMachineArn, maxARN),
		minLength("name", in.Name, 1), maxLength("name", in.Name, maxName), sensitive(maxLength("input", in.Input, maxPayload)))
}

// startExecution starts an execution. As on AWS, starting one again with
// the same name and input returns it while it runs; once it has ended, or
// with a different input, the name is ExecutionAlreadyExists.
func (a *api) startExecution(ctx context.Context, in *startExecutionInput) (*startExecutionOutput, error) {
	exec, created, err := a.start(ctx, in, false)
	if err != nil {
		return nil, err
	}
	if !created && exec.Status != store.StatusRunning {
		return nil, fmt.Errorf("%w: Execution Already Exists: '%s' has ended (%s)", engine.ErrExecutionAlreadyExists, exec.ARN, exec.Status)
	}
	return &startExecutionOutput{ExecutionArn: exec.ARN, StartDate: epoch(exec.StartedAt)}, nil
}

// dataDetails says whether execution data is in a response.
type dataDetails struct {
	Included bool `json:"included"`
}

type startSyncExecutionInput struct {
	startExecutionInput
	IncludedData string `json:"includedData"`
}

// executionResult is what DescribeExecution and StartSyncExecution both
// answer about an execution.
type executionResult struct {
	executionSummary
	Input         *string      `json:"input,omitempty"`
	InputDetails  dataDetails  `json:"inputDetails"`
	Output        *string      `json:"output,omitempty"`
	OutputDetails *dataDetails `json:"outputDetails,omitempty"`
	Error         *string      `json:"error,omitempty"`
	Cause         *string      `json:"cause,omitempty"`
}

// executionSummary is what every answer about an execution begins with.
type executionSummary struct {
	ExecutionArn    string `json:"executionArn"`
	StateMachineArn string `json:"stateMachineArn"`
	Name            string `json:"name"`
	Status          string `json:"status"`
	StartDate       epoch  `json:"startDate"`
	StopDate        *epoch `json:"stopDate,omitempty"`
}

// summaryOf summarizes exec, an execution of the machine machineARN.
func summaryOf(exec *store.Execution, machineARN string) executionSummary {
	return executionSummary{
		ExecutionArn: exec.ARN, StateMachineArn: machineARN, Name: exec.Name, Status: exec.Status,
		StartDate: epoch(exec.StartedAt), StopDate: epochOf(exec.StoppedAt),
	}
}

// resultOf describes exec, with its input and output when included.
func resultOf(exec *store.Execution, included bool) executionResult {
	out := executionResult{
		executionSummary: summaryOf(exec, machineARN(exec)), InputDetails: dataDetails{Included: included},
		Error: nonEmpty(orEmpty(exec.Error)), Cause: nonEmpty(orEmpty(exec.Cause)),
	}
	if included {
		out.Input = &exec.Input
		if exec.Output != nil {
			out.Output, out.OutputDetails = exec.Output, &dataDetails{Included: true}
		}
	}
	return out
}

type startSyncExecutionOutput struct {
	executionResult
	BillingDetails *billingDetails `json:"billingDetails,omitempty"`
}

// startSyncExecution starts an execution and answers when it ends. An
// EXPRESS machine's runs in memory in this process (startSyncExpress).
// AWS runs only EXPRESS machines this way; Stepwise runs its STANDARD ones
// too, durably. A STANDARD execution still running after the sync timeout
// is stopped and reported TIMED_OUT, as AWS ends an Express execution
// after 5 minutes; one stopped by someone else is reported FAILED (a sync
// execution has no ABORTED status).
func (a *api) startSyncExecution(ctx context.Context, in *startSyncExecutionInput) (*startSyncExecutionOutput, error) {
	included, err := includedData(in.IncludedData)
	if err := errors.Join(in.check(), err); err != nil {
		return nil, err
	}
	if a.express(ctx, in.StateMachineArn) {
		return a.startSyncExpress(ctx, &in.startExecutionInput, included)
	}
	waitCtx, cancel := context.WithTimeout(ctx, a.syncTimeout)
	defer cancel()
	exec, _, err := a.start(waitCtx, &in.startExecutionInput, true)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil && exec != nil {
		cause := fmt.Sprintf("StartSyncExecution waits at most %s; the execution was stopped", a.syncTimeout)
		var stopped bool
		if exec, stopped, err = a.stop(ctx, exec.ARN, "States.Timeout", cause); stopped {
			exec.Status = store.StatusTimedOut
		}
	}
	if err != nil {
		return nil, err
	}
	out := resultOf(exec, included)
	if exec.Status == store.StatusAborted {
		out.Status = store.StatusFailed
	}
	return &startSyncExecutionOutput{executionResult: out}, nil
}

// includedData reads an includedData field: whether input and output are
// in the response.
func includedData(v string) (bool, error) {
	switch v {
	case "", "ALL_DATA":
		return true, nil
	case "METADATA_ONLY":
		return false, nil
	}
	return false, oneOf("includedData", v, "ALL_DATA", "METADATA_ONLY")
}

type describeExecutionInput struct {
	executionRef
	IncludedData string `json:"includedData"`
}

type describeExecutionOutput struct {
	executionResult
	// StateMachineVersionArn and StateMachineAliasArn are the version and
	// alias the execution was started through.
	StateMachineVersionArn *string `json:"stateMachineVersionArn,omitempty"`
	StateMachineAliasArn   *string `json:"stateMachineAliasArn,omitempty"`
	RedriveCount           int     `json:"redriveCount"`
	RedriveDate            *epoch  `json:"redriveDate,omitempty"`
	RedriveStatus          string  `json:"redriveStatus"`
	RedriveStatusReason    *string `json:"redriveStatusReason,omitempty"`
	// MapRunArn is the Map run that started a child execution.
	MapRunArn *string `json:"mapRunArn,omitempty"`
}

// describeExecution describes an execution.
func (a *api) describeExecution(ctx context.Context, in *describeExecutionInput) (*describeExecutionOutput, error) {
	arn, err := in.arn()
	if err != nil {
		return nil, err
	}
	included, err := includedData(in.IncludedData)
	if err != nil {
		return nil, err
	}
	exec, err := a.eng.Execution(ctx, arn)
	if err != nil {
		return nil, err
	}
	out := &describeExecutionOutput{executionResult: resultOf(exec, included), RedriveCount: exec.RedriveCount, RedriveStatus: "REDRIVABLE",
		StateMachineVersionArn: exec.VersionARN, StateMachineAliasArn: exec.AliasARN}
	if exec.MapRunID != nil {
		if out.MapRunArn, err = a.eng.MapRunARNOf(ctx, exec); err != nil {
			return nil, err
		}
	}
	switch exec.Status {
	case store.StatusRunning, store.StatusSucceeded:
		out.RedriveStatus = "NOT_REDRIVABLE"
		out.RedriveStatusReason = nonEmpty(fmt.Sprintf("Execution is %s and cannot be redriven", exec.Status))
	default:
		if a.eng.RedriveExpired(exec) {
			out.RedriveStatus, out.RedriveStatusReason = "NOT_REDRIVABLE", nonEmpty(engine.RedrivePeriodExceeded)
		}
	}
	if exec.RedriveCount > 0 {
		if out.RedriveDate, err = a.lastRedrive(ctx, exec); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lastRedrive finds when an execution was last redriven: the time of its
// newest ExecutionRedriven event among the last thousand; nil if there is
// none.
func (a *api) lastRedrive(ctx context.Context, exec *store.Execution) (*epoch, error) {
	before := int64(0)
	for range 10 {
		events, err := a.eng.History(ctx, exec.ID, before, 100, true)
		if err != nil {
			return nil, err
		}
		for _, ev := range events {
			if ev.Type == history.ExecutionRedriven {
				return epochOf(&ev.Timestamp), nil
			}
		}
		if len(events) < 100 {
			break
		}
		before = events[len(events)-1].ID
	}
	return nil, nil
}

// machineARN is the ARN of an execution's state machine.
func machineARN(exec *store.Execution) string {
	_, machine := engine.StateMachineOf(exec)
	return machine
}

type listExecutionsInput struct {
	StateMachineArn *string `json:"stateMachineArn"`
	MapRunArn       *string `json:"mapRunArn"`
	StatusFilter    string  `json:"statusFilter"`
	RedriveFilter   string  `json:"redriveFilter"`
	pageRequest
}

type executionListItem struct {
	executionSummary
	RedriveCount *int    `json:"redriveCount,omitempty"`
	MapRunArn    *string `json:"mapRunArn,omitempty"`
}

// startedThrough narrows q, when ref names a version or an alias of sm,
// to the executions started through it (AWS lists those for a version or
// alias ARN).
func startedThrough(sm *store.StateMachine, ref arn.StateMachine, q *engine.ExecutionQuery) {
	switch {
	case ref.Alias != "":
		q.AliasARN = engine.QualifiedARN(sm.ARN, ref.Alias)
	case ref.Version != 0:
		q.VersionARN = engine.QualifiedARN(sm.ARN, ref.Version)
	}
}

// qualifierExists checks that the version or alias ref names, if any,
// exists (ErrVersionDoesNotExist, ErrAliasDoesNotExist: AWS's
// ResourceNotFound).
func (a *api) qualifierExists(ctx context.Context, sm *store.StateMachine, ref arn.StateMachine) error {
	var err error
	switch {
	case ref.Alias != "":
		_, _, err = a.eng.Alias(ctx, sm.Name, ref.Alias)
	case ref.Version != 0:
		_, err = a.eng.DescribeVersion(ctx, sm.Name, ref.Version)
	}
	return err
}

type listExecutionsOutput struct {
	Executions []executionListItem `json:"executions"`
	NextToken  *string             `json:"nextToken,omitempty"`
}

// check checks the page size and the filters; none says no execution
// can match.
func (in *listExecutionsInput) check() (limit int, none bool, err error) {
	limit, err = pageSize(in.MaxResults, 100, 1000)
	if err := errors.Join(err,
		oneOf("statusFilter", in.StatusFilter, store.StatusRunning, store.StatusSucceeded, store.StatusFailed, store.StatusTimedOut, store.StatusAborted, "PENDING_REDRIVE"),
		oneOf("redriveFilter", in.RedriveFilter, "REDRIVEN", "NOT_REDRIVEN")); err != nil {
		return 0, false, err
	}
	return limit, in.StatusFilter == "PENDING_REDRIVE", nil // a redrive starts at once: nothing waits for one
}

// listMapRunExecutions lists a Map run's child executions, newest
// first, each with the Map run's ARN.
func (a *api) listMapRunExecutions(ctx context.Context, in *listExecutionsInput) (*listExecutionsOutput, error) {
	limit, none, err := in.check()
	if err != nil {
		return nil, err
	}
	out := &listExecutionsOutput{Executions: []executionListItem{}}
	if none {
		return out, nil
	}
	mr, err := a.eng.MapRun(ctx, *in.MapRunArn)
	if err != nil {
		return nil, err
	}
	q := engine.ExecutionQuery{MapRun: mr.ARN, Status: in.StatusFilter, Redriven: in.RedriveFilter, Limit: limit}
	pos, err := pageToken(in.NextToken, pagetoken.Executions)
	if err != nil {
		return nil, err
	}
	if pos != nil {
		if pos.Of != -mr.ID {
			return nil, awsErrorf(awsInvalidToken, "Invalid Token: 'the nextToken belongs to another listing'")
		}
		q.After = &engine.ExecutionPosition{StartedAt: pos.Time(), ID: pos.ID}
	}
	found, next, err := a.eng.ListExecutions(ctx, q)
	if err != nil {
		return nil, err
	}
	if next != nil {
		out.NextToken = pagetoken.Token{Kind: pagetoken.Executions, Of: -mr.ID, Micros: next.StartedAt.UnixMicro(), ID: next.ID}.Ptr()
	}
	for _, e := range found {
		item := executionListItem{executionSummary: summaryOf(e, machineARN(e)), MapRunArn: &mr.ARN}
		if e.RedriveCount > 0 {
			item.RedriveCount = &e.RedriveCount
		}
		out.Executions = append(out.Executions, item)
	}
	return out, nil
}

// listExecutions lists a machine's executions, newest first.
func (a *api) listExecutions(ctx context.Context, in *listExecutionsInput) (*listExecutionsOutput, error) {
	if in.MapRunArn != nil {
		if in.StateMachineArn != nil {
			return nil, awsErrorf(awsValidation, "Specify either stateMachineArn or mapRunArn, not both")
		}
		return a.listMapRunExecutions(ctx, in)
	}
	limit, none, err := in.check()
	if err != nil {
		return nil, err
	}
	ref, err := parseQualifiedARN("stateMachineArn", in.StateMachineArn)
	if err != nil {
		return nil, err
	}
	out := &listExecutionsOutput{Executions: []executionListItem{}}
	if none {
		return out, nil
	}
	sm, err := a.eng.StateMachine(ctx, ref.Name)
	if err != nil {
		return nil, err
	}
	if sm.Type == store.TypeExpress {
		return nil, fmt.Errorf("%w: This operation is not supported by this type of state machine: %s is EXPRESS, whose executions are not recorded",
			engine.ErrStateMachineTypeNotSupported, sm.ARN)
	}
	if err := a.qualifierExists(ctx, sm, ref); err != nil {
		return nil, err
	}
	q := engine.ExecutionQuery{StateMachine: sm.Name, Status: in.StatusFilter, Redriven: in.RedriveFilter, Limit: limit}
	startedThrough(sm, ref, &q)
	pos, err := pageToken(in.NextToken, pagetoken.Executions)
	if err != nil {
		return nil, err
	}
	if pos != nil {
		if pos.Of != sm.ID {
			return nil, awsErrorf(awsInvalidToken, "Invalid Token: 'the nextToken belongs to another state machine'")
		}
		q.After = &engine.ExecutionPosition{StartedAt: pos.Time(), ID: pos.ID}
	}
	found, next, err := a.eng.ListExecutions(ctx, q)
	if err != nil {
		return nil, err
	}
	if next != nil {
		out.NextToken = pagetoken.Token{Kind: pagetoken.Executions, Of: sm.ID, Micros: next.StartedAt.UnixMicro(), ID: next.ID}.Ptr()
	}
	for _, e := range found {
		item := executionListItem{executionSummary: summaryOf(e, sm.ARN)}
		if e.RedriveCount > 0 {
			item.RedriveCount = &e.RedriveCount
		}
		out.Executions = append(out.Executions, item)
	}
	return out, nil
}

type stopExecutionInput struct {
	executionRef
	failureFields
}

// failureFields is the error and cause of a request that stops or fails.
type failureFields struct {
	Error *string `json:"error"`
	Cause *string `json:"cause"`
}

// check applies AWS's length limits.
func (f failureFields) check() error {
	return sensitive(errors.Join(maxLength("error", f.Error, maxErrorLength), maxLength("cause", f.Cause, maxCauseLength)))
}

type stopExecutionOutput struct {
	StopDate epoch `json:"stopDate"`
}

// stopExecution aborts a running execution. Stopping one that has already
// ended changes nothing and answers with the time it ended.
func (a *api) stopExecution(ctx context.Context, in *stopExecutionInput) (*stopExecutionOutput, error) {
	exec, err := onExecution(ctx, in.executionRef, func(ctx context.Context, arn string) (*store.Execution, error) {
		if err := in.check(); err != nil {
			return nil, err
		}
		exec, _, err := a.stop(ctx, arn, orEmpty(in.Error), orEmpty(in.Cause))
		return exec, err
	})
	if err != nil {
		return nil, err
	}
	if exec.StoppedAt == nil {
		return nil, fmt.Errorf("execution %s has no stop time after it stopped", exec.ARN)
	}
	return &stopExecutionOutput{StopDate: epoch(*exec.StoppedAt)}, nil
}

// onExecution checks a request's executionArn and answers what op, given
// that ARN, makes of the execution.
func onExecution(ctx context.Context, ref executionRef, op func(ctx context.Context, arn string) (*store.Execution, error)) (*store.Execution, error) {
	arn, err := ref.arn()
	if err != nil {
		return nil, err
	}
	return op(ctx, arn)
}

// stop aborts a running execution; one that has already ended is
// returned as it is, with stopped false.
func (a *api) stop(ctx context.Context, arn, errName, cause string) (exec *store.Execution, stopped bool, err error) {
	exec, err = a.eng.StopExecution(ctx, arn, errName, cause)
	if errors.Is(err, engine.ErrExecutionNotRunning) {
		exec, err = a.eng.Execution(ctx, arn)
		return exec, false, err
	}
	return exec, err == nil, err
}

type redriveExecutionInput struct {
	executionRef
	ClientToken *string `json:"clientToken"`
}

type redriveExecutionOutput struct {
	RedriveDate epoch `json:"redriveDate"`
}

// redriveExecution restarts a FAILED, TIMED_OUT or ABORTED execution from
// where it stopped.
func (a *api) redriveExecution(ctx context.Context, in *redriveExecutionInput) (*redriveExecutionOutput, error) {
	exec, err := onExecution(ctx, in.executionRef, a.eng.RedriveExecution)
	if err != nil {
		return nil, err
	}
	at, err := a.lastRedrive(ctx, exec)
	if err != nil {
		return nil, err
	}
	if at == nil {
		now := epoch(time.Now())
		at = &now
	}
	return &redriveExecutionOutput{RedriveDate: *at}, nil
}

// taskToken checks the taskToken of a callback.
func taskToken(v *string) error {
	return errors.Join(required("taskToken", v), maxLength("taskToken", v, maxTaskToken))
}

type sendTaskSuccessInput struct {
	TaskToken *string `json:"taskToken"`
	Output    *string `json:"output"`
}

// sendTaskSuccess completes a callback task with its output.
func (a *api) sendTaskSuccess(ctx context.Context, in *sendTaskSuccessInput) (*emptyOutput, error) {
	if err := errors.Join(taskToken(in.TaskToken), sensitive(errors.Join(required("output", in.Output), maxLength("output", in.Output, maxPayload)))); err != nil {
		return nil, err
	}
	return &emptyOutput{}, a.eng.SendTaskSuccess(ctx, *in.TaskToken, *in.Output)
}

type sendTaskFailureInput struct {
	TaskToken *string `json:"taskToken"`
	failureFields
}

// sendTaskFailure fails a callback task; no error name means
// States.TaskFailed.
func (a *api) sendTaskFailure(ctx context.Context, in *sendTaskFailureInput) (*emptyOutput, error) {
	err := errors.Join(taskToken(in.TaskToken), in.check())
	if err != nil {
		return nil, err
	}
	return &emptyOutput{}, a.eng.SendTaskFailure(ctx, *in.TaskToken, orEmpty(in.Error), orEmpty(in.Cause))
}

type sendTaskHeartbeatInput struct {
	TaskToken *string `json:"taskToken"`
}

// sendTaskHeartbeat records that a callback task is alive.
func (a *api) sendTaskHeartbeat(ctx context.Context, in *sendTaskHeartbeatInput) (*emptyOutput, error) {
	if err := taskToken(in.TaskToken); err != nil {
		return nil, err
	}
	return &emptyOutput{}, a.eng.SendTaskHeartbeat(ctx, *in.TaskToken)
}
