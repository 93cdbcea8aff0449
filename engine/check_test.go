package engine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
)

// checkDefinition holds a Task of every verdict: a lambda and a native
// function served here, an unbound sns:publish, an activity, a stale
// function and a dynamic lambda:invoke in Parallel branches, and Tasks in
// a Map item processor (one repeating a resource of the top level).
const checkDefinition = `{"StartAt":"Charge","States":{
  "Charge":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:charge","Next":"Approve"},
  "Approve":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:approve","Next":"Both"},
  "Both":{"Type":"Parallel","Next":"Each","Branches":[
    {"StartAt":"Legacy","States":{"Legacy":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
      "Parameters":{"FunctionName":"legacy","Payload.$":"$"},"End":true}}},
    {"StartAt":"Pick","States":{"Pick":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
      "Parameters":{"FunctionName.$":"$.fn"},"End":true}}}]},
  "Each":{"Type":"Map","ItemsPath":"$.items","Next":"Notify","ItemProcessor":{"StartAt":"Pack","States":{
    "Pack":{"Type":"Task","Resource":"stepwise:function:pack","Next":"Again"},
    "Again":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:charge","End":true}}}},
  "Notify":{"Type":"Task","Resource":"arn:aws:states:::sns:publish","End":true}}}`

func TestCheckStateMachine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := activities.NewRegistry()
	echo := func(_ context.Context, in map[string]any) (map[string]any, error) { return in, nil }
	activities.Register(reg, "charge", echo)
	activities.Register(reg, "pack", echo)
	e := testengine.New(t, reg, nil)

	// Another engine served "legacy" and stopped long ago.
	old := activities.NewRegistry()
	activities.Register(old, "legacy", echo)
	other := testengine.Start(t, e.Pool(), &engine.Config{Functions: old})
	require.NoError(t, other.Stop(ctx))
	_, err := e.Pool().Exec(ctx, `UPDATE stepwise_functions SET last_seen = now() - interval '1 hour' WHERE name = 'legacy'`)
	require.NoError(t, err)

	_, _, err = e.CreateStateMachine(ctx, "checked", engine.MachineSpec{Definition: checkDefinition})
	require.NoError(t, err)
	_, err = e.CreateActivity(ctx, "approve")
	require.NoError(t, err)

	checks, err := e.CheckStateMachine(ctx, "checked")
	require.NoError(t, err)
	got := map[string]engine.ResourceCheck{}
	for _, c := range checks {
		key := c.Resource
		if strings.HasSuffix(c.Resource, ":lambda:invoke") {
			key += " " + string(c.Status)
		}
		require.NotContains(t, got, key, "each resource once")
		got[key] = c
	}
	require.Len(t, got, 6)

	charge := got["arn:aws:lambda:us-east-1:123456789012:function:charge"]
	require.Equal(t, engine.ResourceServed, charge.Status)
	require.Equal(t, "lambda", charge.Kind)
	require.Equal(t, []string{"charge"}, charge.Names)
	require.Len(t, charge.ServedBy, 1)
	require.True(t, charge.ServedBy[0].Live)
	require.WithinDuration(t, time.Now(), charge.ServedBy[0].LastSeen, time.Minute)

	pack := got["stepwise:function:pack"]
	require.Equal(t, engine.ResourceServed, pack.Status, "a Task inside a Map item processor")
	require.Equal(t, "native", pack.Kind)

	approve := got["arn:aws:states:us-east-1:123456789012:activity:approve"]
	require.Equal(t, engine.ResourceServed, approve.Status)
	require.Equal(t, "activity", approve.Kind)
	require.Contains(t, approve.Problem, "not tracked")

	legacy := got["arn:aws:states:::lambda:invoke stale"]
	require.Equal(t, engine.ResourceStale, legacy.Status, "a Task inside a Parallel branch")
	require.Equal(t, "lambda:invoke", legacy.Kind)
	require.Equal(t, []string{"legacy"}, legacy.Names)
	require.Len(t, legacy.ServedBy, 1)
	require.False(t, legacy.ServedBy[0].Live)
	require.Contains(t, legacy.Problem, "legacy was last seen")

	pick := got["arn:aws:states:::lambda:invoke dynamic"]
	require.Equal(t, engine.ResourceDynamic, pick.Status)
	require.Contains(t, pick.Problem, "FunctionName from a path")
	require.Empty(t, pick.Kind)

	notify := got["arn:aws:states:::sns:publish"]
	require.Equal(t, engine.ResourceUnbound, notify.Status)
	require.Equal(t, "service", notify.Kind)
	require.Equal(t, []string{"sns:publish", "sns:*"}, notify.Names)
	require.Empty(t, notify.ServedBy)
	require.Contains(t, notify.Problem, "no worker has registered sns:publish or sns:*")

	// Once the activity is gone, it is unbound; a missing machine is an error.
	require.NoError(t, e.DeleteActivity(ctx, "approve"))
	checks, err = e.CheckStateMachine(ctx, "checked")
	require.NoError(t, err)
	for _, c := range checks {
		if c.Kind == "activity" {
			require.Equal(t, engine.ResourceUnbound, c.Status)
		}
	}
	_, err = e.CheckStateMachine(ctx, "nope")
	require.ErrorIs(t, err, engine.ErrStateMachineDoesNotExist)
}

// TestCheckStateMachineBindings: a service integration bound to an
// activity (Config.ActivityBindings) is served when the activity exists,
// unless a function registered under a more specific or equal name
// serves it.
func TestCheckStateMachineBindings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	reg := activities.NewRegistry()
	activities.RegisterIntegration(reg, "glue:startJobRun", func(_ context.Context, in map[string]any) (map[string]any, error) { return in, nil })
	e := testengine.Start(t, testkit.NewPool(t), &engine.Config{Functions: reg, ActivityBindings: map[string]string{
		"sqs:*": "sqs-workers", "glue:startJobRun.sync": "glue-jobs", "glue:*": "never", "events:putEvents": "missing",
	}})
	_, err := e.CreateActivity(ctx, "sqs-workers")
	require.NoError(t, err)
	_, err = e.CreateActivity(ctx, "glue-jobs")
	require.NoError(t, err)
	_, _, err = e.CreateStateMachine(ctx, "bound", engine.MachineSpec{Definition: `{"StartAt":"Send","States":{
	  "Send":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Next":"Job"},
	  "Job":{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun.sync","Next":"Start"},
	  "Start":{"Type":"Task","Resource":"arn:aws:states:::glue:startJobRun","Next":"Put"},
	  "Put":{"Type":"Task","Resource":"arn:aws:states:::events:putEvents","End":true}}}`})
	require.NoError(t, err)

	checks, err := e.CheckStateMachine(ctx, "bound")
	require.NoError(t, err)
	got := map[string]engine.ResourceCheck{}
	for _, c := range checks {
		got[strings.TrimPrefix(c.Resource, "arn:aws:states:::")] = c
	}
	require.Len(t, got, 4)

	send := got["sqs:sendMessage.waitForTaskToken"]
	require.Equal(t, engine.ResourceServed, send.Status)
	require.Equal(t, "service", send.Kind)
	require.Equal(t, "sqs-workers", send.Activity)
	require.Empty(t, send.ServedBy)
	require.Contains(t, send.Problem, "sqs:* is bound to activity sqs-workers: the activity exists")

	job := got["glue:startJobRun.sync"]
	require.Equal(t, engine.ResourceServed, job.Status)
	require.Equal(t, "glue-jobs", job.Activity, "the binding is more specific than the function")

	start := got["glue:startJobRun"]
	require.Equal(t, engine.ResourceServed, start.Status)
	require.Empty(t, start.Activity, "the function is more specific than the binding glue:*")
	require.Equal(t, "glue:startJobRun", start.ServedBy[0].Name)

	put := got["events:putEvents"]
	require.Equal(t, engine.ResourceUnbound, put.Status)
	require.Equal(t, "missing", put.Activity)
	require.Contains(t, put.Problem, "events:putEvents is bound to activity missing: activity missing does not exist")
}
