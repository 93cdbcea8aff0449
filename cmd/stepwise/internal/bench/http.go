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
	if err := v.begin(ctx); err != nil {
		return nil, err
	}
	latencies, err := postAll(ctx, url, n)
	if err != nil {
		return nil, err
	}
	if err := v.end(ctx, res); err != nil {
		return nil, err
	}
	setLatency(res, "request", latencies)
	return res, nil
}

// postAll sends n start requests from httpClients clients and returns
// each request's latency.
func postAll(ctx context.Context, url string, n int) ([]time.Duration, error) {
	var mu sync.Mutex
	var latencies []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	for c := 0; c < httpClients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for i := c; i < n; i += httpClients {
				began := time.Now()
				err := post(ctx, client, url, fmt.Sprintf(`{"name":"e-%d","input":{"n":%d}}`, i, i))
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

func post(ctx context.Context, client *http.Client, url, body string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewBufferString(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST %s: status %d", url, resp.StatusCode)
	}
	return nil
}
