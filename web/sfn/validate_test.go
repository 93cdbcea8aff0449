package sfn

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// TestAWSValidationMessages checks that request validation answers AWS's
// ValidationException messages ("N validation errors detected: …; …"),
// every violation of a request at once, with the field paths in AWS's
// camelCase, through the SDK.
func TestAWSValidationMessages(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	machine := h.machineOf("valid", passOf("a"))
	long := strings.Repeat("n", 81)
	const prefix = " failed to satisfy constraint: Member must "
	for _, tc := range []struct {
		name string
		call func() error
		want string
	}{
		{"a name too long", errorOf(ctx, h.client.CreateStateMachine, &sfn.CreateStateMachineInput{Name: aws.String(long),
			Definition: aws.String(passOf("a")), RoleArn: aws.String("arn:aws:iam::1:role/r")}),
			"1 validation error detected: Value '" + long + "' at 'name'" + prefix + "have length less than or equal to 80"},
		{"three at once", errorOf(ctx, h.client.CreateStateMachine, &sfn.CreateStateMachineInput{Name: aws.String(long),
			Definition: aws.String(passOf("a")), RoleArn: aws.String("arn:aws:iam::1:role/r"), Type: "BATCH",
			LoggingConfiguration: &types.LoggingConfiguration{Level: "LOUD"}}),
			"3 validation errors detected: Value '" + long + "' at 'name'" + prefix + "have length less than or equal to 80; " +
				"Value 'BATCH' at 'type'" + prefix + "satisfy enum value set: [STANDARD, EXPRESS]; " +
				"Value 'LOUD' at 'loggingConfiguration.level'" + prefix + "satisfy enum value set: [ALL, ERROR, FATAL, OFF]"},
		{"maxResults", errorOf(ctx, h.client.ListStateMachines, &sfn.ListStateMachinesInput{MaxResults: 1001}),
			"1 validation error detected: Value '1001' at 'maxResults'" + prefix + "have value less than or equal to 1000"},
		{"filters and page size", errorOf(ctx, h.client.ListExecutions, &sfn.ListExecutionsInput{StateMachineArn: aws.String(machine),
			MaxResults: -1, StatusFilter: "DONE"}),
			"2 validation errors detected: Value '-1' at 'maxResults'" + prefix + "have value greater than or equal to 0; " +
				"Value 'DONE' at 'statusFilter'" + prefix + "satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]"},
		{"a sensitive field", errorOf(ctx, h.client.SendTaskFailure, &sfn.SendTaskFailureInput{TaskToken: aws.String("t"),
			Error: aws.String(strings.Repeat("e", 257))}),
			"1 validation error detected: Value at 'error'" + prefix + "have length less than or equal to 256"},
		{"tags without keys", errorOf(ctx, h.client.TagResource, &sfn.TagResourceInput{ResourceArn: aws.String(machine),
			Tags: []types.Tag{{Value: aws.String("a")}, {Key: aws.String("k")}, {Value: aws.String("c")}}}),
			"2 validation errors detected: Value null at 'tags.1.member.key'" + prefix + "not be null; " +
				"Value null at 'tags.3.member.key'" + prefix + "not be null"},
		{"an empty alias", errorOf(ctx, h.client.CreateStateMachineAlias, &sfn.CreateStateMachineAliasInput{Name: aws.String("a"),
			RoutingConfiguration: []types.RoutingConfigurationListItem{}}),
			"1 validation error detected: Value '[]' at 'routingConfiguration'" + prefix + "have length greater than or equal to 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A generic API error where the SDK does not model
			// ValidationException for the operation.
			err := requireAWSError[smithy.APIError](t, tc.call())
			require.Equal(t, "ValidationException", err.ErrorCode())
			require.Equal(t, tc.want, err.ErrorMessage())
		})
	}
}

// TestAWSLabeledARNReason checks the reason of the ValidationException
// that a version or alias ARN answers where the operation takes none.
func TestAWSLabeledARNReason(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	machine := h.machineOf("labeled", passOf("a"))
	_, err := h.client.UpdateStateMachine(context.Background(), &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(machine + ":1"),
		Definition: aws.String(passOf("b"))})
	require.Equal(t, types.ValidationExceptionReasonApiDoesNotSupportLabeledArns, requireAWSError[*types.ValidationException](t, err).Reason)
	status, _, body := h.post(TargetPrefix+"DescribeStateMachine", `{"stateMachineArn":"`+machine+`:prod"}`)
	require.Equal(t, 400, status)
	require.Equal(t, "API_DOES_NOT_SUPPORT_LABELED_ARNS", body["reason"])
	_, _, body = h.post(TargetPrefix+"DescribeStateMachine", `{"stateMachineArn":"`+machine+`:9"}`)
	require.NotContains(t, body, "reason", "a version ARN is no refusal of DescribeStateMachine")
}
