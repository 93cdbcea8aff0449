package sfn

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// newExpressHarness serves the AWS protocol of an engine whose process
// serves the function double ({"n": N} to {"n": 2N}).
func newExpressHarness(t *testing.T) *awsHarness {
	t.Helper()
	return serveAWS(t, testengine.New(t, doubleFunctions(), nil), syncTimeout)
}

// doubleFunctions registers the function double ({"n": N} to
// {"n": 2N}).
func doubleFunctions() *activities.Registry {
	reg := activities.NewRegistry()
	activities.Register(reg, "double", func(_ context.Context, in struct{ N int }) (map[string]int, error) {
		return map[string]int{"n": 2 * in.N}, nil
	})
	return reg
}

// expressDouble is an EXPRESS-ready machine of one Task of double.
const expressDouble = `{"StartAt":"Double","States":{"Double":{"Type":"Task",
	"Resource":"arn:aws:lambda:us-east-1:123456789012:function:double","End":true}}}`

// createTyped creates a machine of a definition and type with the SDK.
func (h *awsHarness) createTyped(name, definition string, typ types.StateMachineType) (*sfn.CreateStateMachineOutput, error) {
	return h.client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{
		Name: aws.String(name), Definition: aws.String(definition), Type: typ,
		RoleArn: aws.String("arn:aws:iam::123456789012:role/ignored"),
	})
}

func TestAWSExpressTypes(t *testing.T) {
	t.Parallel()
	h := newExpressHarness(t)
	ctx := context.Background()
	tests := []struct {
		name string
		typ  types.StateMachineType
		want types.StateMachineType
	}{
		{"plain", "", types.StateMachineTypeStandard},
		{"standard", types.StateMachineTypeStandard, types.StateMachineTypeStandard},
		{"express", types.StateMachineTypeExpress, types.StateMachineTypeExpress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := h.createTyped(tt.name, expressDouble, tt.typ)
			require.NoError(t, err)
			described, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: out.StateMachineArn})
			require.NoError(t, err)
			require.Equal(t, tt.want, described.Type)
			// The same definition and type again returns the machine; another
			// type is StateMachineAlreadyExists.
			_, err = h.createTyped(tt.name, expressDouble, tt.want)
			require.NoError(t, err)
			other := types.StateMachineTypeExpress
			if tt.want == other {
				other = types.StateMachineTypeStandard
			}
			_, err = h.createTyped(tt.name, expressDouble, other)
			requireAWSError[*types.StateMachineAlreadyExists](t, err)
			// An update keeps the type.
			_, err = h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: out.StateMachineArn, Definition: aws.String(expressDouble)})
			require.NoError(t, err)
			described, err = h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: out.StateMachineArn})
			require.NoError(t, err)
			require.Equal(t, tt.want, described.Type)
		})
	}
	t.Run("listed", func(t *testing.T) {
		t.Parallel()
		_, err := h.createTyped("listed-express", expressDouble, types.StateMachineTypeExpress)
		require.NoError(t, err)
		list, err := h.client.ListStateMachines(ctx, &sfn.ListStateMachinesInput{})
		require.NoError(t, err)
		found := map[string]types.StateMachineType{}
		for _, m := range list.StateMachines {
			found[*m.Name] = m.Type
		}
		require.Equal(t, types.StateMachineTypeExpress, found["listed-express"])
	})
}

func TestAWSExpressRefusals(t *testing.T) {
	t.Parallel()
	h := newExpressHarness(t)
	ctx := context.Background()
	tests := []struct{ name, resource, says string }{
		{"sync", "arn:aws:states:::glue:startJobRun.sync", "(.sync)"},
		{"sync2", "arn:aws:states:::states:startExecution.sync:2", "(.sync:2)"},
		{"callback", "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "(.waitForTaskToken)"},
		{"activity", "arn:aws:states:us-east-1:123456789012:activity:review", "activities"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			def := `{"StartAt":"Call` + tt.name + `","States":{"Call` + tt.name + `":{"Type":"Task","Resource":"` + tt.resource + `","End":true}}}`
			_, err := h.createTyped("refused-"+tt.name, def, types.StateMachineTypeExpress)
			refused := requireAWSError[*types.InvalidDefinition](t, err)
			require.Contains(t, refused.ErrorMessage(), `state "Call`+tt.name+`"`)
			require.Contains(t, refused.ErrorMessage(), tt.says)

			valid, err := h.client.ValidateStateMachineDefinition(ctx, &sfn.ValidateStateMachineDefinitionInput{
				Definition: aws.String(def), Type: types.StateMachineTypeExpress,
			})
			require.NoError(t, err)
			require.Equal(t, types.ValidateStateMachineDefinitionResultCodeFail, valid.Result)

			// An EXPRESS machine refuses it at update too.
			out, err := h.createTyped("updated-"+tt.name, expressDouble, types.StateMachineTypeExpress)
			require.NoError(t, err)
			_, err = h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: out.StateMachineArn, Definition: aws.String(def)})
			requireAWSError[*types.InvalidDefinition](t, err)
		})
	}
}

func TestAWSExpressStartSync(t *testing.T) {
	t.Parallel()
	h := newExpressHarness(t)
	ctx := context.Background()
	out, err := h.createTyped("fast", expressDouble, types.StateMachineTypeExpress)
	require.NoError(t, err)
	machine := *out.StateMachineArn
	tests := []struct {
		name, included string
		withData       bool
	}{
		{"all", "", true},
		{"metadata", "METADATA_ONLY", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{
				StateMachineArn: aws.String(machine), Name: aws.String("run-" + tt.name), Input: aws.String(`{"n":4}`),
				IncludedData: types.IncludedData(tt.included),
			})
			require.NoError(t, err)
			require.Equal(t, types.SyncExecutionStatusSucceeded, res.Status)
			require.Regexp(t, `^arn:aws:states:us-east-1:000000000000:express:fast:run-`+tt.name+`:[0-9a-f-]{36}$`, *res.ExecutionArn)
			require.Equal(t, machine, *res.StateMachineArn)
			require.Equal(t, "run-"+tt.name, *res.Name)
			require.NotNil(t, res.StartDate)
			require.NotNil(t, res.StopDate)
			require.NotNil(t, res.BillingDetails)
			require.Equal(t, int64(64), res.BillingDetails.BilledMemoryUsedInMB)
			require.GreaterOrEqual(t, res.BillingDetails.BilledDurationInMilliseconds, int64(100))
			require.Equal(t, tt.withData, res.InputDetails.Included)
			if tt.withData {
				require.JSONEq(t, `{"n":8}`, *res.Output)
				require.JSONEq(t, `{"n":4}`, *res.Input)
			} else {
				require.Nil(t, res.Output)
				require.Nil(t, res.Input)
			}
			requireExpressUnsupported(t, h, *res.ExecutionArn)
		})
	}
	failed, err := h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(`{"n":"four"}`)})
	require.NoError(t, err)
	require.Equal(t, types.SyncExecutionStatusFailed, failed.Status)
	require.NotEmpty(t, *failed.Error)

	started, err := h.client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(machine), Input: aws.String(`{"n":1}`)})
	require.NoError(t, err, "an asynchronous start runs in the background")
	require.Contains(t, *started.ExecutionArn, ":express:")
	require.WithinDuration(t, time.Now(), *started.StartDate, time.Minute)
	requireExpressUnsupported(t, h, *started.ExecutionArn)
	_, err = h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machine)})
	requireAWSError[*types.StateMachineTypeNotSupported](t, err)
}

// requireExpressUnsupported checks that the operations on one execution
// answer InvalidArn for the Express execution arn, as AWS does.
func requireExpressUnsupported(t *testing.T, h *awsHarness, arn string) {
	t.Helper()
	ctx := context.Background()
	_, err := h.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	requireAWSError[*types.InvalidArn](t, err)
	_, err = h.client.GetExecutionHistory(ctx, &sfn.GetExecutionHistoryInput{ExecutionArn: aws.String(arn)})
	requireAWSError[*types.InvalidArn](t, err)
	_, err = h.client.StopExecution(ctx, &sfn.StopExecutionInput{ExecutionArn: aws.String(arn)})
	requireAWSError[*types.InvalidArn](t, err)
	_, err = h.client.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(arn)})
	requireAWSError[*types.InvalidArn](t, err)
	_, err = h.client.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(arn)})
	requireAWSError[*types.InvalidArn](t, err)
}
