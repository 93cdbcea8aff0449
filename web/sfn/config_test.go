package sfn

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"
)

// describeConfig is the configuration DescribeStateMachine answers.
type describeConfig struct {
	role       string
	tracing    bool
	encryption types.EncryptionConfiguration
}

// describeConfigOf describes a machine or a version.
func (h *awsHarness) describeConfigOf(arn string) describeConfig {
	h.t.Helper()
	out, err := h.client.DescribeStateMachine(context.Background(), &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
	require.NoError(h.t, err)
	require.Equal(h.t, types.StateMachineStatusActive, out.Status)
	require.Nil(h.t, out.Label)
	require.NotNil(h.t, out.TracingConfiguration)
	require.NotNil(h.t, out.EncryptionConfiguration)
	return describeConfig{role: *out.RoleArn, tracing: out.TracingConfiguration.Enabled, encryption: *out.EncryptionConfiguration}
}

func TestAWSMachineConfiguration(t *testing.T) {
	t.Parallel()
	h := newVersionHarness(t)
	ctx := context.Background()
	const role, role2 = "arn:aws:iam::123456789012:role/first", "arn:aws:iam::123456789012:role/second"
	kms := types.EncryptionConfiguration{Type: types.EncryptionTypeCustomerManagedKmsKey,
		KmsKeyId: aws.String("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"), KmsDataKeyReusePeriodSeconds: aws.Int32(120)}
	create := &sfn.CreateStateMachineInput{Name: aws.String("configured"), Definition: aws.String(passOf("a")), RoleArn: aws.String(role),
		TracingConfiguration: &types.TracingConfiguration{Enabled: true}, EncryptionConfiguration: &kms, Publish: true}
	created, err := h.client.CreateStateMachine(ctx, create)
	require.NoError(t, err)
	machine := *created.StateMachineArn
	require.Equal(t, describeConfig{role: role, tracing: true, encryption: kms}, h.describeConfigOf(machine))

	again, err := h.client.CreateStateMachine(ctx, create)
	require.NoError(t, err, "the same CreateStateMachine again answers the machine")
	require.Equal(t, machine, *again.StateMachineArn)
	create.RoleArn = aws.String(role2)
	_, err = h.client.CreateStateMachine(ctx, create)
	require.NoError(t, err, "as on AWS, another role is no other machine")
	require.Equal(t, describeConfig{role: role, tracing: true, encryption: kms}, h.describeConfigOf(machine))
	create.TracingConfiguration = nil
	_, err = h.client.CreateStateMachine(ctx, create)
	requireAWSError[*types.StateMachineAlreadyExists](t, err)

	// Each alone: a new revision, the rest carried over.
	updated, err := h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(machine), RoleArn: aws.String(role2)})
	require.NoError(t, err)
	require.Equal(t, h.revisionID(machine, 2), *updated.RevisionId)
	require.Equal(t, describeConfig{role: role2, tracing: true, encryption: kms}, h.describeConfigOf(machine))
	_, err = h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(machine),
		TracingConfiguration: &types.TracingConfiguration{Enabled: false}})
	require.NoError(t, err)
	require.Equal(t, describeConfig{role: role2, encryption: kms}, h.describeConfigOf(machine))
	owned := types.EncryptionConfiguration{Type: types.EncryptionTypeAwsOwnedKey}
	_, err = h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(machine), EncryptionConfiguration: &owned})
	require.NoError(t, err)
	require.Equal(t, describeConfig{role: role2, encryption: owned}, h.describeConfigOf(machine))
	h.update(machine, passOf("b"), false)
	latest, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(machine)})
	require.NoError(t, err)
	require.Equal(t, passOf("b"), *latest.Definition)
	require.Equal(t, h.revisionID(machine, 5), *latest.RevisionId)
	require.Equal(t, role2, *latest.RoleArn, "a definition alone keeps the role")

	// A version answers the configuration it was published with.
	require.Equal(t, describeConfig{role: role, tracing: true, encryption: kms}, h.describeConfigOf(machine+":1"))

	// An execution's machine and history answer its revision's role.
	exec := h.start(machine+":1", "on-version-1", "{}")
	h.wait(exec)
	forExec, err := h.client.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(exec)})
	require.NoError(t, err)
	require.Equal(t, role, *forExec.RoleArn)
	require.True(t, forExec.TracingConfiguration.Enabled)
	require.Equal(t, kms, *forExec.EncryptionConfiguration)
	require.Equal(t, role, *h.history(exec)[0].ExecutionStartedEventDetails.RoleArn)
	exec = h.start(machine, "on-latest", "{}")
	h.wait(exec)
	require.Equal(t, role2, *h.history(exec)[0].ExecutionStartedEventDetails.RoleArn)

	// The context object's $$.Execution.RoleArn is the revision's role.
	withRole, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("context"), RoleArn: aws.String(role),
		Definition: aws.String(`{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":{"role.$":"$$.Execution.RoleArn"},"End":true}}}`)})
	require.NoError(t, err)
	ended := h.wait(h.start(*withRole.StateMachineArn, "role", "{}"))
	require.JSONEq(t, `{"role":"`+role+`"}`, *ended.Output)

	// A machine created without configuration answers a placeholder role
	// in its account, no tracing and AWS's own key.
	plain := h.machineOfType("plain", passOf("p"), "")
	out, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(plain)})
	require.NoError(t, err)
	require.Equal(t, "arn:aws:iam::123456789012:role/ignored", *out.RoleArn)
	require.False(t, out.TracingConfiguration.Enabled)
	require.Equal(t, owned, *out.EncryptionConfiguration)
}

func TestAWSMachineConfigurationErrors(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	machine := h.machineOf("m", passOf("a"))
	create := func(role *string, enc *types.EncryptionConfiguration) func() error {
		return errorOf(ctx, h.client.CreateStateMachine, &sfn.CreateStateMachineInput{Name: aws.String("bad"), Definition: aws.String(passOf("a")),
			RoleArn: role, EncryptionConfiguration: enc})
	}
	runErrorCases(t, []errorCase{
		{"a role that is no ARN", create(aws.String("my-role"), nil), wantAWSError[*types.InvalidArn]},
		{"a role ARN of another service", create(aws.String("arn:aws:states:us-east-1:123456789012:stateMachine:x"), nil), wantAWSError[*types.InvalidArn]},
		{"an IAM user, not a role", create(aws.String("arn:aws:iam::123456789012:user/u"), nil), wantAWSError[*types.InvalidArn]},
		{"update to a malformed role", errorOf(ctx, h.client.UpdateStateMachine, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(machine),
			RoleArn: aws.String("role")}), wantAWSError[*types.InvalidArn]},
		{"an unknown encryption type", create(aws.String("arn:aws:iam::123456789012:role/r"), &types.EncryptionConfiguration{Type: "MINE"}), wantAWSError[*types.ValidationException]},
		{"a customer key without kmsKeyId", create(aws.String("arn:aws:iam::123456789012:role/r"), &types.EncryptionConfiguration{Type: types.EncryptionTypeCustomerManagedKmsKey}),
			wantAWSError[*types.ValidationException]},
		{"a reuse period under 60", create(aws.String("arn:aws:iam::123456789012:role/r"), &types.EncryptionConfiguration{Type: types.EncryptionTypeCustomerManagedKmsKey,
			KmsKeyId: aws.String("k"), KmsDataKeyReusePeriodSeconds: aws.Int32(59)}), wantAWSError[*types.ValidationException]},
		{"a reuse period over 900", create(aws.String("arn:aws:iam::123456789012:role/r"), &types.EncryptionConfiguration{Type: types.EncryptionTypeAwsOwnedKey,
			KmsDataKeyReusePeriodSeconds: aws.Int32(901)}), wantAWSError[*types.ValidationException]},
	})
	out, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(machine)})
	require.NoError(t, err)
	require.Equal(t, h.revisionID(machine, 1), *out.RevisionId, "a refused update makes no revision")
}

// TestAWSActivityEncryption stores an activity's encryptionConfiguration
// and answers it back; a malformed one is refused, and an activity
// created without one answers AWS_OWNED_KEY.
func TestAWSActivityEncryption(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	kms := &types.EncryptionConfiguration{Type: types.EncryptionTypeCustomerManagedKmsKey, KmsKeyId: aws.String("alias/orders"),
		KmsDataKeyReusePeriodSeconds: aws.Int32(300)}
	created, err := h.client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("sealed"), EncryptionConfiguration: kms})
	require.NoError(t, err)
	described, err := h.client.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: created.ActivityArn})
	require.NoError(t, err)
	require.Equal(t, kms.Type, described.EncryptionConfiguration.Type)
	require.Equal(t, "alias/orders", aws.ToString(described.EncryptionConfiguration.KmsKeyId))
	require.Equal(t, int32(300), aws.ToInt32(described.EncryptionConfiguration.KmsDataKeyReusePeriodSeconds))

	plain, err := h.client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("plain")})
	require.NoError(t, err)
	described, err = h.client.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: plain.ActivityArn})
	require.NoError(t, err)
	require.Equal(t, types.EncryptionTypeAwsOwnedKey, described.EncryptionConfiguration.Type)

	_, err = h.client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("bad"),
		EncryptionConfiguration: &types.EncryptionConfiguration{Type: types.EncryptionTypeCustomerManagedKmsKey}})
	require.Equal(t, "ValidationException", requireAWSError[smithy.APIError](t, err).ErrorCode(), "not modelled for CreateActivity: a generic API error")
}
