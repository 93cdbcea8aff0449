package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit/awsclients"
	"github.com/stepwise-run/stepwise/internal/testkit/s3test"
)

// TestServeObjectStore serves with --s3-endpoint pointed at an S3
// protocol server and runs a Distributed Map that reads a JSON array from
// it and exports its results there.
func TestServeObjectStore(t *testing.T) {
	store := s3test.Start(t)
	store.Put(t, "orders.json", []byte(`[{"id":1},{"id":2},{"id":3}]`))
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	srv := startServe(t, "--insecure-no-auth", "--listen", "127.0.0.1:0", "--database="+freshDatabase(t), "--s3-endpoint", store.Config.Endpoint)
	client := awsclients.GoClient(awsclients.Endpoint{URL: srv.url, AccessKeyID: "AKIDEXAMPLE"})
	ctx := context.Background()
	def := `{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
		"ItemReader":{"Resource":"arn:aws:states:::s3:getObject","ReaderConfig":{"InputType":"JSON"},"Parameters":{"Bucket":"data","Key":"orders.json"}},
		"ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{"Bucket":"data","Prefix":"results"}},
		"ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},"StartAt":"P",
			"States":{"P":{"Type":"Pass","Parameters":{"done.$":"$.id"},"End":true}}}}}}`
	m, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String("orders"), Definition: aws.String(def),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/r")})
	require.NoError(t, err)
	started, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: m.StateMachineArn})
	require.NoError(t, err)
	var out *sfn.DescribeExecutionOutput
	require.Eventually(t, func() bool {
		out, err = client.DescribeExecution(ctx, &sfn.DescribeExecutionInput{ExecutionArn: started.ExecutionArn})
		require.NoError(t, err)
		return out.Status != types.ExecutionStatusRunning
	}, 30*time.Second, 20*time.Millisecond)
	require.Equal(t, types.ExecutionStatusSucceeded, out.Status, "%s: %s", aws.ToString(out.Error), aws.ToString(out.Cause))
	var result struct{ ResultWriterDetails struct{ Bucket, Key string } }
	require.NoError(t, json.Unmarshal([]byte(*out.Output), &result))
	var manifest struct {
		ResultFiles map[string][]struct{ Key string }
	}
	require.NoError(t, json.Unmarshal(store.Get(t, result.ResultWriterDetails.Key), &manifest))
	var results []struct{ Output string }
	require.NoError(t, json.Unmarshal(store.Get(t, manifest.ResultFiles["SUCCEEDED"][0].Key), &results))
	require.Len(t, results, 3)
	for i, r := range results {
		require.JSONEq(t, `{"done":`+string(rune('1'+i))+`}`, r.Output)
	}
}
