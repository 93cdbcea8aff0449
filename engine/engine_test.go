package engine_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/asl"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/internal/history"
	"github.com/stepwise-run/stepwise/internal/testkit"
	"github.com/stepwise-run/stepwise/internal/testkit/testengine"
	"github.com/stepwise-run/stepwise/store"
)

func lambda(name string) string {
	return "arn:aws:lambda:us-east-1:123456789012:function:" + name
}

func TestStartIsIdempotentByName(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("m", single(`{"Type":"Pass","End":true}`))
	ctx := context.Background()
	a, created, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Name: "n", Input: `{"a":1}`})
	require.NoError(t, err)
	require.True(t, created)
	b, created, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Name: "n", Input: `{ "a" : 1 }`})
	require.NoError(t, err)
	require.False(t, created)
	require.Equal(t, a.ARN, b.ARN)
	_, _, err = h.e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Name: "n", Input: `{"a":2}`})
	require.ErrorIs(t, err, engine.ErrExecutionAlreadyExists)
	_, _, err = h.e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Name: "bad name", Input: `{}`})
	require.ErrorIs(t, err, engine.ErrInvalidName)
	_, _, err = h.e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Input: `{"a":`})
	require.ErrorIs(t, err, engine.ErrInvalidExecutionInput)
	_, _, err = h.e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Input: `"` + strings.Repeat("x", 300*1024) + `"`})
	require.ErrorIs(t, err, engine.ErrInvalidExecutionInput)
	_, _, err = h.e.StartExecution(ctx, engine.StartInput{StateMachine: "nope"})
	require.ErrorIs(t, err, engine.ErrStateMachineDoesNotExist)
}

// Starts of one name at the same moment, which the engine commits in
// shared transactions, create one execution; the others get it back, and
// the starts of other names beside them are not held up.
func TestConcurrentStartsOfOneName(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("m", single(`{"Type":"Pass","End":true}`))
	ctx := context.Background()
	const n = 16
	arns := make([]string, n)
	created := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := "same"
			if i%2 == 1 {
				name = fmt.Sprintf("other-%d", i)
			}
			exec, c, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Name: name, Input: `{"a":1}`})
			errs[i], created[i] = err, c
			if exec != nil {
				arns[i] = exec.ARN
			}
		}()
	}
	wg.Wait()
	first := 0
	for i := 0; i < n; i++ {
		require.NoError(t, errs[i])
		if i%2 == 1 {
			require.True(t, created[i])
			require.Equal(t, store.StatusSucceeded, h.wait(arns[i]).Status)
			continue
		}
		require.Equal(t, arns[0], arns[i])
		if created[i] {
			first++
		}
	}
	require.Equal(t, 1, first, "one start of the name creates the execution")
}

func TestInputSchema(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	_, _, err := h.e.CreateStateMachine(ctx, "typed", engine.MachineSpec{
		Definition:  single(`{"Type":"Pass","End":true}`),
		InputSchema: `{"type":"object","required":["orderId"],"properties":{"orderId":{"type":"string"},"n":{"type":"integer"}}}`,
	})
	require.NoError(t, err)
	_, _, err = h.e.StartExecution(ctx, engine.StartInput{StateMachine: "typed", Input: `{"n":1}`})
	require.ErrorIs(t, err, engine.ErrInvalidExecutionInput)
	require.Contains(t, err.Error(), "orderId")
	requireSucceeded(t, h.run("typed", "ok", `{"orderId":"x","n":3}`), `{"orderId":"x","n":3}`)
	_, _, err = h.e.CreateStateMachine(ctx, "broken", engine.MachineSpec{Definition: `{"StartAt":"X","States":{}}`})
	require.ErrorIs(t, err, engine.ErrInvalidDefinition)
}

func TestVersionsArePinned(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	ctx := context.Background()
	v1 := `{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"R"},"R":{"Type":"Pass","Result":"v1","End":true}}}`
	h.machine("pinned", v1)
	first, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "pinned", Name: "first"})
	require.NoError(t, err)
	v, err := h.e.UpdateStateMachine(ctx, "pinned", engine.MachineSpec{Definition: single(`{"Type":"Pass","Result":"v2","End":true}`)})
	require.NoError(t, err)
	require.Equal(t, 2, v.Version)
	requireSucceeded(t, h.wait(first.ARN), `"v1"`)
	requireSucceeded(t, h.run("pinned", "second", `{}`), `"v2"`)
	old, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "pinned", Name: "third", Version: 1})
	require.NoError(t, err)
	requireSucceeded(t, h.wait(old.ARN), `"v1"`)
}

// An engine reuses the machine version it read for a start for a second.
// A machine another engine deleted meanwhile still cannot be started, and
// another engine's update is used within that second. Deleting a machine
// deletes its executions' histories.
func TestMachineVersionsAcrossEngines(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	other := testengine.Start(t, h.e.Pool(), &engine.Config{})
	ctx := context.Background()
	h.machine("shared", single(`{"Type":"Pass","Result":"v1","End":true}`))
	first := h.run("shared", "a", `{}`)
	requireSucceeded(t, first, `"v1"`)
	_, err := other.UpdateStateMachine(ctx, "shared", engine.MachineSpec{Definition: single(`{"Type":"Pass","Result":"v2","End":true}`)})
	require.NoError(t, err)
	time.Sleep(1100 * time.Millisecond)
	requireSucceeded(t, h.run("shared", "b", `{}`), `"v2"`)
	require.NoError(t, other.DeleteStateMachine(ctx, "shared", false))
	_, _, err = h.e.StartExecution(ctx, engine.StartInput{StateMachine: "shared", Name: "c"})
	require.ErrorIs(t, err, engine.ErrStateMachineDoesNotExist)
	var events int
	require.NoError(t, h.e.Pool().QueryRow(ctx, `SELECT count(*) FROM stepwise_events WHERE execution_id = $1`, first.ID).Scan(&events))
	require.Zero(t, events, "a deleted machine's executions take their history with them")
}

func single(state string) string {
	return `{"StartAt":"S","States":{"S":` + state + `}}`
}

func TestUnknownFunctionFailsAtOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("ghost", single(`{"Type":"Task","Resource":"`+lambda("nobody-serves-this")+`","End":true}`))
	exec := h.run("ghost", "g", `{}`)
	requireFailed(t, exec, "States.Runtime")
	require.Contains(t, *exec.Cause, "nobody-serves-this")
}

func TestMapConcurrencyAndOrder(t *testing.T) {
	t.Parallel()
	var running, peak atomic.Int64
	h := newHarness(t, func(reg *activities.Registry) {
		activities.Register(reg, "square", func(ctx context.Context, n int64) (int64, error) {
			now := running.Add(1)
			defer running.Add(-1)
			for {
				p := peak.Load()
				if now <= p || peak.CompareAndSwap(p, now) {
					break
				}
			}
			time.Sleep(20 * time.Millisecond)
			return n * n, nil
		})
	})
	h.machine("squares", single(`{"Type":"Map","MaxConcurrency":3,"ItemProcessor":{"StartAt":"Sq","States":{
		"Sq":{"Type":"Task","Resource":"`+lambda("square")+`","End":true}}},"End":true}`))
	items := make([]string, 20)
	want := make([]string, 20)
	for i := range items {
		items[i] = fmt.Sprint(i)
		want[i] = fmt.Sprint(i * i)
	}
	exec := h.run("squares", "sq", "["+strings.Join(items, ",")+"]")
	requireSucceeded(t, exec, "["+strings.Join(want, ",")+"]")
	require.LessOrEqual(t, peak.Load(), int64(3), "MaxConcurrency bounds running iterations")
	require.Equal(t, 20, count(h.events(exec), history.MapIterationSucceeded))
}

func count(events []string, typ string) int {
	n := 0
	for _, e := range events {
		if e == typ {
			n++
		}
	}
	return n
}

func TestMapToleratedFailures(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(reg *activities.Registry) {
		activities.Register(reg, "odd-fails", func(ctx context.Context, n int64) (int64, error) {
			if n%2 == 1 {
				return 0, activities.NewError("Odd", fmt.Sprint(n))
			}
			return n, nil
		})
	})
	proc := `"ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"` + lambda("odd-fails") + `","End":true}}}`
	h.machine("tolerant", single(`{"Type":"Map","ToleratedFailureCount":2,`+proc+`,"End":true}`))
	h.machine("strict", single(`{"Type":"Map","ToleratedFailurePercentage":10,`+proc+`,"End":true}`))
	requireSucceeded(t, h.run("tolerant", "t", `[0,1,2,3]`), `[0,{"Error":"Odd","Cause":"1"},2,{"Error":"Odd","Cause":"3"}]`)
	requireFailed(t, h.run("strict", "s", `[0,1,2,3]`), "States.ExceedToleratedFailureThreshold")
}

// TestMapIterationsEndingAtOnce runs Maps whose iterations end as they
// begin, more of them than one change begins: an iteration that fails
// ends the fork among siblings begun in the same transaction (Catch), or
// is tolerated and keeps its place in the results.
func TestMapIterationsEndingAtOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	proc := `"ItemSelector":{"i.$":"$$.Map.Item.Index"},"ItemProcessor":{"StartAt":"C","States":{
		"C":{"Type":"Choice","Choices":[{"Variable":"$.i","NumericEquals":2500,"Next":"F"}],"Default":"P"},
		"F":{"Type":"Fail","Error":"Boom","Cause":"item 2500"},
		"P":{"Type":"Pass","OutputPath":"$.i","End":true}}}`
	h.machine("caught", `{"StartAt":"M","States":{
		"M":{"Type":"Map",`+proc+`,"Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"End":true},
		"Caught":{"Type":"Pass","End":true}}}`)
	h.machine("tolerant", single(`{"Type":"Map","ToleratedFailureCount":1,`+proc+`,"End":true}`))
	items := make([]string, 3000)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	input := "[" + strings.Join(items, ",") + "]"
	requireSucceeded(t, h.run("caught", "c", input), `{"Error":"Boom","Cause":"item 2500"}`)
	exec := h.run("tolerant", "t", input)
	requireSucceeded(t, exec, "")
	out := decode(t, *exec.Output).([]any)
	require.Len(t, out, 3000)
	require.Equal(t, map[string]any{"Error": "Boom", "Cause": "item 2500"}, out[2500])
	require.EqualValues(t, 2999, out[2999])
}

// TestForkAgainInOneChange runs a Parallel and a Map that fail at once
// and are caught back into themselves in the same transaction: the second
// attempt's children, created in memory like the first's, replace them.
func TestForkAgainInOneChange(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	branch := func(n int) string {
		return fmt.Sprintf(`{"StartAt":"C%[1]d","States":{
		"C%[1]d":{"Type":"Choice","Choices":[{"Variable":"$.attempt","NumericEquals":0,"Next":"F%[1]d"}],"Default":"P%[1]d"},
		"F%[1]d":{"Type":"Fail","Error":"First"},"P%[1]d":{"Type":"Pass","End":true}}}`, n)
	}
	again := `"Catch":[{"ErrorEquals":["First"],"ResultPath":null,"Next":"Bump"}],"End":true},
		"Bump":{"Type":"Pass","Parameters":{"attempt":1,"items":[1,2,3]},"Next":"Fork"}}}`
	h.machine("parallel", `{"StartAt":"Fork","States":{"Fork":{"Type":"Parallel","Branches":[`+branch(1)+`,`+branch(2)+`],`+again)
	h.machine("map", `{"StartAt":"Fork","States":{"Fork":{"Type":"Map","ItemsPath":"$.items",
		"ItemSelector":{"attempt.$":"$.attempt","i.$":"$$.Map.Item.Value"},"ItemProcessor":`+branch(1)+`,`+again)
	input := `{"attempt":0,"items":[1,2,3]}`
	requireSucceeded(t, h.run("parallel", "p", input), `[{"attempt":1,"items":[1,2,3]},{"attempt":1,"items":[1,2,3]}]`)
	requireSucceeded(t, h.run("map", "m", input), `[{"attempt":1,"i":1},{"attempt":1,"i":2},{"attempt":1,"i":3}]`)
}

func TestParallelFailureStopsSiblings(t *testing.T) {
	t.Parallel()
	cancelled := make(chan struct{})
	h := newHarness(t, func(reg *activities.Registry) {
		activities.Register(reg, "slow", func(ctx context.Context, _ any) (any, error) {
			select {
			case <-ctx.Done():
				close(cancelled)
				return nil, ctx.Err()
			case <-time.After(20 * time.Second):
				return "finished", nil
			}
		})
	})
	h.machine("par", single(`{"Type":"Parallel","End":true,"Branches":[
		{"StartAt":"Slow","States":{"Slow":{"Type":"Task","Resource":"`+lambda("slow")+`","End":true}}},
		{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":1,"Next":"F"},"F":{"Type":"Fail","Error":"Boom","Cause":"b"}}}]}`))
	start := time.Now()
	requireFailed(t, h.run("par", "p", `{}`), "Boom")
	require.Less(t, time.Since(start), 15*time.Second)
	testkit.Receive(t, cancelled, 10*time.Second, "cancellation of the running sibling's context")
}

func TestStopCancelsRunningTask(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	cancelled := make(chan struct{})
	h := newHarness(t, func(reg *activities.Registry) {
		activities.Register(reg, "forever", func(ctx context.Context, _ any) (any, error) {
			close(started)
			<-ctx.Done()
			close(cancelled)
			return nil, ctx.Err()
		})
	})
	h.machine("long", single(`{"Type":"Task","Resource":"`+lambda("forever")+`","End":true}`))
	ctx := context.Background()
	exec, _, err := h.e.StartExecution(ctx, engine.StartInput{StateMachine: "long", Name: "l"})
	require.NoError(t, err)
	<-started
	stopped, err := h.e.StopExecution(ctx, exec.ARN, "User.Cancel", "changed my mind")
	require.NoError(t, err)
	require.Equal(t, store.StatusAborted, stopped.Status)
	testkit.Receive(t, cancelled, 10*time.Second, "cancellation of the task's context")
	events := h.events(stopped)
	require.Equal(t, history.ExecutionAborted, events[len(events)-1])
	_, err = h.e.StopExecution(ctx, exec.ARN, "", "")
	require.ErrorIs(t, err, engine.ErrExecutionNotRunning)
}

func TestTimeouts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(reg *activities.Registry) {
		activities.Register(reg, "sleepy", func(ctx context.Context, _ any) (any, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		})
	})
	h.machine("task-timeout", single(`{"Type":"Task","Resource":"`+lambda("sleepy")+`","TimeoutSeconds":1,"End":true}`))
	h.machine("heartbeat", single(`{"Type":"Task","Resource":"`+lambda("sleepy")+`","HeartbeatSeconds":1,"TimeoutSeconds":30,"End":true}`))
	h.machine("caught", `{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"`+lambda("sleepy")+`","TimeoutSeconds":1,
		"Catch":[{"ErrorEquals":["States.Timeout"],"Next":"Late"}],"End":true},"Late":{"Type":"Pass","Result":"late","End":true}}}`)
	h.machine("exec-timeout", `{"StartAt":"W","TimeoutSeconds":1,"States":{"W":{"Type":"Wait","Seconds":30,"End":true}}}`)
	var wg sync.WaitGroup
	results := map[string]*store.Execution{}
	var mu sync.Mutex
	for _, name := range []string{"task-timeout", "heartbeat", "caught", "exec-timeout"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			exec := h.run(name, name, `{}`)
			mu.Lock()
			results[name] = exec
			mu.Unlock()
		}()
	}
	wg.Wait()
	requireFailed(t, results["task-timeout"], "States.Timeout")
	requireFailed(t, results["heartbeat"], "States.HeartbeatTimeout")
	requireSucceeded(t, results["caught"], `"late"`)
	require.Equal(t, store.StatusTimedOut, results["exec-timeout"].Status)
	require.Contains(t, h.events(results["task-timeout"]), history.TaskTimedOut)
}

func TestRetryCountsAreStored(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	h := newHarness(t, func(reg *activities.Registry) {
		activities.Register(reg, "flaky", func(ctx context.Context, _ any) (any, error) {
			info, _ := activities.Info(ctx)
			if calls.Add(1) < 3 {
				return nil, activities.NewError("Flaky", fmt.Sprint(info.Attempt))
			}
			return map[string]any{"attempt": info.Attempt}, nil
		})
	})
	h.machine("retry", single(`{"Type":"Task","Resource":"`+lambda("flaky")+`","Retry":[{"ErrorEquals":["Flaky"],"IntervalSeconds":1,"BackoffRate":1,"MaxAttempts":2}],"End":true}`))
	exec := h.run("retry", "r", `{}`)
	requireSucceeded(t, exec, `{"attempt":2}`)
	events := h.events(exec)
	require.Equal(t, 3, count(events, history.TaskScheduled))
	require.Equal(t, 2, count(events, history.TaskFailed))
}

func TestRedriveKeepsWhatSucceeded(t *testing.T) {
	t.Parallel()
	var fail atomic.Bool
	fail.Store(true)
	var calls sync.Map
	h := newHarness(t, func(reg *activities.Registry) {
		activities.Register(reg, "item", func(ctx context.Context, n int64) (int64, error) {
			v, _ := calls.LoadOrStore(n, new(atomic.Int64))
			v.(*atomic.Int64).Add(1)
			if n == 2 && fail.Load() {
				return 0, activities.NewError("Broken", "item 2")
			}
			return n * 10, nil
		})
	})
	h.machine("redrive", `{"StartAt":"Each","States":{"Each":{"Type":"Map","MaxConcurrency":1,"ItemProcessor":{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"`+lambda("item")+`","End":true}}},"Next":"Done"},"Done":{"Type":"Pass","End":true}}}`)
	exec := h.run("redrive", "x", `[1,2,3]`)
	requireFailed(t, exec, "Broken")
	fail.Store(false)
	again, err := h.e.RedriveExecution(context.Background(), exec.ARN)
	require.NoError(t, err)
	require.Equal(t, 1, again.RedriveCount)
	requireSucceeded(t, h.wait(exec.ARN), `[10,20,30]`)
	one, _ := calls.Load(int64(1))
	require.Equal(t, int64(1), one.(*atomic.Int64).Load(), "a succeeded iteration is not run again")
	_, err = h.e.RedriveExecution(context.Background(), exec.ARN)
	require.ErrorIs(t, err, engine.ErrExecutionNotRedrivable)
}

func TestDataLimit(t *testing.T) {
	t.Parallel()
	h := newHarness(t, func(reg *activities.Registry) {
		activities.Register(reg, "big", func(ctx context.Context, _ any) (string, error) {
			return strings.Repeat("x", asl.PayloadLimit+1), nil
		})
	})
	h.machine("big", single(`{"Type":"Task","Resource":"`+lambda("big")+`","End":true}`))
	requireFailed(t, h.run("big", "b", `{}`), "States.DataLimitExceeded")
}

// TestMapOfTenThousandItems runs a Map over 10,000 items with
// MaxConcurrency 100; the items live in child runs in the database, not in
// the engine's memory, and the results come back in order. Its 40,000
// events are past AWS's history quota, which would fail it (a Distributed
// Map is AWS's way to 10,000 items): this engine's quota is raised.
func TestMapOfTenThousandItems(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 child runs; skipped with -short")
	}
	t.Parallel()
	h := newLimitedHarness(t, 100000)
	h.machine("big-map", single(`{"Type":"Map","MaxConcurrency":100,"ItemSelector":{"i.$":"$$.Map.Item.Index"},
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","OutputPath":"$.i","End":true}}},"End":true}`))
	items := make([]string, 10000)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	started, _, err := h.e.StartExecution(context.Background(), engine.StartInput{StateMachine: "big-map", Name: "big", Input: "[" + strings.Join(items, ",") + "]"})
	require.NoError(t, err)
	begin := time.Now()
	exec := h.waitFor(started.ARN, 5*time.Minute)
	t.Logf("10,000 iterations in %s", time.Since(begin).Round(time.Millisecond))
	requireSucceeded(t, exec, "")
	out := decode(t, *exec.Output).([]any)
	require.Len(t, out, 10000)
	for i, v := range out {
		require.Equal(t, int64(i), v)
	}
}

// TestMapInputsBounded fails a Map whose iteration inputs together would
// exceed the engine's bound (each alone is within the payload limit).
func TestMapInputsBounded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.machine("copies", single(`{"Type":"Map","ItemsPath":"$.items","ItemSelector":{"blob.$":"$.blob","i.$":"$$.Map.Item.Value"},
		"ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","OutputPath":"$.i","End":true}}},"End":true}`))
	items := make([]string, 700)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	input := `{"blob":"` + strings.Repeat("x", 100_000) + `","items":[` + strings.Join(items, ",") + `]}`
	requireFailed(t, h.run("copies", "c", input), asl.ErrorDataLimitExceeded)
}
