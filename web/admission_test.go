package web_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sfn/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit/awsclients"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

// requireThrottled checks that err is AWS's answer to a throttled
// request: ThrottlingException, "Rate exceeded", HTTP 400.
func requireThrottled(t *testing.T, err error) {
	t.Helper()
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	require.Equal(t, "ThrottlingException", api.ErrorCode())
	require.Equal(t, "Rate exceeded", api.ErrorMessage())
	var resp *awshttp.ResponseError
	require.ErrorAs(t, err, &resp)
	require.Equal(t, http.StatusBadRequest, resp.HTTPStatusCode())
}

// TestAdmissionControl serves an engine that admits one start at a time
// (engine.Config.MaxInflightStarts). While a StartSyncExecution holds
// the slot, starts and task callbacks are refused at once, through the
// AWS protocol (ThrottlingException) and REST (429 with Retry-After),
// and the health checks answer; once it is free, of a burst of
// concurrent starts some are admitted, the rest refused, and every
// admitted execution completes.
func TestAdmissionControl(t *testing.T) {
	t.Parallel()
	entered, hold := make(chan struct{}), make(chan struct{})
	reg := activities.NewRegistry()
	activities.Register(reg, "hold", func(context.Context, struct{}) (struct{}, error) {
		close(entered)
		<-hold
		return struct{}{}, nil
	})
	a := webtest.New(t, nil).Beside(&engine.Config{Functions: reg, Drive: true, FetchPollInterval: testengine.FetchPollInterval,
		MaxInflightStarts: 1})
	client := awsclients.GoClient(awsclients.Endpoint{URL: a.URL, AccessKeyID: "AKIDEXAMPLE"}) // it does not retry
	ctx := context.Background()
	create := func(name, definition string, typ types.StateMachineType) string {
		out, err := client.CreateStateMachine(ctx, &sfn.CreateStateMachineInput{Name: aws.String(name), Definition: aws.String(definition),
			Type: typ, RoleArn: aws.String("arn:aws:iam::123456789012:role/ignored")})
		require.NoError(t, err)
		return *out.StateMachineArn
	}
	held := create("held", `{"StartAt":"Hold","States":{"Hold":{"Type":"Task","Resource":"stepwise:function:hold","End":true}}}`,
		types.StateMachineTypeExpress)
	pass := create("pass", `{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}`, "")

	done := make(chan error, 1)
	go func() {
		res, err := client.StartSyncExecution(ctx, &sfn.StartSyncExecutionInput{StateMachineArn: aws.String(held), Input: aws.String(`{}`)})
		if err == nil && res.Status != types.SyncExecutionStatusSucceeded {
			err = errors.New(string(res.Status))
		}
		done <- err
	}()
	<-entered // the synchronous Express execution holds the one slot while it runs

	_, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(pass), Input: aws.String(`{}`)})
	requireThrottled(t, err)
	_, err = client.SendTaskHeartbeat(ctx, &sfn.SendTaskHeartbeatInput{TaskToken: aws.String("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")})
	requireThrottled(t, err)
	r := a.ExpectError(http.StatusTooManyRequests, "ThrottlingException", http.MethodPost, "/v1/state-machines/pass/executions", map[string]any{"input": map[string]any{}})
	require.Equal(t, "1", r.Header.Get("Retry-After"))
	a.Expect(http.StatusOK, http.MethodGet, "/healthz", nil)
	a.Expect(http.StatusOK, http.MethodGet, "/readyz", nil)

	close(hold)
	require.NoError(t, <-done)

	const burst = 40
	var mu sync.Mutex
	var admitted []string
	var refused []error
	var wg sync.WaitGroup
	for range burst {
		wg.Go(func() {
			out, err := client.StartExecution(ctx, &sfn.StartExecutionInput{StateMachineArn: aws.String(pass), Input: aws.String(`{}`)})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				refused = append(refused, err)
				return
			}
			admitted = append(admitted, *out.ExecutionArn)
		})
	}
	wg.Wait()
	t.Logf("%d admitted, %d throttled", len(admitted), len(refused))
	for _, err := range refused {
		requireThrottled(t, err)
	}
	require.Equal(t, burst, len(admitted)+len(refused))
	require.NotEmpty(t, admitted, "a refusal means another start holds the slot, and that one is admitted")
	for _, arn := range admitted {
		exec, err := a.E.Wait(ctx, arn)
		require.NoError(t, err)
		require.Equal(t, "SUCCEEDED", exec.Status)
	}
}
