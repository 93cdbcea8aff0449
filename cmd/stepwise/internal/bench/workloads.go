package bench

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/activities"
	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/examples"
	"github.com/stepwise-run/stepwise/examples/orders"
	"github.com/stepwise-run/stepwise/store"
)

// The workloads, in the order they run; count is the full size.
var workloads = []workload{
	{"river-noop", 20000, riverNoop},
	{"one-task", 5000, oneTask},
	{"transitions", 20000, transitions},
	{"transitions-jsonata", 20000, transitionsJSONata},
	{"saga", 2000, saga},
	{"map-10k", 10000, mapItems},
	{"map-distributed-100k", 100000, distributedMap},
	{"parallel-10", 500, parallel},
	{"parked", 1000, parked},
	{"http-start", 10000, httpStart},
	{"sync-one-task", 1000, syncOneTask},
	{"express-sync", 1000, expressSync},
	{"express-sync-100", 20000, expressSyncMany},
	{"express-waiting", 10000, expressWaiting},
	{"express-async", 5000, expressAsync},
	{"sync-three-tasks", 5000, syncThreeTasks},
	{"dispatch-latency", 1000, dispatchLatency},
	{"overload", 60, overload}, // seconds
}

// optIn are the workloads that run only when named, after the others.
var optIn = []workload{
	{"soak", 1800, soak}, // seconds
}

// starters is how many goroutines start executions at once, as many
// clients of an API would.
const starters = 32

const noopARN = "arn:aws:lambda:us-east-1:123456789012:function:noop"

// noopFunctions serves "noop", which returns its input.
func noopFunctions() *activities.Registry {
	reg := activities.NewRegistry()
	activities.Register(reg, "noop", func(ctx context.Context, in any) (any, error) { return in, nil })
	return reg
}

func oneState(state string) string {
	return `{"StartAt":"S","States":{"S":` + state + `}}`
}

var oneTaskMachine = oneState(`{"Type":"Task","Resource":"` + noopARN + `","End":true}`)

// tenStates mixes five Tasks with Pass and Choice states.
var tenStates = `{"StartAt":"P1","States":{
	"P1":{"Type":"Pass","Result":1,"ResultPath":"$.k","Next":"T1"},
	"T1":{"Type":"Task","Resource":"` + noopARN + `","Next":"C1"},
	"C1":{"Type":"Choice","Choices":[{"Variable":"$.k","NumericEquals":1,"Next":"T2"}],"Default":"T2"},
	"T2":{"Type":"Task","Resource":"` + noopARN + `","Next":"P2"},
	"P2":{"Type":"Pass","Next":"T3"},
	"T3":{"Type":"Task","Resource":"` + noopARN + `","Next":"C2"},
	"C2":{"Type":"Choice","Choices":[{"Variable":"$.k","NumericEquals":1,"Next":"T4"}],"Default":"T4"},
	"T4":{"Type":"Task","Resource":"` + noopARN + `","Next":"P3"},
	"P3":{"Type":"Pass","Next":"T5"},
	"T5":{"Type":"Task","Resource":"` + noopARN + `","End":true}}}`

// tenStatesJSONata is tenStates in JSONata: every state but two Tasks
// evaluates an expression (Output, Arguments or Condition). Like
// tenStates it sets no workflow variables, which the engine stores.
var tenStatesJSONata = `{"QueryLanguage":"JSONata","StartAt":"P1","States":{
	"P1":{"Type":"Pass","Output":"{% $merge([$states.input, {'k': 1}]) %}","Next":"T1"},
	"T1":{"Type":"Task","Resource":"` + noopARN + `","Arguments":"{% $states.input %}","Next":"C1"},
	"C1":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.k = 1 %}","Next":"T2"}],"Default":"T2"},
	"T2":{"Type":"Task","Resource":"` + noopARN + `","Output":"{% $states.result %}","Next":"P2"},
	"P2":{"Type":"Pass","Output":{"k":"{% $states.input.k %}"},"Next":"T3"},
	"T3":{"Type":"Task","Resource":"` + noopARN + `","Next":"C2"},
	"C2":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.k = 1 %}","Next":"T4"}],"Default":"T4"},
	"T4":{"Type":"Task","Resource":"` + noopARN + `","Next":"P3"},
	"P3":{"Type":"Pass","Output":"{% $states.input %}","Next":"T5"},
	"T5":{"Type":"Task","Resource":"` + noopARN + `","End":true}}}`

// runExecutions starts n executions of definition, input(i) each, from
// many goroutines, waits until all have stopped, and measures it.
func (r *runner) runExecutions(ctx context.Context, fns *activities.Registry, definition string, n int, input func(i int) string) (*env, *Result, error) {
	v, err := r.open(ctx, fns)
	if err != nil {
		return nil, nil, err
	}
	if _, _, err := v.e.CreateStateMachine(ctx, "m", engine.MachineSpec{Definition: definition, Logging: r.logging()}); err != nil {
		v.close()
		return nil, nil, err
	}
	res := &Result{Count: n, Unit: "executions"}
	if err := v.warmUp(ctx, "m", n, input); err != nil {
		v.close()
		return nil, nil, err
	}
	if err := v.begin(ctx); err != nil {
		v.close()
		return nil, nil, err
	}
	if err := v.startAll(ctx, "m", n, input); err == nil {
		err = v.waitStopped(ctx, 0)
	}
	if err != nil {
		v.close()
		return nil, nil, err
	}
	if err := v.end(ctx, res); err != nil {
		v.close()
		return nil, nil, err
	}
	d, err := executionDurations(ctx, v.pool, v.started)
	setLatency(res, "execution", d)
	return v, res, err
}

// warmUp runs a tenth of a workload's executions (at most 500) before it
// is measured, then refreshes the planner's statistics: a fresh database
// would otherwise be measured with the plans PostgreSQL made for empty
// tables until autovacuum analyzes them, within a minute on a live
// system.
//
// A workload of fewer than 100 executions is not warmed up: statistics of
// empty tables would only mislead the planner.
func (v *env) warmUp(ctx context.Context, machine string, n int, input func(i int) string) error {
	if n < 100 {
		return nil
	}
	if err := v.startAll(ctx, machine, min(n/10, 500), input); err != nil {
		return err
	}
	if err := v.waitStopped(ctx, 0); err != nil {
		return err
	}
	return analyzeTables(ctx, v.pool)
}

// startAll starts n executions.
func (v *env) startAll(ctx context.Context, machine string, n int, input func(i int) string) error {
	var wg sync.WaitGroup
	errs := make(chan error, starters)
	for g := 0; g < starters; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += starters {
				if _, _, err := v.e.StartExecution(ctx, engine.StartInput{StateMachine: machine, Input: input(i)}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// rescale counts a result in units of which each execution made k.
func (res *Result) rescale(k int, unit string) {
	res.Count *= k
	res.PerSecond *= float64(k)
	res.PGCPUPerUnit /= float64(k)
	res.Unit = unit
}

// waitStopped waits until at most running of the engine's executions
// are running. It asks the engine's counts rather than the database, so
// that polling costs the database nothing.
func (v *env) waitStopped(ctx context.Context, running int64) error {
	for v.count.running() > running {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

// waitFinished waits until the engine has finished total executions.
func (v *env) waitFinished(ctx context.Context, total int64) error {
	for v.count.finished.Load() < total {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}

func plain(int) string { return `{"n":1}` }

// done closes a workload's environment and passes its result on.
func done(v *env, res *Result, err error) (*Result, error) {
	if v != nil {
		v.close()
	}
	return res, err
}

func oneTask(ctx context.Context, r *runner, n int) (*Result, error) {
	res, err := done(r.runExecutions(ctx, noopFunctions(), oneTaskMachine, n, plain))
	if err == nil {
		if base := r.results["river-noop"]; base != nil {
			res.Note = fmt.Sprintf("%.0f%% of river-noop", 100*res.PerSecond/base.PerSecond)
		}
	}
	return res, err
}

func transitions(ctx context.Context, r *runner, n int) (*Result, error) {
	return tenStateRuns(ctx, r, n, tenStates, "states")
}

// tenStateRuns runs n/10 executions of a ten-state definition and counts
// transitions.
func tenStateRuns(ctx context.Context, r *runner, n int, definition, kind string) (*Result, error) {
	res, err := done(r.runExecutions(ctx, noopFunctions(), definition, max(1, n/10), plain))
	if err == nil {
		res.Note = fmt.Sprintf("%d executions of 10 %s", res.Count, kind)
		res.rescale(10, "transitions")
	}
	return res, err
}

// transitionsJSONata is transitions with tenStatesJSONata.
func transitionsJSONata(ctx context.Context, r *runner, n int) (*Result, error) {
	res, err := tenStateRuns(ctx, r, n, tenStatesJSONata, "JSONata states")
	if err == nil {
		if base := r.results["transitions"]; base != nil {
			res.Note += fmt.Sprintf(", %.0f%% of transitions", 100*res.PerSecond/base.PerSecond)
		}
	}
	return res, err
}

// saga runs the order saga; every other order fails at ConfirmOrder and
// is compensated.
func saga(ctx context.Context, r *runner, n int) (*Result, error) {
	def, err := examples.Definition("order-saga")
	if err != nil {
		return nil, err
	}
	reg := activities.NewRegistry()
	orders.Register(reg, &orders.Config{})
	input := func(i int) string {
		if i%2 == 1 {
			return fmt.Sprintf(`{"orderId":"o-%d","amount":42,"failAt":"ConfirmOrder"}`, i)
		}
		return fmt.Sprintf(`{"orderId":"o-%d","amount":42}`, i)
	}
	v, res, err := r.runExecutions(ctx, reg, def, n, input)
	if err == nil {
		counts, cerr := countStatusesSince(ctx, v.pool, v.started)
		err = cerr
		res.Note = fmt.Sprintf("%d succeeded, %d compensated", counts[store.StatusSucceeded], counts[store.StatusFailed])
	}
	return done(v, res, err)
}

// mapItems runs one Map of n items, a Task each, MaxConcurrency 100.
func mapItems(ctx context.Context, r *runner, n int) (*Result, error) {
	def := oneState(`{"Type":"Map","MaxConcurrency":100,"ItemsPath":"$.items","ItemProcessor":{"StartAt":"T","States":{
		"T":{"Type":"Task","Resource":"` + noopARN + `","End":true}}},"ResultPath":null,"End":true}`)
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	input := `{"items":[` + strings.Join(items, ",") + `]}`
	res, err := done(r.runExecutions(ctx, noopFunctions(), def, 1, func(int) string { return input }))
	if err == nil {
		res.rescale(n, "items")
		res.Note = "one Map, MaxConcurrency 100"
	}
	return res, err
}

// parallel runs executions of a Parallel of 10 branches, a Task each.
func parallel(ctx context.Context, r *runner, n int) (*Result, error) {
	branches := make([]string, 10)
	for i := range branches {
		branches[i] = fmt.Sprintf(`{"StartAt":"T%[1]d","States":{"T%[1]d":{"Type":"Task","Resource":"%[2]s","End":true}}}`, i, noopARN)
	}
	def := oneState(`{"Type":"Parallel","Branches":[` + strings.Join(branches, ",") + `],"End":true}`)
	res, err := done(r.runExecutions(ctx, noopFunctions(), def, n, plain))
	if err == nil {
		res.Note = "10 branches each"
	}
	return res, err
}

// dispatchLatency starts one-Task executions at 100 per second and
// measures TaskScheduled to TaskStarted.
func dispatchLatency(ctx context.Context, r *runner, n int) (*Result, error) {
	v, err := r.open(ctx, noopFunctions())
	if err != nil {
		return nil, err
	}
	defer v.close()
	if _, _, err := v.e.CreateStateMachine(ctx, "m", engine.MachineSpec{Definition: oneTaskMachine}); err != nil {
		return nil, err
	}
	res := &Result{Count: n, Unit: "executions", Note: "started at 100/s"}
	if err := v.begin(ctx); err != nil {
		return nil, err
	}
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := 0; i < n; i++ {
		<-tick.C
		if _, _, err := v.e.StartExecution(ctx, engine.StartInput{StateMachine: "m", Input: plain(i)}); err != nil {
			return nil, err
		}
	}
	if err := v.waitStopped(ctx, 0); err != nil {
		return nil, err
	}
	if err := v.end(ctx, res); err != nil {
		return nil, err
	}
	d, err := dispatchLatencies(ctx, v.pool)
	setLatency(res, "dispatch", d)
	return res, err
}
