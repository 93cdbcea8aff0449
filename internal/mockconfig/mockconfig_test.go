package mockconfig_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/internal/mockconfig"
)

// awsExample is the mock configuration of AWS's documentation.
const awsExample = `{
  "StateMachines": {
    "LambdaSQSIntegration": {
      "TestCases": {
        "HappyPath": {"LambdaState": "MockedLambdaSuccess", "SQSState": "MockedSQSSuccess"},
        "RetryPath": {"LambdaState": "MockedLambdaRetry", "SQSState": "MockedSQSSuccess"},
        "HybridPath": {"LambdaState": "MockedLambdaSuccess"}
      }
    }
  },
  "MockedResponses": {
    "MockedLambdaSuccess": {"0": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}},
    "LambdaMockedResourceNotReady": {"0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}}},
    "MockedSQSSuccess": {"0": {"Return": {"MD5OfMessageBody": "3bcb6e8e", "MessageId": "3bcb6e8e-8b51"}}},
    "MockedLambdaRetry": {
      "0": {"Throw": {"Error": "Lambda.ResourceNotReadyException", "Cause": "Lambda resource is not ready."}},
      "1-2": {"Throw": {"Error": "Lambda.TimeoutException", "Cause": "Lambda timed out."}},
      "3": {"Return": {"StatusCode": 200, "Payload": {"StatusCode": 200, "body": "Hello from Lambda!"}}}
    }
  }
}`

func TestResponses(t *testing.T) {
	t.Parallel()
	c, err := mockconfig.Parse([]byte(awsExample))
	require.NoError(t, err)
	require.True(t, c.HasCase("LambdaSQSIntegration", "RetryPath"))
	require.False(t, c.HasCase("LambdaSQSIntegration", "Nope"))
	require.False(t, c.HasCase("Other", "HappyPath"))
	require.Equal(t, []string{"HappyPath", "HybridPath", "RetryPath"}, c.Cases("LambdaSQSIntegration"))

	for _, tc := range []struct {
		invocation int
		throw      string
	}{{0, "Lambda.ResourceNotReadyException"}, {1, "Lambda.TimeoutException"}, {2, "Lambda.TimeoutException"}, {3, ""}} {
		m, ok, err := c.Response("LambdaSQSIntegration", "RetryPath", "LambdaState", tc.invocation)
		require.NoError(t, err)
		require.True(t, ok)
		if tc.throw == "" {
			require.Nil(t, m.Throw)
			require.Equal(t, "Hello from Lambda!", m.Return.(map[string]any)["Payload"].(map[string]any)["body"])
			continue
		}
		require.Equal(t, tc.throw, m.Throw.Name, "invocation %d", tc.invocation)
	}
	_, ok, err := c.Response("LambdaSQSIntegration", "RetryPath", "LambdaState", 4)
	require.True(t, ok)
	require.True(t, errors.Is(err, mockconfig.ErrNoResponse), "%v", err)
	require.ErrorContains(t, err, "answers invocations 0, 1-2, 3, not invocation 4")

	_, ok, err = c.Response("LambdaSQSIntegration", "HybridPath", "SQSState", 0)
	require.NoError(t, err)
	require.False(t, ok, "a state the case does not mock runs for real")

	var nilConfig *mockconfig.Config
	_, ok, err = nilConfig.Response("LambdaSQSIntegration", "HappyPath", "LambdaState", 0)
	require.NoError(t, err)
	require.False(t, ok)
}

func TestMalformed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, config, pointer, problem string
	}{
		{"not JSON", `{`, "", "not valid JSON"},
		{"not an object", `[]`, "", "must be an object, not array"},
		{"misspelt top-level field", `{"MockedResponse": {}}`, "/MockedResponse", "unknown field"},
		{"unknown response", `{"StateMachines": {"M": {"TestCases": {"C": {"S": "R"}}}}, "MockedResponses": {"Q": {"0": {"Return": 1}}}}`, "/StateMachines/M/TestCases/C/S", `no mocked response is called "R"`},
		{"response name not a string", `{"StateMachines": {"M": {"TestCases": {"C": {"S": 3}}}}}`, "/StateMachines/M/TestCases/C/S", "must be the name of a mocked response"},
		{"no TestCases", `{"StateMachines": {"M": {}}}`, "/StateMachines/M/TestCases", "required"},
		{"bad key", `{"MockedResponses": {"R": {"first": {"Return": 1}}}}`, "/MockedResponses/R/first", "invocation key"},
		{"negative", `{"MockedResponses": {"R": {"-1": {"Return": 1}}}}`, "/MockedResponses/R/-1", "invocation key"},
		{"backwards range", `{"MockedResponses": {"R": {"3-1": {"Return": 1}}}}`, "/MockedResponses/R/3-1", "ends before it starts"},
		{"overlap", `{"MockedResponses": {"R": {"0-2": {"Return": 1}, "2": {"Return": 2}}}}`, "/MockedResponses/R", "invocation 2 is answered twice"},
		{"both", `{"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}}`, "/MockedResponses/R/0", "exactly one"},
		{"neither", `{"MockedResponses": {"R": {"0": {}}}}`, "/MockedResponses/R/0", "exactly one"},
		{"no error name", `{"MockedResponses": {"R": {"0": {"Throw": {"Cause": "c"}}}}}`, "/MockedResponses/R/0/Throw/Error", "required"},
		{"cause not text", `{"MockedResponses": {"R": {"0": {"Throw": {"Error": "E", "Cause": 1}}}}}`, "/MockedResponses/R/0/Throw/Cause", "must be a string"},
		{"empty response", `{"MockedResponses": {"R": {}}}`, "/MockedResponses/R", "at least one"},
		{"escaped pointer", `{"MockedResponses": {"a/b~c": {"x": {"Return": 1}}}}`, "/MockedResponses/a~1b~0c/x", "invocation key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := mockconfig.Parse([]byte(tc.config))
			var e *mockconfig.Error
			require.ErrorAs(t, err, &e)
			require.Equal(t, tc.pointer, e.Pointer)
			require.Contains(t, e.Problem, tc.problem)
		})
	}
}

func TestSourceReload(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "MockConfigFile.json")
	require.NoError(t, os.WriteFile(path, []byte(awsExample), 0o600))
	s, err := mockconfig.NewSource(path)
	require.NoError(t, err)
	require.True(t, s.Current().HasCase("LambdaSQSIntegration", "HappyPath"))

	require.NoError(t, os.WriteFile(path, []byte(`{"MockedResponses": {"R": {"x": {}}}}`), 0o600))
	require.ErrorContains(t, s.Reload(), "/MockedResponses/R/x")
	require.True(t, s.Current().HasCase("LambdaSQSIntegration", "HappyPath"), "a bad file keeps the configuration in use")

	require.NoError(t, os.WriteFile(path, []byte(`{"StateMachines": {"M": {"TestCases": {"C": {}}}}}`), 0o600))
	require.NoError(t, s.Reload())
	require.True(t, s.Current().HasCase("M", "C"))
	require.False(t, s.Current().HasCase("LambdaSQSIntegration", "HappyPath"))

	static := mockconfig.Static(nil)
	require.Nil(t, static.Current())
	static.Set(s.Current())
	require.True(t, static.Current().HasCase("M", "C"))

	var none *mockconfig.Source
	require.Nil(t, none.Current())
	require.NoError(t, none.Reload())

	_, err = mockconfig.NewSource(filepath.Join(t.TempDir(), "missing.json"))
	require.Error(t, err)
}
