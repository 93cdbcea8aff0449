package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/labstack/echo/v4"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/awsclients"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

func TestMain(m *testing.M) { testkit.Main(m) }

// awsHarness is the AWS protocol served by a running engine on a fresh
// database, with the example functions registered, and an SDK client
// pointed at it.
type awsHarness struct {
	t      *testing.T
	client *sfn.Client
	url    string
	eng    *engine.Engine
	orders *testengine.Orders
}

func newAWSHarness(t *testing.T) *awsHarness {
	return newAWSHarnessWith(t, syncTimeout)
}

// newAWSHarnessWith serves the protocol with a StartSyncExecution timeout.
func newAWSHarnessWith(t *testing.T, timeout time.Duration) *awsHarness {
	t.Helper()
	o := testengine.NewOrders(t, nil)
	h := serveAWS(t, o.Engine, timeout)
	h.orders = o
	return h
}

// serveAWS serves the protocol of eng, with a StartSyncExecution timeout,
// to an SDK client; the harness has no order functions.
func serveAWS(t *testing.T, eng *engine.Engine, timeout time.Duration) *awsHarness {
	t.Helper()
	e := echo.New()
	register(e, &api{eng: eng, syncTimeout: timeout}, nil)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	client := awsclients.GoClient(awsclients.Endpoint{URL: srv.URL, AccessKeyID: "AKIDEXAMPLE"})
	return &awsHarness{t: t, client: client, url: srv.URL, eng: eng}
}

// machine creates a state machine from an example and returns its ARN.
func (h *awsHarness) machine(name, exampleName string) string {
	h.t.Helper()
	return h.machineOf(name, testkit.Example(h.t, exampleName))
}

// machineOf creates a state machine of a definition and returns its ARN.
func (h *awsHarness) machineOf(name, definition string) string {
	h.t.Helper()
	return h.machineOfType(name, definition, "")
}

// machineOfType creates a state machine of type typ ("" is STANDARD) and
// returns its ARN.
func (h *awsHarness) machineOfType(name, definition string, typ types.StateMachineType) string {
	h.t.Helper()
	out, err := h.client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(definition), Type: typ,
		RoleArn: aws.String("arn:aws:iam::123456789012:role/ignored"),
	})
	require.NoError(h.t, err)
	return *out.StateMachineArn
}

func (h *awsHarness) start(machineARN, name, input string) string {
	h.t.Helper()
	out, err := h.client.StartExecution(context.Background(), &sfn.StartExecutionInput{
		StateMachineArn: aws.String(machineARN), Name: aws.String(name), Input: aws.String(input),
	})
	require.NoError(h.t, err)
	return *out.ExecutionArn
}

// wait polls DescribeExecution until the execution is no longer RUNNING.
func (h *awsHarness) wait(arn string) *sfn.DescribeExecutionOutput {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := h.client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
		require.NoError(h.t, err)
		if out.Status != types.ExecutionStatusRunning {
			return out
		}
		require.True(h.t, time.Now().Before(deadline), "execution %s did not finish", arn)
		time.Sleep(20 * time.Millisecond)
	}
}

// token waits for the next approval request and returns its task token.
func (h *awsHarness) token() string { return h.orders.Token(h.t) }

// history reads an execution's whole history in one call.
func (h *awsHarness) history(arn string) []types.HistoryEvent {
	h.t.Helper()
	out, err := h.client.GetExecutionHistory(context.Background(), &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1000})
	require.NoError(h.t, err)
	require.Nil(h.t, out.NextToken)
	return out.Events
}

// revisionID is the revisionId of revision n of the machine machineARN.
func (h *awsHarness) revisionID(machineARN string, n int) string {
	h.t.Helper()
	sm, err := h.eng.StateMachine(context.Background(), machineARN)
	require.NoError(h.t, err)
	return engine.RevisionID(sm.ID, n)
}

// requireAWSError checks that err is the SDK's typed error T.
func requireAWSError[T error](t *testing.T, err error) T {
	t.Helper()
	var target T
	require.Error(t, err)
	require.True(t, errors.As(err, &target), "want %T, got %T: %v", target, err, err)
	return target
}

// wantAWSError is requireAWSError as the check of a table's case.
func wantAWSError[T error](t *testing.T, err error) {
	t.Helper()
	requireAWSError[T](t, err)
}

// errorOf is a call of the client with ctx and in that answers only the
// error.
func errorOf[In, Out any](ctx context.Context, op func(context.Context, In, ...func(*sfn.Options)) (Out, error), in In) func() error {
	return func() error {
		_, err := op(ctx, in)
		return err
	}
}

const sagaInput = `{"orderId":"o-1","amount":42,"items":[{"sku":"kettle","quantity":1}]}`

func TestAWSStateMachines(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	saga := testkit.Example(t, "order-saga")

	created, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("saga"), Definition: aws.String(saga), RoleArn: aws.String("arn:aws:iam::1:role/r"),
		Type: types.StateMachineTypeStandard, Publish: true,
	})
	require.NoError(t, err)
	arn := *created.StateMachineArn
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:stateMachine:saga", arn)
	require.Equal(t, arn+":1", *created.StateMachineVersionArn)
	require.WithinDuration(t, time.Now(), *created.CreationDate, time.Minute)

	again, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("saga"), Definition: aws.String(saga), RoleArn: aws.String("arn:aws:iam::1:role/r"),
	})
	require.NoError(t, err, "creating the same machine again is idempotent")
	require.Equal(t, arn, *again.StateMachineArn)
	_, err = h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("saga"), Definition: aws.String(testkit.Example(t, "approval")), RoleArn: aws.String("arn:aws:iam::1:role/r"),
	})
	requireAWSError[*types.StateMachineAlreadyExists](t, err)

	desc, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	require.NoError(t, err)
	require.Equal(t, "saga", *desc.Name)
	require.Equal(t, saga, *desc.Definition)
	require.Equal(t, types.StateMachineTypeStandard, desc.Type)
	require.Equal(t, types.StateMachineStatusActive, desc.Status)
	require.Equal(t, h.revisionID(arn, 1), *desc.RevisionId)
	require.NotEmpty(t, *desc.RoleArn)

	updated, err := h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{
		StateMachineArn: aws.String(arn), Definition: aws.String(testkit.Example(t, "approval")), Publish: true,
	})
	require.NoError(t, err)
	require.Equal(t, h.revisionID(arn, 2), *updated.RevisionId)
	require.Equal(t, arn+":2", *updated.StateMachineVersionArn)
	latest, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	require.NoError(t, err)
	require.Equal(t, testkit.Example(t, "approval"), *latest.Definition)
	first, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn + ":1")})
	require.NoError(t, err)
	require.Equal(t, saga, *first.Definition, "a version ARN describes that version")
	require.Equal(t, arn+":1", *first.StateMachineArn)
	_, err = h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn)})
	requireAWSError[*types.MissingRequiredParameter](t, err)
	_, err = h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(`{"StartAt":"Nowhere","States":{}}`)})
	requireAWSError[*types.InvalidDefinition](t, err)

	for _, name := range []string{"b", "c", "d"} {
		h.machine(name, "approval")
	}
	var names []string
	pages := sfn.NewListStateMachinesPaginator(h.client, &sfn.ListStateMachinesInput{MaxResults: 3})
	calls := 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		require.NoError(t, err)
		calls++
		for _, sm := range page.StateMachines {
			names = append(names, *sm.Name)
			require.Equal(t, types.StateMachineTypeStandard, sm.Type)
			require.NotNil(t, sm.CreationDate)
		}
	}
	require.Equal(t, []string{"b", "c", "d", "saga"}, names)
	require.Equal(t, 2, calls)

	valid, err := h.client.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{Definition: aws.String(saga)})
	require.NoError(t, err)
	require.Equal(t, types.ValidateStateMachineDefinitionResultCodeOk, valid.Result)
	require.Empty(t, valid.Diagnostics)
	invalid, err := h.client.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(`{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Missing"}}}`),
	})
	require.NoError(t, err)
	require.Equal(t, types.ValidateStateMachineDefinitionResultCodeFail, invalid.Result)
	require.NotEmpty(t, invalid.Diagnostics)
	codes := map[string]types.ValidateStateMachineDefinitionDiagnostic{}
	for _, d := range invalid.Diagnostics {
		require.Equal(t, types.ValidateStateMachineDefinitionSeverityError, d.Severity)
		require.NotEmpty(t, *d.Message)
		codes[*d.Code] = d
	}
	require.Contains(t, codes, "MISSING_TRANSITION_TARGET")
	require.Equal(t, "/States/A/Next", *codes["MISSING_TRANSITION_TARGET"].Location)
	unknown, err := h.client.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{
		Definition: aws.String(`{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke.sync","End":true}}}`),
	})
	require.NoError(t, err)
	require.Equal(t, types.ValidateStateMachineDefinitionResultCodeFail, unknown.Result)
	require.Len(t, unknown.Diagnostics, 1)
	require.Equal(t, "SCHEMA_VALIDATION_FAILED", *unknown.Diagnostics[0].Code)
	require.Equal(t, "/States/T/Resource", *unknown.Diagnostics[0].Location)

	_, err = h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("bad"), Definition: aws.String(`{"StartAt":"A"}`), RoleArn: aws.String("arn:aws:iam::1:role/r"),
	})
	requireAWSError[*types.InvalidDefinition](t, err)
	_, err = h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{
		Name: aws.String("bad name"), Definition: aws.String(saga), RoleArn: aws.String("arn:aws:iam::1:role/r"),
	})
	requireAWSError[*types.InvalidName](t, err)

	_, err = h.client.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)})
	require.NoError(t, err)
	_, err = h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	requireAWSError[*types.StateMachineDoesNotExist](t, err)
	_, err = h.client.DeleteStateMachine(ctx, &sfn.DeleteStateMachineInput{StateMachineArn: aws.String(arn)})
	require.NoError(t, err, "deleting a machine that does not exist succeeds, as on AWS")
	_, err = h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String("saga")})
	requireAWSError[*types.InvalidArn](t, err)
}

func TestAWSExecutionHistory(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	machine := h.machine("saga", "order-saga")
	arn := h.start(machine, "order-1", sagaInput)
	require.Equal(t, "arn:aws:states:us-east-1:000000000000:execution:saga:order-1", arn)

	desc := h.wait(arn)
	require.Equal(t, types.ExecutionStatusSucceeded, desc.Status, "error %v cause %v", aws.ToString(desc.Error), aws.ToString(desc.Cause))
	require.Equal(t, machine, *desc.StateMachineArn)
	require.Equal(t, "order-1", *desc.Name)
	require.JSONEq(t, sagaInput, *desc.Input)
	require.True(t, desc.InputDetails.Included)
	require.Contains(t, *desc.Output, `"confirmation"`)
	require.NotNil(t, desc.StopDate)
	require.False(t, desc.StopDate.Before(*desc.StartDate))
	require.Equal(t, types.ExecutionRedriveStatusNotRedrivable, desc.RedriveStatus)
	require.Nil(t, desc.Error)

	forExec, err := h.client.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(arn)})
	require.NoError(t, err)
	require.Equal(t, machine, *forExec.StateMachineArn)
	require.Equal(t, testkit.Example(t, "order-saga"), *forExec.Definition)

	all := h.history(arn)
	require.Greater(t, len(all), 10)
	for i, ev := range all {
		require.Equal(t, int64(i+1), ev.Id)
		require.Equal(t, int64(i), ev.PreviousEventId)
		require.NotNil(t, ev.Timestamp)
	}
	started := all[0]
	require.Equal(t, types.HistoryEventTypeExecutionStarted, started.Type)
	require.JSONEq(t, sagaInput, *started.ExecutionStartedEventDetails.Input)
	require.False(t, started.ExecutionStartedEventDetails.InputDetails.Truncated)
	require.NotEmpty(t, *started.ExecutionStartedEventDetails.RoleArn)
	entered := all[1]
	require.Equal(t, types.HistoryEventTypeTaskStateEntered, entered.Type)
	require.Equal(t, "ReserveInventory", *entered.StateEnteredEventDetails.Name)
	require.JSONEq(t, sagaInput, *entered.StateEnteredEventDetails.Input)

	byType := map[types.HistoryEventType][]types.HistoryEvent{}
	for _, ev := range all {
		byType[ev.Type] = append(byType[ev.Type], ev)
	}
	scheduled := byType[types.HistoryEventTypeTaskScheduled]
	require.Len(t, scheduled, 3)
	s := scheduled[0].TaskScheduledEventDetails
	require.Equal(t, "lambda", *s.ResourceType)
	require.Equal(t, "invoke", *s.Resource)
	require.Equal(t, "us-east-1", *s.Region)
	require.JSONEq(t, sagaInput, *s.Parameters)
	pay := scheduled[1].TaskScheduledEventDetails
	require.Equal(t, "lambda", *pay.ResourceType)
	require.Equal(t, "invoke", *pay.Resource)
	require.Contains(t, *pay.Parameters, `"FunctionName"`)
	require.Len(t, byType[types.HistoryEventTypeTaskStarted], 3)
	require.Equal(t, "lambda", *byType[types.HistoryEventTypeTaskStarted][0].TaskStartedEventDetails.ResourceType)
	succeeded := byType[types.HistoryEventTypeTaskSucceeded]
	require.Len(t, succeeded, 3)
	require.Equal(t, "invoke", *succeeded[0].TaskSucceededEventDetails.Resource)
	require.Contains(t, *succeeded[0].TaskSucceededEventDetails.Output, "{")
	exited := byType[types.HistoryEventTypeTaskStateExited]
	require.Equal(t, "ConfirmOrder", *exited[len(exited)-1].StateExitedEventDetails.Name)
	last := all[len(all)-1]
	require.Equal(t, types.HistoryEventTypeExecutionSucceeded, last.Type)
	require.JSONEq(t, *desc.Output, *last.ExecutionSucceededEventDetails.Output)

	// Small pages, forwards and backwards, give the same events.
	var paged []types.HistoryEvent
	pages := sfn.NewGetExecutionHistoryPaginator(h.client, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 4})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Events), 4)
		paged = append(paged, page.Events...)
	}
	require.Equal(t, ids(all), ids(paged))
	var reversed []types.HistoryEvent
	var token *string
	for {
		page, err := h.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{
			ExecutionArn: aws.String(arn), MaxResults: 5, ReverseOrder: true, NextToken: token,
		})
		require.NoError(t, err)
		reversed = append(reversed, page.Events...)
		if token = page.NextToken; token == nil {
			break
		}
	}
	require.Len(t, reversed, len(all))
	for i, ev := range reversed {
		require.Equal(t, all[len(all)-1-i].Id, ev.Id)
	}

	bare, err := h.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{
		ExecutionArn: aws.String(arn), MaxResults: 2, IncludeExecutionData: aws.Bool(false),
	})
	require.NoError(t, err)
	require.NotNil(t, bare.Events[0].ExecutionStartedEventDetails)
	require.Nil(t, bare.Events[0].ExecutionStartedEventDetails.Input)
	require.Nil(t, bare.Events[1].StateEnteredEventDetails.Input)
	require.Equal(t, "ReserveInventory", *bare.Events[1].StateEnteredEventDetails.Name)

	_, err = h.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), NextToken: aws.String("garbage")})
	requireAWSError[*types.InvalidToken](t, err)
	_, err = h.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn), MaxResults: 1001})
	require.Equal(t, "ValidationException", requireAWSError[smithy.APIError](t, err).ErrorCode())
}

// TestAWSNestedExecutionHistory: a parent's .sync Task that starts a
// child execution reports it in TaskSubmitted, whose details carry the
// child's ARN as AWS's taskSubmittedEventDetails do.
func TestAWSNestedExecutionHistory(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	h.machineOf("nested-child", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`)
	parent := h.machineOf("nested-parent", `{"StartAt":"Run","States":{"Run":{"Type":"Task",
		"Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":"nested-child","Name":"kid"},"End":true}}}`)
	arn := h.start(parent, "p", `{}`)
	require.Equal(t, types.ExecutionStatusSucceeded, h.wait(arn).Status)

	var submitted *types.TaskSubmittedEventDetails
	for _, ev := range h.history(arn) {
		if ev.Type == types.HistoryEventTypeTaskSubmitted {
			submitted = ev.TaskSubmittedEventDetails
		}
	}
	require.NotNil(t, submitted, "TaskSubmitted has details")
	require.Equal(t, "states", *submitted.ResourceType)
	require.Equal(t, "startExecution.sync:2", *submitted.Resource)
	require.False(t, submitted.OutputDetails.Truncated)
	var out struct{ ExecutionArn string }
	require.NoError(t, json.Unmarshal([]byte(*submitted.Output), &out))
	require.True(t, strings.HasSuffix(out.ExecutionArn, ":execution:nested-child:kid"), out.ExecutionArn)
	require.Equal(t, types.ExecutionStatusSucceeded, h.wait(out.ExecutionArn).Status)
}

func ids(events []types.HistoryEvent) []int64 {
	out := make([]int64, len(events))
	for i, ev := range events {
		out[i] = ev.Id
	}
	return out
}

func TestAWSFailedExecution(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	machine := h.machine("saga", "order-saga")
	arn := h.start(machine, "declined", `{"orderId":"o-2","amount":10,"failAt":"ConfirmOrder"}`)
	desc := h.wait(arn)
	require.Equal(t, types.ExecutionStatusFailed, desc.Status)
	require.Equal(t, "ConfirmationFailed", *desc.Error)
	require.NotEmpty(t, *desc.Cause)
	require.Nil(t, desc.Output)
	require.Equal(t, types.ExecutionRedriveStatusRedrivable, desc.RedriveStatus)

	events := h.history(arn)
	var failed *types.TaskFailedEventDetails
	for _, ev := range events {
		if ev.Type == types.HistoryEventTypeTaskFailed && failed == nil {
			failed = ev.TaskFailedEventDetails
		}
	}
	require.NotNil(t, failed)
	require.Equal(t, "ConfirmationFailed", *failed.Error)
	require.Equal(t, "lambda", *failed.ResourceType)
	require.Equal(t, types.HistoryEventTypeFailStateEntered, events[len(events)-2].Type)
	end := events[len(events)-1]
	require.Equal(t, types.HistoryEventTypeExecutionFailed, end.Type)
	require.Equal(t, "ConfirmationFailed", *end.ExecutionFailedEventDetails.Error)
}

func TestAWSListExecutions(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	saga := h.machine("saga", "order-saga")
	approval := h.machine("approval", "approval")
	for _, name := range []string{"s1", "s2", "s3"} {
		h.wait(h.start(saga, name, sagaInput))
	}
	waiting := h.start(approval, "a1", `{"orderId":"a1","amount":1}`)
	h.token()

	var names []string
	pages := sfn.NewListExecutionsPaginator(h.client, &sfn.ListExecutionsInput{StateMachineArn: aws.String(saga), MaxResults: 2})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		require.NoError(t, err)
		require.LessOrEqual(t, len(page.Executions), 2)
		for _, e := range page.Executions {
			names = append(names, *e.Name)
			require.Equal(t, types.ExecutionStatusSucceeded, e.Status)
			require.Equal(t, saga, *e.StateMachineArn)
			require.NotNil(t, e.StopDate)
		}
	}
	require.Equal(t, []string{"s3", "s2", "s1"}, names, "newest first")

	running, err := h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(approval), StatusFilter: types.ExecutionStatusRunning})
	require.NoError(t, err)
	require.Len(t, running.Executions, 1)
	require.Equal(t, waiting, *running.Executions[0].ExecutionArn)
	require.Nil(t, running.Executions[0].StopDate)
	none, err := h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(saga), StatusFilter: types.ExecutionStatusFailed})
	require.NoError(t, err)
	require.Empty(t, none.Executions)
	redriven, err := h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(saga), RedriveFilter: types.ExecutionRedriveFilterRedriven})
	require.NoError(t, err)
	require.Empty(t, redriven.Executions)

	first, err := h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(saga), MaxResults: 1})
	require.NoError(t, err)
	_, err = h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(approval), NextToken: first.NextToken})
	requireAWSError[*types.InvalidToken](t, err)
	_, err = h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(saga + "-gone")})
	requireAWSError[*types.StateMachineDoesNotExist](t, err)
	_, err = h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(saga), StatusFilter: "SLEEPING"})
	requireAWSError[*types.ValidationException](t, err)
}

func TestAWSStartSyncExecution(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	machine := h.machine("saga", "order-saga")

	ok, err := h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machine), Name: aws.String("sync-ok"), Input: aws.String(sagaInput)})
	require.NoError(t, err)
	require.Equal(t, types.SyncExecutionStatusSucceeded, ok.Status)
	require.Contains(t, *ok.Output, `"confirmation"`)
	require.JSONEq(t, sagaInput, *ok.Input)
	require.Equal(t, machine, *ok.StateMachineArn)
	require.Equal(t, "sync-ok", *ok.Name)
	require.NotNil(t, ok.StopDate)
	require.Nil(t, ok.Error)

	failed, err := h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(`{"orderId":"o-3","amount":5,"failAt":"ReserveInventory"}`)})
	require.NoError(t, err)
	require.Equal(t, types.SyncExecutionStatusFailed, failed.Status)
	require.Equal(t, "OutOfStock", *failed.Error)
	require.NotEmpty(t, *failed.Cause)
	require.Nil(t, failed.Output)

	_, err = h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(`{`)})
	requireAWSError[*types.InvalidExecutionInput](t, err)
}

func TestAWSStartSyncExecutionTimeout(t *testing.T) {
	t.Parallel()
	h := newAWSHarnessWith(t, 300*time.Millisecond)
	ctx := context.Background()
	machine := h.machine("approval", "approval")
	out, err := h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(`{"orderId":"x","amount":1}`)})
	require.NoError(t, err)
	require.Equal(t, types.SyncExecutionStatusTimedOut, out.Status)
	require.Equal(t, "States.Timeout", *out.Error)
	require.NotNil(t, out.StopDate)
	desc := h.wait(*out.ExecutionArn)
	require.Equal(t, types.ExecutionStatusAborted, desc.Status, "the execution does not go on after the caller gave up")
}

func TestAWSStartStopRedrive(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	machine := h.machine("approval", "approval")
	input := `{"orderId":"r-1","amount":10}`

	arn := h.start(machine, "r-1", input)
	h.token()
	start := func(name, input string) (*sfn.StartExecutionOutput, error) {
		return h.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Name: aws.String(name), Input: aws.String(input)})
	}
	same, err := start("r-1", `{"amount":10,"orderId":"r-1"}`)
	require.NoError(t, err, "the same name and input while running is the same execution")
	require.Equal(t, arn, *same.ExecutionArn)
	_, err = start("r-1", `{"orderId":"r-1","amount":11}`)
	requireAWSError[*types.ExecutionAlreadyExists](t, err)

	stopped, err := h.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn), Error: aws.String("Cancelled"), Cause: aws.String("changed my mind")})
	require.NoError(t, err)
	desc := h.wait(arn)
	require.Equal(t, types.ExecutionStatusAborted, desc.Status)
	require.Equal(t, "Cancelled", *desc.Error)
	require.Equal(t, "changed my mind", *desc.Cause)
	require.True(t, stopped.StopDate.Equal(*desc.StopDate))
	require.Equal(t, types.ExecutionRedriveStatusRedrivable, desc.RedriveStatus)
	events := h.history(arn)
	end := events[len(events)-1]
	require.Equal(t, types.HistoryEventTypeExecutionAborted, end.Type)
	require.Equal(t, "Cancelled", *end.ExecutionAbortedEventDetails.Error)
	again, err := h.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn)})
	require.NoError(t, err, "stopping an ended execution changes nothing")
	require.True(t, again.StopDate.Equal(*desc.StopDate))
	_, err = start("r-1", input)
	requireAWSError[*types.ExecutionAlreadyExists](t, err)

	redriven, err := h.client.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(arn)})
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), *redriven.RedriveDate, time.Minute)
	tok := h.token()
	_, err = h.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(tok), Output: aws.String(`{"approver":"ada"}`)})
	require.NoError(t, err)
	desc = h.wait(arn)
	require.Equal(t, types.ExecutionStatusSucceeded, desc.Status)
	require.Equal(t, int32(1), *desc.RedriveCount)
	require.NotNil(t, desc.RedriveDate)
	require.True(t, redriven.RedriveDate.Equal(*desc.RedriveDate))
	var redriveEvent *types.ExecutionRedrivenEventDetails
	for _, ev := range h.history(arn) {
		if ev.Type == types.HistoryEventTypeExecutionRedriven {
			redriveEvent = ev.ExecutionRedrivenEventDetails
		}
	}
	require.NotNil(t, redriveEvent)
	require.Equal(t, int32(1), *redriveEvent.RedriveCount)

	_, err = h.client.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(arn)})
	requireAWSError[*types.ExecutionNotRedrivable](t, err)
	list, err := h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machine), RedriveFilter: types.ExecutionRedriveFilterRedriven})
	require.NoError(t, err)
	require.Len(t, list.Executions, 1)
	require.Equal(t, int32(1), *list.Executions[0].RedriveCount)
}

func TestAWSCallbacks(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	machine := h.machine("approval", "approval")

	approved := h.start(machine, "approve-me", `{"orderId":"approve-me","amount":10}`)
	tok := h.token()
	_, err := h.client.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(tok)})
	require.NoError(t, err)
	_, err = h.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(tok), Output: aws.String(`{"approver":"grace","ok":true}`)})
	require.NoError(t, err)
	desc := h.wait(approved)
	require.Equal(t, types.ExecutionStatusSucceeded, desc.Status)
	require.JSONEq(t, `{"orderId":"approve-me","status":"APPROVED","approval":{"approver":"grace","ok":true}}`, *desc.Output)
	_, err = h.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(tok), Output: aws.String(`{}`)})
	requireAWSError[*types.TaskTimedOut](t, err)
	_, err = h.client.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String(tok)})
	requireAWSError[*types.TaskTimedOut](t, err)
	var scheduled *types.TaskScheduledEventDetails
	for _, ev := range h.history(approved) {
		if ev.Type == types.HistoryEventTypeTaskScheduled {
			scheduled = ev.TaskScheduledEventDetails
		}
	}
	require.NotNil(t, scheduled)
	require.Equal(t, "lambda", *scheduled.ResourceType)
	require.Equal(t, "invoke.waitForTaskToken", *scheduled.Resource)
	require.Equal(t, int64(86400), *scheduled.TimeoutInSeconds)
	require.Equal(t, int64(3600), *scheduled.HeartbeatInSeconds)

	rejected := h.start(machine, "reject-me", `{"orderId":"reject-me","amount":10}`)
	tok = h.token()
	_, err = h.client.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(tok), Error: aws.String("Rejected"), Cause: aws.String("too expensive")})
	require.NoError(t, err)
	desc = h.wait(rejected)
	require.Equal(t, types.ExecutionStatusFailed, desc.Status)
	require.Equal(t, "Rejected", *desc.Error)
	require.Equal(t, "too expensive", *desc.Cause)

	pending := h.start(machine, "bad-output", `{"orderId":"bad-output","amount":10}`)
	tok = h.token()
	_, err = h.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(tok), Output: aws.String(`{oops`)})
	requireAWSError[*types.InvalidOutput](t, err)
	_, err = h.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String("not-a-token"), Output: aws.String(`{}`)})
	requireAWSError[*types.InvalidToken](t, err)
	_, err = h.client.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")})
	requireAWSError[*types.TaskDoesNotExist](t, err)
	_, err = h.client.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")})
	requireAWSError[*types.TaskDoesNotExist](t, err)
	_, err = h.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(pending)})
	require.NoError(t, err)
	_, err = h.client.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: aws.String(tok)})
	requireAWSError[*types.TaskTimedOut](t, err)
}

func TestAWSErrors(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	machine := h.machine("saga", "order-saga")
	missingExec := "arn:aws:states:us-east-1:000000000000:execution:saga:nope"
	missingMachine := "arn:aws:states:us-east-1:000000000000:stateMachine:nope"

	tests := []struct {
		name string
		call func() error
		want func(*testing.T, error)
	}{
		{"describe missing execution", errorOf(ctx, h.client.DescribeExecution, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(missingExec)}), wantAWSError[*types.ExecutionDoesNotExist]},
		{"history of missing execution", errorOf(ctx, h.client.GetExecutionHistory, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(missingExec)}), wantAWSError[*types.ExecutionDoesNotExist]},
		{"stop missing execution", errorOf(ctx, h.client.StopExecution, &sfn.StopExecutionInput{ExecutionArn: aws.String(missingExec)}), wantAWSError[*types.ExecutionDoesNotExist]},
		{"redrive missing execution", errorOf(ctx, h.client.RedriveExecution, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(missingExec)}), wantAWSError[*types.ExecutionDoesNotExist]},
		{"machine of missing execution", errorOf(ctx, h.client.DescribeStateMachineForExecution, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(missingExec)}), wantAWSError[*types.ExecutionDoesNotExist]},
		{"malformed execution ARN", errorOf(ctx, h.client.DescribeExecution, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(machine)}), wantAWSError[*types.InvalidArn]},
		{"start on missing machine", errorOf(ctx, h.client.StartExecution, &sfn.StartExecutionInput{StateMachineArn: aws.String(missingMachine)}), wantAWSError[*types.StateMachineDoesNotExist]},
		{"start on missing version", errorOf(ctx, h.client.StartExecution, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine + ":7")}), wantAWSError[*types.StateMachineDoesNotExist]},
		{"start with malformed ARN", errorOf(ctx, h.client.StartExecution, &sfn.StartExecutionInput{StateMachineArn: aws.String("saga")}), wantAWSError[*types.InvalidArn]},
		{"input that is not JSON", errorOf(ctx, h.client.StartExecution, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(`{"orderId":`)}), wantAWSError[*types.InvalidExecutionInput]},
		{"execution name with a space", errorOf(ctx, h.client.StartExecution, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Name: aws.String("a b")}), wantAWSError[*types.InvalidName]},
		{"update missing machine", errorOf(ctx, h.client.UpdateStateMachine, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(missingMachine), Definition: aws.String(testkit.Example(t, "approval"))}), wantAWSError[*types.StateMachineDoesNotExist]},
		{"bad list token", errorOf(ctx, h.client.ListStateMachines, &sfn.ListStateMachinesInput{NextToken: aws.String("nope")}), wantAWSError[*types.InvalidToken]},
		{"page size over the limit", errorOf(ctx, h.client.ListExecutions, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machine), MaxResults: 1001}), wantAWSError[*types.ValidationException]},
		{"stop error too long", errorOf(ctx, h.client.StopExecution, &sfn.StopExecutionInput{ExecutionArn: aws.String(missingExec), Error: aws.String(string(make([]byte, 300)))}), wantAWSError[*types.ValidationException]},
		{"unknown activity", errorOf(ctx, h.client.GetActivityTask, &sfn.GetActivityTaskInput{ActivityArn: aws.String("arn:aws:states:us-east-1:000000000000:activity:nope")}), wantAWSError[*types.ActivityDoesNotExist]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.want(t, tt.call())
		})
	}
}
