package spectest_test

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/mockconfig"
	"github.com/stepwise-run/stepwise/internal/spectest"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// TestDurableMockedOrders runs MockedOrders.spec.json on the engine:
// mocked Tasks answer from the spec's mock configuration, and HybridPath's
// unmocked dynamodb:putItem runs a registered Go function.
func TestDurableMockedOrders(t *testing.T) {
	t.Parallel()
	var stored atomic.Int32
	reg := activities.NewRegistry()
	activities.RegisterIntegration(reg, "dynamodb:putItem", func(_ context.Context, in map[string]any) (map[string]any, error) {
		stored.Add(1)
		return map[string]any{"stored": in["TableName"]}, nil
	})
	mocks := mockconfig.Static(nil)
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{Functions: reg, Drive: true,
		FetchPollInterval: testengine.FetchPollInterval, Mocks: mocks})

	s, err := spectest.Load(mockedOrders)
	require.NoError(t, err)
	r := spectest.Run(context.Background(), s, spectest.Options{Engine: e, Mocks: mocks})
	var text bytes.Buffer
	require.NoError(t, r.Write(&text))
	require.True(t, r.Passed(), text.String())
	require.Equal(t, spectest.ModeDurable, r.Mode)
	require.Contains(t, text.String(), "PASS  HybridPath")
	require.Contains(t, text.String(), "5 cases: 5 passed, 0 failed, 0 skipped")
	require.Equal(t, int32(1), stored.Load(), "HybridPath's Reserve ran the registered function once")
}

// TestDurableCannotRun reports every case as one that could not run when
// the durable run cannot be prepared (here: no mock configuration source),
// in the text and as JUnit errors.
func TestDurableCannotRun(t *testing.T) {
	t.Parallel()
	s, err := spectest.Load(mockedOrders)
	require.NoError(t, err)
	r := spectest.Run(context.Background(), s, spectest.Options{Engine: testengine.New(t, nil, nil)})
	require.Equal(t, 5, r.Failed())

	var text, junit bytes.Buffer
	require.NoError(t, r.Write(&text))
	require.Contains(t, text.String(), "  FAIL  HappyPath\n        could not run: a durable run needs Options.Mocks")
	require.NoError(t, r.JUnit(&junit))
	require.Contains(t, junit.String(), `<testsuites tests="5" failures="0" errors="5">`)
	require.Contains(t, junit.String(), `<error message="a durable run needs Options.Mocks, the engine&#39;s mock configuration source" type="error">`)
}
