package sfn

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/s3test"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// distributedJSONL is a Distributed Map over items.jsonl in batches of
// three, one child at a time, each waiting a second, with its results
// exported under out/.
const distributedJSONL = `{"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"Label":"Batches",
	"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSONL"},
		"Parameters":{"Bucket":"data","Key.$":"$.key"}},
	"ItemBatcher":{"MaxItemsPerBatch":3,"BatchInput":{"from.$":"$.key"}},
	"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"data","Prefix":"out"}},
	"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"W",
		"States":{"W":{"Type":"Wait","Seconds":1,"Next":"P"},"P":{"Type":"Pass","Parameters":{"n.$":"States.ArrayLength($.Items)"},"End":true}}},
	"End":true}}}`

// TestMapRunOperations runs a Distributed Map that reads JSON Lines from
// an S3 protocol server and writes its results back, and drives
// DescribeMapRun, ListMapRuns, UpdateMapRun and ListExecutions with
// mapRunArn through the AWS SDK for Go while it runs.
func TestMapRunOperations(t *testing.T) {
	t.Parallel()
	s3 := s3test.Start(t)
	var lines []string
	for i := range 10 {
		lines = append(lines, fmt.Sprintf(`{"n":%d}`, i))
	}
	s3.Put(t, "items.jsonl", []byte(strings.Join(lines, "\n")+"\n"))
	eng := testengine.Start(t, testkit.NewPool(t), &engine.Config{Drive: true, FetchPollInterval: testengine.FetchPollInterval,
		ObjectStore: s3.Client})
	h := serveAWS(t, eng, syncTimeout)
	ctx := context.Background()
	execARN := h.start(h.machineOf("dist", distributedJSONL), "e1", `{"key":"items.jsonl"}`)

	mapRunARN := h.waitForMapRun(execARN)
	require.Contains(t, mapRunARN, ":mapRun:dist/Batches:")
	running, err := h.client.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &mapRunARN})
	require.NoError(t, err)
	require.Equal(t, types.MapRunStatusRunning, running.Status)
	require.Equal(t, int32(1), running.MaxConcurrency)
	require.Equal(t, execARN, *running.ExecutionArn)
	require.LessOrEqual(t, running.ExecutionCounts.Running, int64(1))

	_, err = h.client.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: &mapRunARN, MaxConcurrency: aws.Int32(4),
		ToleratedFailureCount: aws.Int64(2)})
	require.NoError(t, err)
	updated, err := h.client.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &mapRunARN})
	require.NoError(t, err)
	require.Equal(t, int32(4), updated.MaxConcurrency)
	require.Equal(t, int64(2), updated.ToleratedFailureCount)

	final := h.wait(execARN)
	require.Equal(t, types.ExecutionStatusSucceeded, final.Status)
	var out map[string]any
	require.NoError(t, json.Unmarshal([]byte(*final.Output), &out))
	require.Equal(t, mapRunARN, out["MapRunArn"])
	manifestKey := out["ResultWriterDetails"].(map[string]any)["Key"].(string)
	require.True(t, strings.HasPrefix(manifestKey, "out/"), manifestKey)

	done, err := h.client.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &mapRunARN})
	require.NoError(t, err)
	require.Equal(t, types.MapRunStatusSucceeded, done.Status)
	require.Equal(t, int64(4), done.ExecutionCounts.Succeeded, "10 items in batches of 3")
	require.Equal(t, int64(4), done.ExecutionCounts.Total)
	require.Equal(t, int64(4), done.ExecutionCounts.ResultsWritten)
	require.NotNil(t, done.StopDate)

	h.requireResultFiles(s3, manifestKey)
	h.requireChildren(execARN, mapRunARN)
}

// waitForMapRun polls ListMapRuns until the execution has a Map run.
func (h *awsHarness) waitForMapRun(execARN string) string {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runs, err := h.client.ListMapRuns(context.Background(), &sfn.ListMapRunsInput{ExecutionArn: &execARN})
		require.NoError(h.t, err)
		if len(runs.MapRuns) > 0 {
			require.Len(h.t, runs.MapRuns, 1)
			require.Equal(h.t, execARN, *runs.MapRuns[0].ExecutionArn)
			return *runs.MapRuns[0].MapRunArn
		}
		require.True(h.t, time.Now().Before(deadline), "no Map run started")
		time.Sleep(20 * time.Millisecond)
	}
}

// requireResultFiles checks the manifest and the SUCCEEDED file the
// ResultWriter exported: every batch in item order.
func (h *awsHarness) requireResultFiles(s3 *s3test.Server, manifestKey string) {
	h.t.Helper()
	var manifest struct {
		DestinationBucket string
		ResultFiles       map[string][]struct{ Key string }
	}
	require.NoError(h.t, json.Unmarshal(s3.Get(h.t, manifestKey), &manifest))
	require.Equal(h.t, "data", manifest.DestinationBucket)
	require.Len(h.t, manifest.ResultFiles["SUCCEEDED"], 1)
	var results []struct{ Input, Output, Status string }
	require.NoError(h.t, json.Unmarshal(s3.Get(h.t, manifest.ResultFiles["SUCCEEDED"][0].Key), &results))
	require.Len(h.t, results, 4)
	for i, r := range results {
		require.Equal(h.t, "SUCCEEDED", r.Status)
		var in struct {
			BatchInput map[string]any
			Items      []map[string]int
		}
		require.NoError(h.t, json.Unmarshal([]byte(r.Input), &in))
		require.Equal(h.t, "items.jsonl", in.BatchInput["from"])
		require.Equal(h.t, 3*i, in.Items[0]["n"], "batch %d starts at item %d", i, 3*i)
		require.JSONEq(h.t, fmt.Sprintf(`{"n":%d}`, len(in.Items)), r.Output)
	}
}

// requireChildren lists the Map run's child executions and checks each
// one's description and history.
func (h *awsHarness) requireChildren(execARN, mapRunARN string) {
	h.t.Helper()
	ctx := context.Background()
	children, err := h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{MapRunArn: &mapRunARN})
	require.NoError(h.t, err)
	require.Len(h.t, children.Executions, 4)
	for _, c := range children.Executions {
		require.Equal(h.t, mapRunARN, *c.MapRunArn)
		require.Contains(h.t, *c.StateMachineArn, ":stateMachine:dist/Batches")
		d, err := h.client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: c.ExecutionArn})
		require.NoError(h.t, err)
		require.Equal(h.t, mapRunARN, *d.MapRunArn)
		types := []string{}
		for _, ev := range h.history(*c.ExecutionArn) {
			types = append(types, string(ev.Type))
		}
		require.Equal(h.t, []string{"ExecutionStarted", "WaitStateEntered", "WaitStateExited", "PassStateEntered",
			"PassStateExited", "ExecutionSucceeded"}, types)
	}
	parentOnly, err := h.client.ListExecutions(ctx, &sfn.ListExecutionsInput{StateMachineArn: aws.String(strings.Replace(
		strings.Replace(execARN, ":execution:", ":stateMachine:", 1), ":e1", "", 1))})
	require.NoError(h.t, err)
	require.Len(h.t, parentOnly.Executions, 1, "a machine's listing leaves its Map runs' children out")
}

// TestMapRunErrors checks the errors of the Map run operations.
func TestMapRunErrors(t *testing.T) {
	t.Parallel()
	h := newAWSHarness(t)
	ctx := context.Background()
	missing := "arn:aws:states:us-east-1:123456789012:mapRun:m/L:0f0e"
	_, err := h.client.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: &missing})
	var notFound *types.ResourceNotFound
	require.ErrorAs(t, err, &notFound)
	_, err = h.client.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: &missing, MaxConcurrency: aws.Int32(2)})
	require.ErrorAs(t, err, &notFound)
	_, err = h.client.DescribeMapRun(ctx, &sfn.DescribeMapRunInput{MapRunArn: aws.String("arn:aws:states:us-east-1:123456789012:execution:m:e")})
	var invalid *types.InvalidArn
	require.ErrorAs(t, err, &invalid)
	_, err = h.client.UpdateMapRun(ctx, &sfn.UpdateMapRunInput{MapRunArn: &missing, ToleratedFailurePercentage: aws.Float32(101)})
	var validation *types.ValidationException
	require.ErrorAs(t, err, &validation)
	_, err = h.client.ListMapRuns(ctx, &sfn.ListMapRunsInput{ExecutionArn: aws.String("arn:aws:states:us-east-1:123456789012:execution:m:none")})
	var noExec *types.ExecutionDoesNotExist
	require.ErrorAs(t, err, &noExec)
}
