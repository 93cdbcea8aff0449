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
	"github.com/stepwise-run/stepwise/internal/logsink"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

const (
	passMachine = `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`
	logGroupARN = "arn:aws:logs:us-east-1:000000000000:log-group:/stepwise/orders:*"
)

// logTo is a loggingConfiguration to logGroupARN.
func logTo(level types.LogLevel, withData bool) *types.LoggingConfiguration {
	return &types.LoggingConfiguration{Level: level, IncludeExecutionData: withData, Destinations: []types.LogDestination{
		{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String(logGroupARN)}}}}
}

// TestAWSLoggingConfiguration: loggingConfiguration through the SDK, on
// CreateStateMachine, UpdateStateMachine with and without a definition,
// DescribeStateMachine (of the machine and of a version) and
// DescribeStateMachineForExecution.
func TestAWSLoggingConfiguration(t *testing.T) {
	t.Parallel()
	h := serveAWS(t, testengine.New(t, nil, nil), syncTimeout)
	ctx := context.Background()
	describe := func(arn string) *types.LoggingConfiguration {
		out, err := h.client.DescribeStateMachine(ctx, &sfn.DescribeStateMachineInput{StateMachineArn: aws.String(arn)})
		require.NoError(t, err)
		return out.LoggingConfiguration
	}
	requireLogging := func(want, got *types.LoggingConfiguration) {
		t.Helper()
		require.Equal(t, want.Level, got.Level)
		require.Equal(t, want.IncludeExecutionData, got.IncludeExecutionData)
		require.Len(t, got.Destinations, len(want.Destinations))
		for i := range want.Destinations {
			require.Equal(t, *want.Destinations[i].CloudWatchLogsLogGroup.LogGroupArn, *got.Destinations[i].CloudWatchLogsLogGroup.LogGroupArn)
		}
	}

	plain := h.machineOf("plain", passMachine)
	requireLogging(&types.LoggingConfiguration{Level: types.LogLevelOff}, describe(plain))

	created, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("logged"), Definition: aws.String(passMachine),
		RoleArn: aws.String("arn:aws:iam::1:role/r"), LoggingConfiguration: logTo(types.LogLevelError, true)})
	require.NoError(t, err)
	arn := *created.StateMachineArn
	requireLogging(logTo(types.LogLevelError, true), describe(arn))
	again, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("logged"), Definition: aws.String(passMachine),
		RoleArn: aws.String("arn:aws:iam::1:role/r"), LoggingConfiguration: logTo(types.LogLevelError, true)})
	require.NoError(t, err, "the same machine with the same configuration again is idempotent")
	require.Equal(t, arn, *again.StateMachineArn)
	_, err = h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("logged"), Definition: aws.String(passMachine),
		RoleArn: aws.String("arn:aws:iam::1:role/r"), LoggingConfiguration: logTo(types.LogLevelAll, true)})
	requireAWSError[*types.StateMachineAlreadyExists](t, err)
	_, err = h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("plain"), Definition: aws.String(passMachine),
		RoleArn: aws.String("arn:aws:iam::1:role/r")})
	require.NoError(t, err, "no configuration is the same as OFF")

	_, err = h.client.PublishStateMachineVersion(ctx, &sfn.PublishStateMachineVersionInput{StateMachineArn: aws.String(arn)})
	require.NoError(t, err)
	_, err = h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), LoggingConfiguration: logTo(types.LogLevelFatal, false)})
	require.NoError(t, err, "a loggingConfiguration alone updates")
	requireLogging(logTo(types.LogLevelFatal, false), describe(arn))
	requireLogging(logTo(types.LogLevelFatal, false), describe(arn+":1"))

	updated, err := h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn),
		Definition: aws.String(passMachine), LoggingConfiguration: logTo(types.LogLevelAll, true)})
	require.NoError(t, err)
	require.Equal(t, h.revisionID(arn, 2), *updated.RevisionId)
	requireLogging(logTo(types.LogLevelAll, true), describe(arn))

	_, err = h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), Definition: aws.String(passMachine)})
	require.NoError(t, err)
	requireLogging(logTo(types.LogLevelAll, true), describe(arn))
	exec := h.start(arn, "one", `{}`)
	h.wait(exec)
	forExec, err := h.client.DescribeStateMachineForExecution(ctx, &sfn.DescribeStateMachineForExecutionInput{ExecutionArn: aws.String(exec)})
	require.NoError(t, err)
	requireLogging(logTo(types.LogLevelAll, true), forExec.LoggingConfiguration)

	off := &types.LoggingConfiguration{Level: types.LogLevelOff}
	_, err = h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), LoggingConfiguration: off})
	require.NoError(t, err)
	requireLogging(off, describe(arn))
}

// TestAWSLoggingValidation: configurations AWS refuses are refused with
// its error types, on create and update, and the message names the field.
func TestAWSLoggingValidation(t *testing.T) {
	t.Parallel()
	h := serveAWS(t, testengine.New(t, nil, nil), syncTimeout)
	ctx := context.Background()
	arn := h.machineOf("target", passMachine)
	twice := logTo(types.LogLevelAll, false)
	twice.Destinations = append(twice.Destinations, twice.Destinations[0])
	for _, tc := range []struct {
		name    string
		logging *types.LoggingConfiguration
		check   func(*testing.T, error)
		field   string
	}{
		{"unknown level", &types.LoggingConfiguration{Level: "DEBUG"}, wantAWSError[*types.ValidationException], "loggingConfiguration.level"},
		{"no destination", &types.LoggingConfiguration{Level: types.LogLevelAll}, wantAWSError[*types.InvalidLoggingConfiguration], "loggingConfiguration.destinations"},
		{"two destinations", twice, wantAWSError[*types.InvalidLoggingConfiguration], "at most 1"},
		{"not a log group", &types.LoggingConfiguration{Level: types.LogLevelError, Destinations: []types.LogDestination{
			{CloudWatchLogsLogGroup: &types.CloudWatchLogsLogGroup{LogGroupArn: aws.String("arn:aws:sqs:us-east-1:000000000000:queue")}}}},
			wantAWSError[*types.InvalidLoggingConfiguration], "logGroupArn"},
		{"no log group", &types.LoggingConfiguration{Level: types.LogLevelFatal, Destinations: []types.LogDestination{{}}},
			wantAWSError[*types.InvalidLoggingConfiguration], "destinations[0].cloudWatchLogsLogGroup.logGroupArn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("refused"), Definition: aws.String(passMachine),
				RoleArn: aws.String("arn:aws:iam::1:role/r"), LoggingConfiguration: tc.logging})
			tc.check(t, err)
			require.ErrorContains(t, err, tc.field)
			_, err = h.client.UpdateStateMachine(ctx, &sfn.UpdateStateMachineInput{StateMachineArn: aws.String(arn), LoggingConfiguration: tc.logging})
			tc.check(t, err)
			require.ErrorContains(t, err, tc.field)
		})
	}
}

// TestAWSExpressLogs: an EXPRESS machine created with a
// loggingConfiguration through the SDK logs the events of a
// StartSyncExecution under the execution's ARN, with its data.
func TestAWSExpressLogs(t *testing.T) {
	t.Parallel()
	var buf testkit.SyncBuffer
	eng := testengine.Start(t, testkit.NewPool(t), &engine.Config{Functions: doubleFunctions(), LogSink: logsink.NewStdout(&buf)})
	h := serveAWS(t, eng, syncTimeout)
	ctx := context.Background()
	created, err := h.client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("logged-express"),
		Definition: aws.String(expressDouble), Type: types.StateMachineTypeExpress,
		RoleArn: aws.String("arn:aws:iam::1:role/r"), LoggingConfiguration: logTo(types.LogLevelAll, true)})
	require.NoError(t, err)
	out, err := h.client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: created.StateMachineArn, Input: aws.String(`{"n":21}`)})
	require.NoError(t, err)
	require.Equal(t, types.SyncExecutionStatusSucceeded, out.Status)

	var records []logsink.Record
	require.Eventually(t, func() bool {
		records = nil
		for _, line := range strings.Split(buf.String(), "\n") {
			var r logsink.Record
			if json.Unmarshal([]byte(line), &r) == nil && r.ExecutionARN == *out.ExecutionArn {
				records = append(records, r)
			}
		}
		return len(records) > 0 && records[len(records)-1].Type == "ExecutionSucceeded"
	}, 10*time.Second, 20*time.Millisecond)
	got := make([]string, len(records))
	for i, r := range records {
		got[i] = r.Type
	}
	require.Equal(t, []string{"ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"}, got)
	require.JSONEq(t, `{"n":21}`, records[0].Details["input"].(string))
	require.JSONEq(t, `{"n":42}`, records[len(records)-1].Details["output"].(string))
}
