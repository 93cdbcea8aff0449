package rest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/web/internal/webtest"
)

func TestStateMachineResources(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil)
	a.Machine("shop", `{"StartAt":"Pay","States":{
	  "Pay":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:process-payment","Next":"Queue"},
	  "Queue":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","End":true}}}`)

	got := a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/shop/resources", nil)
	resources := got["resources"].([]any)
	require.Len(t, resources, 2)
	byResource := map[string]map[string]any{}
	for _, r := range resources {
		byResource[r.(map[string]any)["resource"].(string)] = r.(map[string]any)
	}

	pay := byResource["arn:aws:lambda:us-east-1:123456789012:function:process-payment"]
	require.Equal(t, "served", pay["status"])
	require.Equal(t, "lambda", pay["kind"])
	require.Equal(t, []any{"process-payment"}, pay["names"])
	servedBy := pay["servedBy"].([]any)
	require.Len(t, servedBy, 1)
	fn := servedBy[0].(map[string]any)
	require.Equal(t, "process-payment", fn["name"])
	require.Equal(t, true, fn["live"])
	seen, err := time.Parse(time.RFC3339Nano, fn["lastSeen"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, time.Now(), seen, time.Minute)
	require.NotContains(t, pay, "problem")

	queue := byResource["arn:aws:states:::sqs:sendMessage"]
	require.Equal(t, "unbound", queue["status"])
	require.Equal(t, "service", queue["kind"])
	require.Equal(t, []any{"sqs:sendMessage", "sqs:*"}, queue["names"])
	require.Equal(t, []any{}, queue["servedBy"])
	require.Contains(t, queue["problem"], "no worker has registered")

	a.ExpectError(http.StatusNotFound, "StateMachineDoesNotExist", http.MethodGet, "/v1/state-machines/nope/resources", nil)
}

// TestStateMachineResourcesBound: a service integration bound to an
// activity (engine.Config.ActivityBindings) names the activity.
func TestStateMachineResourcesBound(t *testing.T) {
	t.Parallel()
	a := webtest.New(t, nil).Beside(&engine.Config{ActivityBindings: map[string]string{"sqs:sendMessage": "sqs-workers"}})
	a.Machine("queue", `{"StartAt":"Queue","States":{"Queue":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","End":true}}}`)

	queue := a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/queue/resources", nil)["resources"].([]any)[0].(map[string]any)
	require.Equal(t, "unbound", queue["status"])
	require.Equal(t, "sqs-workers", queue["activity"])
	require.Contains(t, queue["problem"], "sqs:sendMessage is bound to activity sqs-workers: activity sqs-workers does not exist")

	_, err := a.E.CreateActivity(context.Background(), "sqs-workers")
	require.NoError(t, err)
	queue = a.Expect(http.StatusOK, http.MethodGet, "/v1/state-machines/queue/resources", nil)["resources"].([]any)[0].(map[string]any)
	require.Equal(t, "served", queue["status"])
	require.Equal(t, "sqs-workers", queue["activity"])
	require.Equal(t, []any{}, queue["servedBy"])
}
