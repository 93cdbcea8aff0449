package sfn

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// passOf is a one-state machine whose output is result.
func passOf(result string) string {
	return `{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"` + result + `","End":true}}}`
}

// newVersionHarness serves the protocol of an engine without functions
// whose starts through aliases draw from a source of fixed seed.
func newVersionHarness(t *testing.T) *awsHarness {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 1))
	var mu sync.Mutex
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval,
		RoutingRandom: func() float64 {
			mu.Lock()
			defer mu.Unlock()
			return r.Float64()
		}})
	return serveAWS(t, e, syncTimeout)
}

// update replaces the definition of machine, publishing it when publish.
func (h *awsHarness) update(machine, definition string, publish bool) *sfn.UpdateStateMachineOutput {
	h.t.Helper()
	out, err := h.client.UpdateStateMachine(context.Background(), &sfn.UpdateStateMachineInput{
		StateMachineArn: aws.String(machine), Definition: aws.String(definition), Publish: publish})
	require.NoError(h.t, err)
	return out
}

// publish publishes the current revision of machine.
func (h *awsHarness) publish(machine string) string {
	h.t.Helper()
	out, err := h.client.PublishStateMachineVersion(context.Background(), &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine)})
	require.NoError(h.t, err)
	return *out.StateMachineVersionArn
}

// versions lists the versions of machine, page by page of size.
func (h *awsHarness) versions(machine string, size int32) (arns []string, pages int) {
	h.t.Helper()
	in := &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(machine), MaxResults: size}
	for {
		page, err := h.client.ListStateMachineVersions(context.Background(), in)
		require.NoError(h.t, err)
		pages++
		for _, v := range page.StateMachineVersions {
			require.NotNil(h.t, v.CreationDate)
			arns = append(arns, *v.StateMachineVersionArn)
		}
		if page.NextToken == nil {
			return arns, pages
		}
		in.NextToken = page.NextToken
	}
}

// errorCase is a call that fails and the check of its error.
type errorCase struct {
	name string
	call func() error
	want func(*testing.T, error)
}

// runErrorCases runs each case as a subtest.
func runErrorCases(t *testing.T, cases []errorCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.want(t, c.call()) })
	}
}

// wantCode checks the error code of an error the SDK does not model for
// the operation.
func wantCode(code string) func(*testing.T, error) {
	return func(t *testing.T, err error) {
		require.Equal(t, code, requireAWSError[smithy.APIError](t, err).ErrorCode())
	}
}

func TestAWSPublishStateMachineVersion(t *testing.T) {
	t.Parallel()
	h := newVersionHarness(t)
	ctx := context.Background()
	created, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("v"), Definition: aws.String(passOf("a")),
		RoleArn: aws.String("arn:aws:iam::1:role/r"), Publish: true, VersionDescription: aws.String("first")})
	require.NoError(t, err)
	machine := *created.StateMachineArn
	require.Equal(t, machine+":1", *created.StateMachineVersionArn)

	again, err := h.client.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine),
		RevisionId: aws.String("INITIAL"), Description: aws.String("other")})
	require.NoError(t, err)
	require.Equal(t, machine+":1", *again.StateMachineVersionArn, "an unchanged revision keeps its version")

	updated := h.update(machine, passOf("b"), false)
	require.Nil(t, updated.StateMachineVersionArn)
	require.Equal(t, h.revisionID(machine, 2), *updated.RevisionId)
	_, err = h.client.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine), RevisionId: aws.String(h.revisionID(machine, 1))})
	requireAWSError[*types.ConflictException](t, err)
	second, err := h.client.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine),
		RevisionId: aws.String(*updated.RevisionId), Description: aws.String("second")})
	require.NoError(t, err)
	require.Equal(t, machine+":2", *second.StateMachineVersionArn)
	require.NotNil(t, second.CreationDate)

	first, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(machine + ":1")})
	require.NoError(t, err)
	require.Equal(t, machine+":1", *first.StateMachineArn)
	require.Equal(t, passOf("a"), *first.Definition)
	require.Equal(t, "first", *first.Description)
	require.Equal(t, h.revisionID(machine, 1), *first.RevisionId)
	latest, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(machine)})
	require.NoError(t, err)
	require.Equal(t, passOf("b"), *latest.Definition)
	require.Equal(t, h.revisionID(machine, 2), *latest.RevisionId)
	require.Nil(t, latest.Description)

	published := h.update(machine, passOf("c"), true)
	require.Equal(t, machine+":3", *published.StateMachineVersionArn)

	runErrorCases(t, []errorCase{
		{"describe a missing version", errorOf(ctx, h.client.DescribeStateMachine, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(machine + ":9")}), wantAWSError[*types.StateMachineDoesNotExist]},
		{"publish a missing machine", errorOf(ctx, h.client.PublishStateMachineVersion, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine + "x")}), wantAWSError[*types.StateMachineDoesNotExist]},
		{"publish a version ARN", errorOf(ctx, h.client.PublishStateMachineVersion, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine + ":1")}), wantAWSError[*types.ValidationException]},
		{"publish with a malformed ARN", errorOf(ctx, h.client.PublishStateMachineVersion, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String("v")}), wantAWSError[*types.InvalidArn]},
		{"a description too long", errorOf(ctx, h.client.PublishStateMachineVersion, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine),
			Description: aws.String(strings.Repeat("d", 257))}), wantAWSError[*types.ValidationException]},
		{"a version description without publish", errorOf(ctx, h.client.UpdateStateMachine, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(machine),
			Definition: aws.String(passOf("d")), VersionDescription: aws.String("no")}), wantAWSError[*types.ValidationException]},
		{"start a missing version", errorOf(ctx, h.client.StartExecution, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine + ":9")}), wantAWSError[*types.StateMachineDoesNotExist]},
	})
}

func TestAWSListAndDeleteStateMachineVersions(t *testing.T) {
	t.Parallel()
	h := newVersionHarness(t)
	ctx := context.Background()
	machine := h.machineOf("many", passOf("0"))
	arns, _ := h.versions(machine, 0)
	require.Empty(t, arns, "a machine has no version until one is published")
	for i := 1; i <= 5; i++ {
		h.update(machine, passOf(strings.Repeat("x", i)), true)
	}
	arns, pages := h.versions(machine, 2)
	require.Equal(t, []string{machine + ":5", machine + ":4", machine + ":3", machine + ":2", machine + ":1"}, arns, "newest first")
	require.Equal(t, 3, pages)

	_, err := h.client.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(machine + ":5")})
	require.NoError(t, err)
	_, err = h.client.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(machine + ":5")})
	require.NoError(t, err, "deleting a deleted version succeeds")
	_, err = h.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine + ":5")})
	requireAWSError[*types.StateMachineDoesNotExist](t, err)
	h.update(machine, passOf("y"), false)
	require.Equal(t, machine+":6", h.publish(machine), "version numbers are never used again")
	arns, _ = h.versions(machine, 0)
	require.Equal(t, []string{machine + ":6", machine + ":4", machine + ":3", machine + ":2", machine + ":1"}, arns)

	other := h.machineOf("other", passOf("0"))
	page, err := h.client.ListStateMachineVersions(ctx, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(machine), MaxResults: 1})
	require.NoError(t, err)
	runErrorCases(t, []errorCase{
		{"a token of another machine", errorOf(ctx, h.client.ListStateMachineVersions, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(other), NextToken: page.NextToken}), wantAWSError[*types.InvalidToken]},
		{"a bad token", errorOf(ctx, h.client.ListStateMachineVersions, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(machine), NextToken: aws.String("nope")}), wantAWSError[*types.InvalidToken]},
		{"a page too large", errorOf(ctx, h.client.ListStateMachineVersions, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(machine), MaxResults: 1001}), wantAWSError[*types.ValidationException]},
		{"list a missing machine", errorOf(ctx, h.client.ListStateMachineVersions, &sfn.ListStateMachineVersionsInput{StateMachineArn: aws.String(machine + "x")}), wantAWSError[*types.ValidationException]},
		{"delete an unqualified ARN", errorOf(ctx, h.client.DeleteStateMachineVersion, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(machine)}), wantAWSError[*types.ValidationException]},
		{"delete a malformed ARN", errorOf(ctx, h.client.DeleteStateMachineVersion, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String("many:1")}), wantAWSError[*types.InvalidArn]},
	})
}

func TestAWSStartVersion(t *testing.T) {
	t.Parallel()
	h := newVersionHarness(t)
	ctx := context.Background()
	machine := h.machineOf("ver", passOf("a"))
	v1 := h.publish(machine)
	h.update(machine, passOf("b"), false)

	onVersion := h.wait(h.start(v1, "on-version", `{}`))
	require.Equal(t, `"a"`, *onVersion.Output, "a version ARN runs that version")
	require.Equal(t, v1, aws.ToString(onVersion.StateMachineVersionArn))
	require.Nil(t, onVersion.StateMachineAliasArn)
	require.Equal(t, machine, *onVersion.StateMachineArn)
	onMachine := h.wait(h.start(machine, "on-machine", `{}`))
	require.Equal(t, `"b"`, *onMachine.Output, "the machine's ARN runs its latest revision")
	require.Nil(t, onMachine.StateMachineVersionArn)

	sync, err := h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(v1)})
	require.NoError(t, err)
	require.Equal(t, `"a"`, *sync.Output)

	history, err := h.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: onVersion.ExecutionArn})
	require.NoError(t, err)
	require.Equal(t, v1, aws.ToString(history.Events[0].ExecutionStartedEventDetails.StateMachineVersionArn))

	listed, err := h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(v1)})
	require.NoError(t, err)
	var names []string
	for _, e := range listed.Executions {
		names = append(names, *e.Name)
	}
	require.ElementsMatch(t, []string{"on-version", *sync.Name}, names, "a version ARN lists the executions started through it")

	parent := h.machineOf("parent", `{"StartAt":"Child","States":{"Child":{"Type":"Task",
		"Resource":"arn:aws:states:::states:startExecution.sync:2","Parameters":{"StateMachineArn":"`+v1+`","Name":"kid"},
		"OutputPath":"$.Output","End":true}}}`)
	nested := h.wait(h.start(parent, "nested", `{}`))
	require.Equal(t, types.ExecutionStatusSucceeded, nested.Status, aws.ToString(nested.Cause))
	require.Equal(t, `"a"`, *nested.Output, "a nested start on a version ARN runs that version")
	kid, err := h.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(strings.Replace(machine, "stateMachine", "execution", 1) + ":kid")})
	require.NoError(t, err)
	require.Equal(t, v1, aws.ToString(kid.StateMachineVersionArn))
}

// TestAWSVersionQuota checks the quota of versions per state machine
// (AWS's 1,000; engine.Config.MaxPublishedVersions lowers it to 2 here):
// PublishStateMachineVersion and UpdateStateMachine with publish answer
// ServiceQuotaExceededException, HTTP 402 as the model documents, until a
// version is deleted.
func TestAWSVersionQuota(t *testing.T) {
	t.Parallel()
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{MaxPublishedVersions: 2})
	h := serveAWS(t, e, syncTimeout)
	ctx := context.Background()
	machine := h.machineOf("quota", passOf("a"))
	h.publish(machine)
	h.update(machine, passOf("b"), true)
	_, err := h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(machine), Definition: aws.String(passOf("c")), Publish: true})
	require.Contains(t, requireAWSError[*types.ServiceQuotaExceededException](t, err).ErrorMessage(), "delete unused versions")
	_, err = h.client.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(machine)})
	requireAWSError[*types.ServiceQuotaExceededException](t, err)
	status, _, body := h.post(TargetPrefix+"PublishStateMachineVersion", `{"stateMachineArn":"`+machine+`"}`)
	require.Equal(t, http.StatusPaymentRequired, status)
	require.Equal(t, "ServiceQuotaExceededException", body["__type"])

	_, err = h.client.DeleteStateMachineVersion(ctx, &sfn.DeleteStateMachineVersionInput{StateMachineVersionArn: aws.String(machine + ":1")})
	require.NoError(t, err)
	require.Equal(t, machine+":3", h.publish(machine))
}
