package engine_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/mockconfig"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// TestExpressTestCases runs testdata's MockedOrders as an EXPRESS machine
// with the test cases of its mock configuration: mocked returns and
// throws, invocations counted across retries and Map iterations within
// the run, and the state a case leaves unmocked run for real.
func TestExpressTestCases(t *testing.T) {
	t.Parallel()
	cfg, err := mockconfig.Parse([]byte(testkit.Testdata(t, "mocks", "MockConfigFile.json")))
	require.NoError(t, err)
	var puts atomic.Int64
	reg := activities.NewRegistry()
	activities.RegisterIntegration(reg, "dynamodb:putItem", func(context.Context, map[string]any) (map[string]any, error) {
		puts.Add(1)
		return map[string]any{}, nil
	})
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{Functions: reg, Mocks: mockconfig.Static(cfg),
		FetchPollInterval: testengine.FetchPollInterval})
	ctx := context.Background()
	_, _, err = e.CreateStateMachine(ctx, "MockedOrders", engine.MachineSpec{
		Definition: testkit.Testdata(t, "mocks", "MockedOrders.asl.json"), Type: store.TypeExpress})
	require.NoError(t, err)
	const input = `{"order": "o-1", "items": ["a", "b", "c"]}`
	shipped := `{"order": "o-1", "items": ["a", "b", "c"], "validation": {"valid": true},
		"fulfilment": [{}, {"MessageId": "7c5e0f0a-0000-4000-8000-000000000001"}],
		"shipped": [{"shipped": true}, {"shipped": true}, {"shipped": true}]}`
	tests := []struct {
		testCase, status, output, errName, cause string
		puts                                     int64
	}{
		{testCase: "HappyPath", status: "SUCCEEDED", output: shipped},
		{testCase: "RetryPath", status: "SUCCEEDED", output: shipped}, // invocations 0-1 throw, 2 returns
		{testCase: "CatchPath", status: "FAILED", errName: "OrderRejected"},
		{testCase: "ShipFails", status: "FAILED", errName: "Carrier.Unavailable", cause: "no carrier for item 3"},
		{testCase: "HybridPath", status: "SUCCEEDED", output: shipped, puts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.testCase, func(t *testing.T) {
			before := puts.Load()
			res, err := e.StartSyncExpress(ctx, engine.StartInput{StateMachine: "MockedOrders#" + tt.testCase, Input: input})
			require.NoError(t, err)
			requireEnded(t, res, tt.status, tt.output, tt.errName, tt.cause)
			require.Equal(t, tt.puts, puts.Load()-before, "real calls of the unmocked state")
		})
	}
	t.Run("asynchronous start", func(t *testing.T) {
		before := puts.Load()
		exec, _, err := e.StartExecution(ctx, engine.StartInput{StateMachine: "MockedOrders#HybridPath", Input: input})
		require.NoError(t, err)
		require.Contains(t, exec.ARN, ":express:MockedOrders:")
		require.Eventually(t, func() bool { return puts.Load() == before+1 }, 10*time.Second, 10*time.Millisecond)
	})
	t.Run("unknown test case", func(t *testing.T) {
		_, err := e.StartSyncExpress(ctx, engine.StartInput{StateMachine: "MockedOrders", TestCase: "NoSuchCase", Input: input})
		require.ErrorIs(t, err, engine.ErrTestCaseDoesNotExist)
	})
}
