package engine_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

// expressLimit is the Express time limit of the engines of newExpress.
const expressLimit = 1500 * time.Millisecond

// newExpress starts an engine whose process serves the functions double
// ({"n": N} to {"n": 2N}), boom (fails with Boom) and stall (returns when
// its context ends), and the integration
// sqs:sendMessage (answers MessageId m-1 and the body), with a short
// Express time limit, and returns it with its database.
func newExpress(t *testing.T) (*engine.Engine, *pgxpool.Pool) {
	t.Helper()
	reg := expressFunctions()
	pool := testkit.NewPool(t)
	return testengine.Start(t, pool, &engine.Config{Functions: reg, ExpressTimeout: expressLimit,
		FetchPollInterval: testengine.FetchPollInterval}), pool
}

// expressFunctions is a registry of the functions double, boom, stall
// and sqs:sendMessage that newExpress describes.
func expressFunctions() *activities.Registry {
	reg := activities.NewRegistry()
	activities.Register(reg, "double", func(_ context.Context, in struct{ N int }) (map[string]int, error) {
		return map[string]int{"n": 2 * in.N}, nil
	})
	activities.Register(reg, "boom", func(context.Context, map[string]any) (map[string]any, error) {
		return nil, activities.NewError("Boom", "it went off")
	})
	activities.RegisterIntegration(reg, "sqs:sendMessage", func(_ context.Context, in map[string]any) (map[string]any, error) {
		return map[string]any{"MessageId": "m-1", "Body": in["MessageBody"]}, nil
	})
	activities.Register(reg, "stall", func(ctx context.Context, _ map[string]any) (map[string]any, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	return reg
}

// requireEnded checks how an EXPRESS execution ended: its status, its
// output (none when output is empty), its error, and that its cause
// contains causeHas.
func requireEnded(t *testing.T, res *engine.ExpressResult, status, output, errName, causeHas string) {
	t.Helper()
	require.Equal(t, status, res.Status, "%s: %s", res.Error, res.Cause)
	if output != "" {
		require.NotNil(t, res.Output)
		require.JSONEq(t, output, *res.Output)
	} else {
		require.Nil(t, res.Output)
	}
	require.Equal(t, errName, res.Error)
	require.Contains(t, res.Cause, causeHas)
}

// oneTask is a machine of one Task of resource, then End.
func oneTask(resource string) string {
	return fmt.Sprintf(`{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":%q,"End":true}}}`, resource)
}

func TestExpressTypeAtCreation(t *testing.T) {
	t.Parallel()
	e, _ := newExpress(t)
	ctx := context.Background()
	tests := []struct{ name, typ, want string }{
		{"plain", "", store.TypeStandard},
		{"standard", store.TypeStandard, store.TypeStandard},
		{"express", store.TypeExpress, store.TypeExpress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sm, _, err := e.CreateStateMachine(ctx, tt.name, engine.MachineSpec{Definition: oneTask(lambda("double")), Type: tt.typ})
			require.NoError(t, err)
			require.Equal(t, tt.want, sm.Type)
			mv, err := e.MachineVersion(ctx, tt.name, 0)
			require.NoError(t, err)
			require.Equal(t, tt.want, mv.Type)
		})
	}
	_, _, err := e.CreateStateMachine(ctx, "odd", engine.MachineSpec{Definition: oneTask(lambda("double")), Type: "QUICK"})
	require.ErrorIs(t, err, engine.ErrInvalidRequest)
}

func TestExpressRefusedDefinitions(t *testing.T) {
	t.Parallel()
	e, _ := newExpress(t)
	ctx := context.Background()
	distributed := `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED"%s},
		"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}}`
	inBranch := `{"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"Ok","States":{"Ok":{"Type":"Pass","End":true}}},
		{"StartAt":"Callback","States":{"Callback":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}]}}}`
	tests := []struct {
		name, definition, state, problem string
	}{
		{"sync", oneTask("arn:aws:states:::ecs:runTask.sync"), "Work", "(.sync)"},
		{"sync2", oneTask("arn:aws:states:::states:startExecution.sync:2"), "Work", "(.sync:2)"},
		{"callback", oneTask("arn:aws:states:::lambda:invoke.waitForTaskToken"), "Work", "(.waitForTaskToken)"},
		{"activity", oneTask("arn:aws:states:us-east-1:123456789012:activity:review"), "Work", "activities"},
		{"callback in a branch", inBranch, "Callback", "(.waitForTaskToken)"},
		{"distributed standard", fmt.Sprintf(distributed, ""), "Each", "Distributed Map"},
		{"distributed standard named", fmt.Sprintf(distributed, `,"ExecutionType":"STANDARD"`), "Each", "Distributed Map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := e.CreateStateMachine(ctx, "x-"+slug(tt.name), engine.MachineSpec{Definition: tt.definition, Type: store.TypeExpress})
			require.ErrorIs(t, err, engine.ErrInvalidDefinition)
			require.ErrorContains(t, err, fmt.Sprintf("state %q", tt.state))
			require.ErrorContains(t, err, tt.problem)

			// The same definition makes a STANDARD machine, which cannot be
			// updated into an EXPRESS one, and an EXPRESS machine refuses
			// it at update.
			_, _, err = e.CreateStateMachine(ctx, "s-"+slug(tt.name), engine.MachineSpec{Definition: tt.definition})
			require.NoError(t, err)
			_, err = e.UpdateStateMachine(ctx, "s-"+slug(tt.name), engine.MachineSpec{Definition: tt.definition, Type: store.TypeExpress})
			require.ErrorIs(t, err, engine.ErrInvalidRequest)
			require.ErrorContains(t, err, "fixed at creation")
			_, _, err = e.CreateStateMachine(ctx, "e-"+slug(tt.name), engine.MachineSpec{Definition: oneTask(lambda("double")), Type: store.TypeExpress})
			require.NoError(t, err)
			_, err = e.UpdateStateMachine(ctx, "e-"+slug(tt.name), engine.MachineSpec{Definition: tt.definition})
			require.ErrorIs(t, err, engine.ErrInvalidDefinition)
			require.ErrorContains(t, err, fmt.Sprintf("state %q", tt.state))
		})
	}
	ok := fmt.Sprintf(distributed, `,"ExecutionType":"EXPRESS"`)
	_, _, err := e.CreateStateMachine(ctx, "express-children", engine.MachineSpec{Definition: ok, Type: store.TypeExpress})
	require.NoError(t, err, "a Distributed Map of EXPRESS children is allowed")
	diags := engine.ValidateMachineSpec(engine.MachineSpec{Definition: oneTask("arn:aws:states:::ecs:runTask.sync"), Type: store.TypeExpress})
	require.Len(t, diags, 1)
	require.Equal(t, "/States/Work/Resource", diags[0].Pointer)
}

// expressCase is an EXPRESS execution to run and how it must end: its
// status, output, error, a part of its cause, and the least time it
// takes.
type expressCase struct {
	name, definition, input string
	status, output, errName string
	causeHas                string
	minTaken                time.Duration
}

// taskCases are runs of Task states that end alike whether the function
// runs in the process that runs the execution or in another one.
func taskCases() []expressCase {
	return []expressCase{
		{name: "succeeds", definition: oneTask(lambda("double")), input: `{"n":21}`, status: "SUCCEEDED", output: `{"n":42}`},
		{name: "fails", definition: oneTask(lambda("boom")), status: "FAILED", errName: "Boom", causeHas: "it went off"},
		{name: "caught", definition: `{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"` + lambda("boom") + `",
			"Catch":[{"ErrorEquals":["Boom"],"ResultPath":"$.error","Next":"Done"}],"End":true},"Done":{"Type":"Pass","End":true}}}`,
			input: `{"n":1}`, status: "SUCCEEDED", output: `{"error":{"Cause":"it went off","Error":"Boom"},"n":1}`},
		{name: "unserved", definition: oneTask(lambda("elsewhere")), status: "FAILED", errName: asl.ErrorRuntime,
			causeHas: "no worker has registered a function for resource " + lambda("elsewhere")},
		{name: "map", definition: `{"StartAt":"Each","States":{"Each":{"Type":"Map","ItemsPath":"$.items","End":true,
			"ItemProcessor":{"StartAt":"D","States":{"D":{"Type":"Task","Resource":"` + lambda("double") + `","End":true}}}}}}`,
			input: `{"items":[{"n":1},{"n":2},{"n":3}]}`, status: "SUCCEEDED", output: `[{"n":2},{"n":4},{"n":6}]`},
	}
}

// runCase creates the EXPRESS machine of case tt, named after it, runs
// it as run-1 with StartSyncExpress and checks how it ended.
func runCase(t *testing.T, e *engine.Engine, tt expressCase) *engine.ExpressResult {
	t.Helper()
	ctx := context.Background()
	name := slug(tt.name)
	_, _, err := e.CreateStateMachine(ctx, name, engine.MachineSpec{Definition: tt.definition, Type: store.TypeExpress})
	require.NoError(t, err)
	began := time.Now()
	res, err := e.StartSyncExpress(ctx, engine.StartInput{StateMachine: name, Name: "run-1", Input: tt.input})
	require.NoError(t, err)
	require.GreaterOrEqual(t, time.Since(began), tt.minTaken)
	requireEnded(t, res, tt.status, tt.output, tt.errName, tt.causeHas)
	return res
}

// slug makes a test name a machine name.
func slug(s string) string { return regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(s, "-") }

func TestExpressSyncRuns(t *testing.T) {
	t.Parallel()
	e, pool := newExpress(t)
	ctx := context.Background()
	tests := append(taskCases(), []expressCase{
		{name: "integration", definition: `{"StartAt":"Send","States":{"Send":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage",
			"Parameters":{"QueueUrl":"q","MessageBody.$":"$.n"},"End":true}}}`, input: `{"n":7}`, status: "SUCCEEDED", output: `{"MessageId":"m-1","Body":7}`},
		{name: "parallel", definition: `{"StartAt":"Both","States":{"Both":{"Type":"Parallel","End":true,"Branches":[
			{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"` + lambda("double") + `","End":true}}},
			{"StartAt":"B","States":{"B":{"Type":"Pass","Result":"b","End":true}}}]}}}`,
			input: `{"n":2}`, status: "SUCCEEDED", output: `[{"n":4},"b"]`},
		{name: "wait waits", definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"End":true}}}`,
			input: `{"x":1}`, status: "SUCCEEDED", output: `{"x":1}`, minTaken: time.Second},
		{name: "times out", definition: `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`,
			status: "TIMED_OUT", errName: asl.ErrorTimeout, minTaken: expressLimit},
		{name: "task past the limit", definition: `{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"` + lambda("stall") + `",
			"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Done"}],"End":true},"Done":{"Type":"Pass","End":true}}}`,
			status: "TIMED_OUT", errName: asl.ErrorTimeout, minTaken: expressLimit},
		{name: "machine timeout", definition: `{"TimeoutSeconds":1,"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`,
			status: "TIMED_OUT", errName: asl.ErrorTimeout, minTaken: time.Second},
	}...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name := slug(tt.name)
			res := runCase(t, e, tt)
			sm, err := e.MachineVersion(ctx, name, 0)
			require.NoError(t, err)
			require.Regexp(t, `^arn:aws:states:us-east-1:000000000000:express:`+name+`:run-1:[0-9a-f-]{36}$`, res.ExecutionARN)
			require.Equal(t, sm.ARN, res.StateMachineARN)
			require.Equal(t, "run-1", res.Name)
			require.False(t, res.StopDate.Before(res.StartDate))
			require.Equal(t, 64, res.BilledMemoryMB)
			require.GreaterOrEqual(t, res.BilledDuration, 100*time.Millisecond)
			require.Zero(t, res.BilledDuration%(100*time.Millisecond))
		})
	}
	t.Cleanup(func() { requireNothingRecorded(t, pool) })
}

// requireNothingRecorded checks that no execution and no history event
// was written.
func requireNothingRecorded(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	for _, table := range []string{"stepwise_executions", "stepwise_events"} {
		var n int
		require.NoError(t, pool.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n))
		require.Zero(t, n, "rows in %s", table)
	}
}

func TestExpressUnsupported(t *testing.T) {
	t.Parallel()
	e, _ := newExpress(t)
	ctx := context.Background()
	_, _, err := e.CreateStateMachine(ctx, "fast", engine.MachineSpec{Definition: oneTask(lambda("double")), Type: store.TypeExpress})
	require.NoError(t, err)
	_, _, err = e.CreateStateMachine(ctx, "slow", engine.MachineSpec{Definition: oneTask(lambda("double"))})
	require.NoError(t, err)
	tests := []struct {
		name string
		call func() error
		want error
		has  string
	}{
		{"durable StartSync of an express machine", func() error {
			_, _, err := e.StartSync(ctx, engine.StartInput{StateMachine: "fast"})
			return err
		}, engine.ErrStateMachineTypeNotSupported, "StartSyncExpress"},
		{"express run of a standard machine", func() error {
			_, err := e.StartSyncExpress(ctx, engine.StartInput{StateMachine: "slow"})
			return err
		}, engine.ErrStateMachineTypeNotSupported, "STANDARD"},
		{"bad input", func() error {
			_, err := e.StartSyncExpress(ctx, engine.StartInput{StateMachine: "fast", Input: "{"})
			return err
		}, engine.ErrInvalidExecutionInput, "JSON"},
		{"missing machine", func() error {
			_, err := e.StartSyncExpress(ctx, engine.StartInput{StateMachine: "none"})
			return err
		}, engine.ErrStateMachineDoesNotExist, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.call()
			require.ErrorIs(t, err, tt.want)
			require.ErrorContains(t, err, tt.has)
		})
	}
}
