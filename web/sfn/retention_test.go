package sfn

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
)

// TestAWSRedriveWindow: a failed execution closed more than 14 days ago
// is NOT_REDRIVABLE with AWS's reason, and RedriveExecution answers
// ExecutionNotRedrivable; within 14 days it is REDRIVABLE.
func TestAWSRedriveWindow(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	machine := h.machineOf("fails", `{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Boom"}}}`)
	arn := h.start(machine, "old", `{}`)
	desc := h.wait(arn)
	require.Equal(t, types.ExecutionStatusFailed, desc.Status)
	require.Equal(t, types.ExecutionRedriveStatusRedrivable, desc.RedriveStatus)

	_, err := h.eng.Pool().Exec(ctx, `UPDATE stepwise_executions SET stopped_at = stopped_at - interval '15 days' WHERE arn = $1`, arn)
	require.NoError(t, err)
	desc = h.wait(arn)
	require.Equal(t, types.ExecutionRedriveStatusNotRedrivable, desc.RedriveStatus)
	require.Equal(t, engine.RedrivePeriodExceeded, aws.ToString(desc.RedriveStatusReason))
	_, err = h.client.RedriveExecution(ctx, &sfn.RedriveExecutionInput{ExecutionArn: aws.String(arn)})
	requireAWSError[*types.ExecutionNotRedrivable](t, err)
}
