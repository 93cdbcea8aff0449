package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/testkit"
)

// awsCLI runs the AWS CLI on PATH against endpoint and decodes its JSON
// answer into out (when not nil).
func awsCLI(t *testing.T, endpoint string, out any, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "aws", append([]string{"stepfunctions", "--endpoint-url", endpoint, "--output", "json"}, args...)...)
	cmd.Env = append(binaryEnv(), "AWS_ACCESS_KEY_ID=dev", "AWS_SECRET_ACCESS_KEY=dev", "AWS_REGION=us-east-1", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_DISABLE_HOST_PREFIX_INJECTION=true", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	require.NoError(t, err, "aws %s: %s", args[0], stderr.String())
	if out != nil {
		require.NoError(t, json.Unmarshal(data, out), "%s", data)
	}
}

// requireAWSCLIWithTestState skips unless the AWS CLI on PATH has
// test-state with --mock; STEPWISE_REQUIRE_AWSCLI=1 fails instead.
func requireAWSCLIWithTestState(t *testing.T) {
	t.Helper()
	out, err := exec.Command("aws", "stepfunctions", "test-state", "--generate-cli-skeleton").Output()
	if err == nil && strings.Contains(string(out), `"mock"`) {
		return
	}
	if os.Getenv("STEPWISE_REQUIRE_AWSCLI") == "1" {
		t.Fatalf("no AWS CLI with test-state --mock on PATH: %v", err)
	}
	t.Skip("no AWS CLI with test-state --mock on PATH")
}

// TestAWSCLITesting drives the testing features with the AWS CLI, as the
// README shows: a test case of the mock configuration chosen with
// ARN#TestCase, its history, and TestState with a mock.
func TestAWSCLITesting(t *testing.T) {
	t.Parallel()
	requireAWSCLIWithTestState(t)
	dir := t.TempDir()
	config := writeFile(t, dir, "MockConfigFile.json", testkit.Testdata(t, "mocks", "MockConfigFile.json"))
	srv := startServe(t, "--insecure-no-auth", "--listen", "127.0.0.1:0", "--mock-config", config, "--wait-time-scale", "0",
		"--database="+freshDatabase(t))

	var created struct{ StateMachineArn string }
	awsCLI(t, srv.url, &created, "create-state-machine", "--name", "MockedOrders", "--role-arn", "arn:aws:iam::123456789012:role/r",
		"--definition", testkit.Testdata(t, "mocks", "MockedOrders.asl.json"))
	var started struct{ ExecutionArn string }
	awsCLI(t, srv.url, &started, "start-execution", "--state-machine-arn", created.StateMachineArn+"#RetryPath",
		"--input", `{"order":"o-1","items":["a"]}`)
	var described struct{ Status, Output string }
	require.Eventually(t, func() bool {
		awsCLI(t, srv.url, &described, "describe-execution", "--execution-arn", started.ExecutionArn)
		return described.Status != "RUNNING"
	}, 30*time.Second, 50*time.Millisecond)
	require.Equal(t, "SUCCEEDED", described.Status)
	var history struct {
		Events []struct {
			Type                      string
			TaskFailedEventDetails    *struct{ Error string }
			TaskScheduledEventDetails *struct{ ResourceType, Resource string }
		}
	}
	awsCLI(t, srv.url, &history, "get-execution-history", "--execution-arn", started.ExecutionArn)
	var failures, lambdas int
	for _, ev := range history.Events {
		if ev.TaskFailedEventDetails != nil && ev.TaskFailedEventDetails.Error == "Lambda.TooManyRequestsException" {
			failures++
		}
		if d := ev.TaskScheduledEventDetails; d != nil && d.ResourceType == "lambda" && d.Resource == "invoke" {
			lambdas++
		}
	}
	require.Equal(t, 2, failures, "invocations 0-1 of Validate throw")
	require.Equal(t, 4, lambdas, "Validate three times, ShipItem once")

	var tested struct{ Status, NextState, Output string }
	awsCLI(t, srv.url, &tested, "test-state", "--definition",
		`{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"charge","Payload.$":"$"},"ResultSelector":{"paid.$":"$.Payload.paid"},"ResultPath":"$.charge","Next":"Ship"}`,
		"--input", `{"amount":5}`, "--mock", `{"result":"{\"Payload\":{\"paid\":true},\"StatusCode\":200}"}`, "--inspection-level", "DEBUG")
	require.Equal(t, "SUCCEEDED", tested.Status)
	require.Equal(t, "Ship", tested.NextState)
	require.JSONEq(t, `{"amount":5,"charge":{"paid":true}}`, tested.Output)
}
