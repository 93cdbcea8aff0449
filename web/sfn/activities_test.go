package sfn

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/stretchr/testify/require"
)

// TestAWSActivityWorker runs an activity worker loop through the official
// client: create the activity, start an execution whose Task is the
// activity, poll for the task, answer it, and see the execution finish.
func TestAWSActivityWorker(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	created, err := h.client.CreateActivity(ctx, &sfn.CreateActivityInput{Name: aws.String("pack")})
	require.NoError(t, err)
	arn := aws.ToString(created.ActivityArn)
	described, err := h.client.DescribeActivity(ctx, &sfn.DescribeActivityInput{ActivityArn: created.ActivityArn})
	require.NoError(t, err)
	require.Equal(t, "pack", aws.ToString(described.Name))
	listed, err := h.client.ListActivities(ctx, &sfn.ListActivitiesInput{})
	require.NoError(t, err)
	require.Len(t, listed.Activities, 1)

	definition := `{"StartAt":"Pack","States":{"Pack":{"Type":"Task","Resource":"` + arn + `","End":true}}}`
	sm, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("packer"),
		Definition: aws.String(definition), RoleArn: aws.String("arn:aws:iam::000000000000:role/x")})
	require.NoError(t, err)
	execARN := h.start(aws.ToString(sm.StateMachineArn), "p1", `{"box":7}`)

	task, err := h.client.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: created.ActivityArn, WorkerName: aws.String("w1")})
	require.NoError(t, err)
	require.NotEmpty(t, aws.ToString(task.TaskToken))
	require.JSONEq(t, `{"box":7}`, aws.ToString(task.Input))
	_, err = h.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"packed":true}`)})
	require.NoError(t, err)
	done := h.wait(execARN)
	require.Equal(t, "SUCCEEDED", string(done.Status))
	require.JSONEq(t, `{"packed":true}`, aws.ToString(done.Output))

	_, err = h.client.DeleteActivity(ctx, &sfn.DeleteActivityInput{ActivityArn: created.ActivityArn})
	require.NoError(t, err)
}
