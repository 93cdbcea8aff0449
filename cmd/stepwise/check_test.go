package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// TestSmCheck lists a machine's Task resources through the REST API and
// exits 0 only when every one is served.
func TestSmCheck(t *testing.T) {
	t.Parallel()
	a := newRemoteAPI(t)
	ep, key := "--endpoint="+a.endpoint, "--api-key="+testKey
	dir := t.TempDir()
	pay := writeFile(t, dir, "pay.json", `{"StartAt":"Pay","States":{
	  "Pay":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:process-payment","End":true}}}`)
	queue := writeFile(t, dir, "queue.json", `{"StartAt":"Pay","States":{
	  "Pay":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:process-payment","Next":"Queue"},
	  "Queue":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage","End":true}}}`)

	requireCLI(t, "sm", "create", "shop", pay, ep, key)
	out := requireCLI(t, "sm", "check", "shop", ep, key)
	require.Regexp(t, `RESOURCE\s+KIND\s+STATUS\s+SERVED BY\n`, out)
	require.Regexp(t, `function:process-payment\s+lambda\s+served\s+process-payment \(live\)\n`, out)

	// A version with an unbound integration fails the check.
	requireCLI(t, "sm", "update", "shop", queue, ep, key)
	code, out, stderr := cli(t, "sm", "check", "shop", ep, key)
	require.Equal(t, 1, code, stderr)
	require.Empty(t, stderr)
	require.Regexp(t, `arn:aws:states:::sqs:sendMessage\s+service\s+unbound\s+-\n`, out)
	require.Contains(t, out, "arn:aws:states:::sqs:sendMessage: no worker has registered sqs:sendMessage or sqs:*")

	code, out, _ = cli(t, "sm", "check", "shop", "-o", "json", ep, key)
	require.Equal(t, 1, code)
	var answer struct {
		Resources []struct {
			Resource, Kind, Status string
			ServedBy               []struct{ Name string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &answer), out)
	require.Len(t, answer.Resources, 2)
	for _, r := range answer.Resources {
		if r.Kind == "lambda" {
			require.Equal(t, "served", r.Status)
			require.Equal(t, "process-payment", r.ServedBy[0].Name)
		} else {
			require.Equal(t, "unbound", r.Status)
		}
	}

	// An API process whose engine binds sqs:sendMessage to an existing
	// activity reports the activity as serving it.
	bound := testengine.Start(t, a.engine.Pool(), &engine.Config{ActivityBindings: map[string]string{"sqs:sendMessage": "sqs-workers"}})
	_, err := bound.CreateActivity(context.Background(), "sqs-workers")
	require.NoError(t, err)
	out = requireCLI(t, "sm", "check", "shop", "--endpoint="+serveREST(t, bound), key)
	require.Regexp(t, `arn:aws:states:::sqs:sendMessage\s+service\s+served\s+activity sqs-workers\n`, out)
	require.Contains(t, out, "arn:aws:states:::sqs:sendMessage: sqs:sendMessage is bound to activity sqs-workers: the activity exists")

	code, _, stderr = cli(t, "sm", "check", "nope", ep, key)
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "nope")

	// In process, on the database: nothing ever registered process-payment.
	db := "--database=" + testkit.NewDatabase(t)
	requireCLI(t, "sm", "create", "shop", pay, db)
	code, out, _ = cli(t, "sm", "check", "shop", db)
	require.Equal(t, 1, code)
	require.Regexp(t, `function:process-payment\s+lambda\s+unbound\s+-\n`, out)

	code, _, stderr = cli(t, "sm", "check", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, stderr, "exit status: 0 when every resource is served")
}
