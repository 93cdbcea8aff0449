package sfn

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// TestAWSBoundIntegrations serves service integrations with activity
// workers (engine.Config.ActivityBindings) that poll and answer through
// the AWS protocol with the official client, in each integration
// pattern; history still names the service, never the activity.
func TestAWSBoundIntegrations(t *testing.T) {
	t.Parallel()
	eng := testengine.Start(t, testkit.NewPool(t), &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval,
		ActivityBindings: map[string]string{"sqs:sendMessage": "sqs-workers", "glue:startJobRun.sync": "glue-jobs"}})
	h := serveAWS(t, eng, syncTimeout)
	ctx := context.Background()
	sqsWorkers, glueJobs := h.activity("sqs-workers"), h.activity("glue-jobs")
	const queue = `"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/orders"`

	// The subtests share the activities, so they run one after another.
	t.Run("request-response", func(t *testing.T) {
		exec := h.start(h.task("send", `"Resource":"arn:aws:states:::sqs:sendMessage",
			"Parameters":{`+queue+`,"MessageBody.$":"$.order"},"ResultSelector":{"id.$":"$.MessageId"},"End":true`), "s", `{"order":{"id":"o-1"}}`)
		task := h.poll(sqsWorkers)
		require.JSONEq(t, `{`+queue+`,"MessageBody":{"id":"o-1"}}`, aws.ToString(task.Input), "the effective parameters, as a function gets them")
		_, err := h.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"MessageId":"m-1"}`)})
		require.NoError(t, err)
		done := h.wait(exec)
		require.Equal(t, types.ExecutionStatusSucceeded, done.Status)
		require.JSONEq(t, `{"id":"m-1"}`, aws.ToString(done.Output))
		events := h.taskEvents(exec, "sqs", "sendMessage")
		require.Equal(t, []types.HistoryEventType{types.HistoryEventTypeTaskScheduled, types.HistoryEventTypeTaskStarted, types.HistoryEventTypeTaskSucceeded}, events)
	})

	t.Run("sync with heartbeats", func(t *testing.T) {
		exec := h.start(h.task("job", `"Resource":"arn:aws:states:::glue:startJobRun.sync","HeartbeatSeconds":3,"TimeoutSeconds":30,
			"Parameters":{"JobName":"nightly"},"End":true`), "j", `{}`)
		task := h.poll(glueJobs)
		require.JSONEq(t, `{"JobName":"nightly"}`, aws.ToString(task.Input))
		for range 8 { // 4 s of work, kept alive past HeartbeatSeconds with a margin for a loaded machine
			_, err := h.client.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: task.TaskToken})
			require.NoError(t, err)
			time.Sleep(500 * time.Millisecond)
		}
		_, err := h.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: task.TaskToken, Output: aws.String(`{"JobRunState":"SUCCEEDED"}`)})
		require.NoError(t, err)
		done := h.wait(exec)
		require.Equal(t, types.ExecutionStatusSucceeded, done.Status, aws.ToString(done.Cause))
		require.JSONEq(t, `{"JobRunState":"SUCCEEDED"}`, aws.ToString(done.Output))
		events := h.taskEvents(exec, "glue", "startJobRun.sync")
		require.Equal(t, []types.HistoryEventType{types.HistoryEventTypeTaskScheduled, types.HistoryEventTypeTaskStarted, types.HistoryEventTypeTaskSucceeded}, events)
	})

	t.Run("waitForTaskToken", func(t *testing.T) {
		exec := h.start(h.task("ask", `"Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken",
			"Parameters":{`+queue+`,"MessageBody":{"token.$":"$$.Task.Token"}},"End":true`), "w", `{}`)
		task := h.poll(sqsWorkers)
		var in struct{ MessageBody struct{ Token string } }
		require.NoError(t, json.Unmarshal([]byte(aws.ToString(task.Input)), &in))
		require.Equal(t, aws.ToString(task.TaskToken), in.MessageBody.Token, "the worker's token is $$.Task.Token")
		// The worker sends the message and leaves the answer to its reader.
		time.Sleep(200 * time.Millisecond)
		require.Equal(t, types.ExecutionStatusRunning, h.describe(exec).Status)
		_, err := h.client.SendTaskSuccess(ctx, &sfn.SendTaskSuccessInput{TaskToken: aws.String(in.MessageBody.Token), Output: aws.String(`{"answer":42}`)})
		require.NoError(t, err)
		done := h.wait(exec)
		require.JSONEq(t, `{"answer":42}`, aws.ToString(done.Output))
		h.taskEvents(exec, "sqs", "sendMessage.waitForTaskToken")
	})

	t.Run("failure caught", func(t *testing.T) {
		machine := h.createMachine("send-or-not", `{"StartAt":"Send","States":{"Send":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage",
			"Parameters":{`+queue+`,"MessageBody":"hi"},"Catch":[{"ErrorEquals":["SQS.QueueDoesNotExistException"],"ResultPath":"$.error","Next":"Caught"}],"End":true},
			"Caught":{"Type":"Pass","End":true}}}`)
		exec := h.start(machine, "f", `{}`)
		task := h.poll(sqsWorkers)
		_, err := h.client.SendTaskFailure(ctx, &sfn.SendTaskFailureInput{TaskToken: task.TaskToken,
			Error: aws.String("SQS.QueueDoesNotExistException"), Cause: aws.String("no such queue")})
		require.NoError(t, err)
		done := h.wait(exec)
		require.Equal(t, types.ExecutionStatusSucceeded, done.Status)
		require.JSONEq(t, `{"error":{"Error":"SQS.QueueDoesNotExistException","Cause":"no such queue"}}`, aws.ToString(done.Output))
		events := h.taskEvents(exec, "sqs", "sendMessage")
		require.Equal(t, []types.HistoryEventType{types.HistoryEventTypeTaskScheduled, types.HistoryEventTypeTaskStarted, types.HistoryEventTypeTaskFailed}, events)
	})
}

// activity creates an activity and returns its ARN.
func (h *awsHarness) activity(name string) string {
	h.t.Helper()
	out, err := h.client.CreateActivity(context.Background(), &sfn.CreateActivityInput{Name: aws.String(name)})
	require.NoError(h.t, err)
	return aws.ToString(out.ActivityArn)
}

// createMachine creates a state machine and returns its ARN.
func (h *awsHarness) createMachine(name, definition string) string {
	h.t.Helper()
	out, err := h.client.CreateStateMachine(context.Background(), &sfn.CreateStateMachineInput{Name: aws.String(name),
		Definition: aws.String(definition), RoleArn: aws.String("arn:aws:iam::123456789012:role/ignored")})
	require.NoError(h.t, err)
	return aws.ToString(out.StateMachineArn)
}

// task creates a machine of one Task state with the given fields.
func (h *awsHarness) task(name, fields string) string {
	return h.createMachine(name, `{"StartAt":"T","States":{"T":{"Type":"Task",`+fields+`}}}`)
}

// poll is an activity worker's GetActivityTask; a poll that gets no task
// fails the test.
func (h *awsHarness) poll(activityARN string) *sfn.GetActivityTaskOutput {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := h.client.GetActivityTask(ctx, &sfn.GetActivityTaskInput{ActivityArn: aws.String(activityARN), WorkerName: aws.String("worker-1")})
	require.NoError(h.t, err)
	require.NotEmpty(h.t, aws.ToString(out.TaskToken), "no task for %s", activityARN)
	return out
}

// describe is DescribeExecution.
func (h *awsHarness) describe(arn string) *sfn.DescribeExecutionOutput {
	h.t.Helper()
	out, err := h.client.DescribeExecution(context.Background(), &sfn.DescribeExecutionInput{ExecutionArn: aws.String(arn)})
	require.NoError(h.t, err)
	return out
}

// taskEvents returns the types of an execution's Task events, checking
// that each names the service integration (resourceType and resource)
// and that no event is an activity's.
func (h *awsHarness) taskEvents(arn, resourceType, resource string) []types.HistoryEventType {
	h.t.Helper()
	var out []types.HistoryEventType
	for _, ev := range h.history(arn) {
		require.False(h.t, strings.HasPrefix(string(ev.Type), "Activity"), "event %s", ev.Type)
		var typ, name *string
		switch {
		case ev.TaskScheduledEventDetails != nil:
			typ, name = ev.TaskScheduledEventDetails.ResourceType, ev.TaskScheduledEventDetails.Resource
		case ev.TaskStartedEventDetails != nil:
			typ, name = ev.TaskStartedEventDetails.ResourceType, ev.TaskStartedEventDetails.Resource
		case ev.TaskSucceededEventDetails != nil:
			typ, name = ev.TaskSucceededEventDetails.ResourceType, ev.TaskSucceededEventDetails.Resource
		case ev.TaskFailedEventDetails != nil:
			typ, name = ev.TaskFailedEventDetails.ResourceType, ev.TaskFailedEventDetails.Resource
		default:
			continue
		}
		require.Equal(h.t, resourceType, aws.ToString(typ), "event %s", ev.Type)
		require.Equal(h.t, resource, aws.ToString(name), "event %s", ev.Type)
		out = append(out, ev.Type)
	}
	return out
}
