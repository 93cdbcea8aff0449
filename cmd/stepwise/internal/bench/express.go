package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
)

// manyClients is how many keep-alive clients the workloads that measure
// throughput through the API use, as the issue that set their targets
// says.
const manyClients = 100

// expressSyncMany is expressSync from manyClients keep-alive clients.
func expressSyncMany(ctx context.Context, r *runner, n int) (*Result, error) {
	return startSync(ctx, r, n, manyClients, engine.MachineSpec{Definition: oneTaskMachine, Type: store.TypeExpress})
}

// expressWait is how long each execution of expressWaiting waits.
const expressWait = 3 * time.Second

// expressWaiting starts n EXPRESS executions that each wait expressWait in
// a Wait state, in memory, and reads the heap before, while all of them
// wait and after they ended: what a waiting Express execution costs.
func expressWaiting(ctx context.Context, r *runner, n int) (*Result, error) {
	v, err := r.open(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer v.close()
	def := oneState(fmt.Sprintf(`{"Type":"Wait","Seconds":%d,"End":true}`, int(expressWait.Seconds())))
	if _, _, err := v.e.CreateStateMachine(ctx, "m", engine.MachineSpec{Definition: def, Type: store.TypeExpress}); err != nil {
		return nil, err
	}
	before := heapNow()
	res := &Result{Count: n, Unit: "executions"}
	if err := v.begin(ctx); err != nil {
		return nil, err
	}
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := v.e.StartSyncExpress(ctx, engine.StartInput{StateMachine: "m"})
			if err == nil && out.Status != store.StatusSucceeded {
				err = fmt.Errorf("an Express execution ended %s: %s %s", out.Status, out.Error, out.Cause)
			}
			errs <- err
		}()
	}
	time.Sleep(expressWait / 2)
	waiting := heapNow()
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return nil, err
		}
	}
	if err := v.end(ctx, res); err != nil {
		return nil, err
	}
	after := heapNow()
	res.Note = fmt.Sprintf("heap %.1f MB before, %.1f MB while %d wait (%.1f KB each), %.1f MB after", before, waiting, n,
		(waiting-before)*1024/float64(n), after)
	return res, nil
}
