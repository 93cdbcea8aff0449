package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/stepwise-run/stepwise/engine"
	"github.com/stepwise-run/stepwise/store"
	"github.com/stepwise-run/stepwise/web"
)

// httpClients is how many keep-alive clients send requests at once.
const httpClients = 16

// httpStart sends n StartExecution requests for a one-Pass machine over
// HTTP with keep-alive clients and measures each request.
func httpStart(ctx context.Context, r *runner, n int) (*Result, error) {
	v, err := r.open(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer v.close()
	if _, _, err := v.e.CreateStateMachine(ctx, "pass", engine.MachineSpec{Definition: oneState(`{"Type":"Pass","End":true}`)}); err != nil {
		return nil, err
	}
	srv := httptest.NewServer(web.New(v.e, nil).Handler())
	defer srv.Close()
	url := srv.URL + "/v1/state-machines/pass/executions"
	res := &Result{Count: n, Unit: "requests", Note: fmt.Sprintf("%d keep-alive clients, no-Task machine", httpClients)}
	body := func(i int) string { return fmt.Sprintf(`{"name":"e-%d","input":{"n":%d}}`, i, i) }
	return measureRequests(ctx, v, res, request{url: url, body: body, want: http.StatusCreated}, httpClients)
}

// measureRequests measures res.Count requests r from clients keep-alive
// clients in environment v: the rate, and each request's latency.
func measureRequests(ctx context.Context, v *env, res *Result, r request, clients int) (*Result, error) {
	if err := v.begin(ctx); err != nil {
		return nil, err
	}
	latencies, err := postAll(ctx, r, res.Count, clients)
	if err != nil {
		return nil, err
	}
	if err := v.end(ctx, res); err != nil {
		return nil, err
	}
	setLatency(res, "request", latencies)
	return res, nil
}

// request is a POST a workload sends: its URL, its body for request i,
// its headers and the status it must answer.
type request struct {
	url    string
	body   func(i int) string
	header map[string]string
	want   int
}

// postAll sends n requests from clients keep-alive clients and returns
// each request's latency.
func postAll(ctx context.Context, r request, n, clients int) ([]time.Duration, error) {
	var mu sync.Mutex
	var latencies []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for i := c; i < n; i += clients {
				began := time.Now()
				err := post(ctx, client, r, i)
				mu.Lock()
				latencies = append(latencies, time.Since(began))
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	return latencies, firstErr
}

func post(ctx context.Context, client *http.Client, r request, i int) error {
	status, _, err := send(ctx, client, r, i)
	if err == nil && status != r.want {
		err = fmt.Errorf("POST %s: status %d", r.url, status)
	}
	return err
}

// send posts request i of r and returns the answer's status and body.
func send(ctx context.Context, client *http.Client, r request, i int) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewBufferString(r.body(i)))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// syncOneTask sends n StartSyncExecution requests (AWS protocol) for a
// one-Task machine, one at a time, and measures each.
func syncOneTask(ctx context.Context, r *runner, n int) (*Result, error) {
	return startSync(ctx, r, n, 1, engine.MachineSpec{Definition: oneTaskMachine})
}

// expressSync is syncOneTask for an EXPRESS machine: each execution runs
// in memory in the process that took the request and writes nothing.
func expressSync(ctx context.Context, r *runner, n int) (*Result, error) {
	return startSync(ctx, r, n, 1, engine.MachineSpec{Definition: oneTaskMachine, Type: store.TypeExpress})
}

// syncThreeTasks sends n StartSyncExecution requests for a three-Task
// machine from manyClients keep-alive clients.
func syncThreeTasks(ctx context.Context, r *runner, n int) (*Result, error) {
	task := `{"Type":"Task","Resource":"` + noopARN + `","Next":"%s"}`
	def := `{"StartAt":"A","States":{"A":` + fmt.Sprintf(task, "B") + `,"B":` + fmt.Sprintf(task, "C") +
		`,"C":{"Type":"Task","Resource":"` + noopARN + `","End":true}}}`
	return startSync(ctx, r, n, manyClients, engine.MachineSpec{Definition: def})
}

// startSync runs n StartSyncExecution requests of a machine of spec from
// clients keep-alive clients; each answers when its execution has ended.
func startSync(ctx context.Context, r *runner, n, clients int, spec engine.MachineSpec) (*Result, error) {
	v, req, err := serveMachine(ctx, r, spec, "StartSyncExecution")
	if err != nil {
		return nil, err
	}
	defer v.close()
	if err := warmUpRequests(ctx, req, n, clients); err != nil {
		return nil, err
	}
	res := &Result{Count: n, Unit: "executions", Note: fmt.Sprintf("StartSyncExecution, %d keep-alive clients", clients)}
	return measureRequests(ctx, v, res, req, clients)
}

// expressAsync sends n StartExecution requests (AWS protocol) of an
// EXPRESS one-Task machine from manyClients keep-alive clients and waits until
// every execution has finished (the engine's counts): each start is
// recorded (batched) before it is answered, runs in memory, and its
// record is deleted at its end.
func expressAsync(ctx context.Context, r *runner, n int) (*Result, error) {
	v, req, err := serveMachine(ctx, r, engine.MachineSpec{Definition: oneTaskMachine, Type: store.TypeExpress}, "StartExecution")
	if err != nil {
		return nil, err
	}
	defer v.close()
	if err := warmUpRequests(ctx, req, n, manyClients); err != nil {
		return nil, err
	}
	if err := v.waitFinished(ctx, int64(min(n/10, 200))); err != nil {
		return nil, err
	}
	if err := v.begin(ctx); err != nil {
		return nil, err
	}
	target := v.count.finished.Load() + int64(n)
	latencies, err := postAll(ctx, req, n, manyClients)
	if err == nil {
		err = v.waitFinished(ctx, target)
	}
	if err != nil {
		return nil, err
	}
	res := &Result{Count: n, Unit: "executions", Note: fmt.Sprintf("StartExecution of EXPRESS, %d keep-alive clients, until all finished", manyClients)}
	if err := v.end(ctx, res); err != nil {
		return nil, err
	}
	setLatency(res, "request", latencies)
	return res, nil
}

// serveMachine opens an environment whose engine serves noop, creates
// machine "m" of spec in it, serves its HTTP API, and returns the
// request of the AWS protocol's operation (StartExecution,
// StartSyncExecution) on that machine, named s-i. Closing the
// environment stops the server.
func serveMachine(ctx context.Context, r *runner, spec engine.MachineSpec, operation string) (*env, request, error) {
	return serveMachineWith(ctx, r, &engine.Config{Functions: noopFunctions()}, spec, operation)
}

// serveMachineWith is serveMachine with an engine configured as cfg
// (whose Functions should serve noop).
func serveMachineWith(ctx context.Context, r *runner, cfg *engine.Config, spec engine.MachineSpec, operation string) (*env, request, error) {
	v, err := r.openWith(ctx, cfg)
	if err != nil {
		return nil, request{}, err
	}
	sm, _, err := v.e.CreateStateMachine(ctx, "m", spec)
	if err != nil {
		v.close()
		return nil, request{}, err
	}
	srv := httptest.NewServer(web.New(v.e, nil).Handler())
	v.onClose = srv.Close
	return v, request{url: srv.URL + "/", want: http.StatusOK,
		header: map[string]string{"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "AWSStepFunctions." + operation},
		body:   func(i int) string { return fmt.Sprintf(`{"stateMachineArn":%q,"name":"s-%d","input":"{}"}`, sm.ARN, i) }}, nil
}

// warmUpRequests sends a tenth of n requests (at most 200) like req,
// named after the n measured ones.
func warmUpRequests(ctx context.Context, req request, n, clients int) error {
	_, err := postAll(ctx, request{url: req.url, want: req.want, header: req.header,
		body: func(i int) string { return req.body(n + i) }}, min(n/10, 200), clients)
	return err
}
