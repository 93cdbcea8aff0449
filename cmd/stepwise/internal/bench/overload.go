package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/stepwise-run/stepwise/engine"
)

// The overload workload's admission control, as an operator would set
// it: at most overloadInflight starts in progress. The commit latency
// limit (overloadLatency, 0: off) is left off: at 100 ms on a loaded
// 2-core machine it refused all but 84 starts a second of the 1,173 the
// engine sustained, since the throttled requests' own CPU slows commits.
const (
	overloadInflight               = 64
	overloadLatency  time.Duration = 0
)

// overload offers three times the start rate the engine sustains, for n
// seconds, to an engine under admission control, through the AWS
// protocol's StartExecution of a one-Task machine: the sustainable rate
// is Config.OverloadRate, or else measured first (starts from
// httpClients clients until every execution has finished). While it
// offers, /healthz is asked every 20 ms. It reports the starts accepted
// per second, the health checks' latency percentiles and the peak heap,
// and in its note the counts; every accepted execution must finish.
func overload(ctx context.Context, r *runner, n int) (*Result, error) {
	cfg := &engine.Config{Functions: noopFunctions(), MaxInflightStarts: overloadInflight, MaxCommitLatency: overloadLatency}
	v, req, err := serveMachineWith(ctx, r, cfg, engine.MachineSpec{Definition: oneTaskMachine}, "StartExecution")
	if err != nil {
		return nil, err
	}
	defer v.close()
	sustainable := r.cfg.OverloadRate
	if sustainable <= 0 {
		if sustainable, err = sustainableRate(ctx, v, req, 50*n); err != nil {
			return nil, fmt.Errorf("measure the sustainable rate: %w", err)
		}
	}
	offered := 3 * sustainable
	duration := time.Duration(n) * time.Second
	before := v.count.finished.Load()
	if err := v.begin(ctx); err != nil {
		return nil, err
	}
	health := probeHealth(strings.TrimSuffix(req.url, "/") + "/healthz")
	c := offer(ctx, req, offered, duration)
	healthLatencies := health.stop()
	// every accepted start is an execution that must finish
	drained := time.Now()
	wait, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	if err := v.waitFinished(wait, before+c.accepted.Load()); err != nil {
		return nil, fmt.Errorf("%d accepted executions did not all finish: %w", c.accepted.Load(), err)
	}
	res := &Result{Count: int(c.accepted.Load()), Unit: "accepted starts"}
	if err := v.end(ctx, res); err != nil {
		return nil, err
	}
	setLatency(res, "healthz", healthLatencies)
	res.Note = fmt.Sprintf("offered %.0f/s (3x %.0f/s) for %s: %d accepted, %d throttled, %d unsent, %d failed; all accepted finished %.1f s after; "+
		"admission %d in flight, commit p95 %s", offered, sustainable, duration, c.accepted.Load(), c.throttled.Load(), c.unsent.Load(), c.failed.Load(),
		time.Since(drained).Seconds(), overloadInflight, overloadLatency)
	if c.failed.Load() > 0 {
		return res, fmt.Errorf("%d starts failed otherwise than throttled (first: %v)", c.failed.Load(), c.firstErr())
	}
	return res, nil
}

// sustainableRate sends m starts like req from httpClients clients and
// returns how many executions per second started and finished.
func sustainableRate(ctx context.Context, v *env, req request, m int) (float64, error) {
	before := v.count.finished.Load()
	began := time.Now()
	measured := request{url: req.url, want: req.want, header: req.header, body: func(i int) string { return req.body(1_000_000 + i) }}
	if _, err := postAll(ctx, measured, m, httpClients); err != nil {
		return 0, err
	}
	if err := v.waitFinished(ctx, before+int64(m)); err != nil {
		return 0, err
	}
	return float64(m) / time.Since(began).Seconds(), nil
}

// offer sends starts like req at rate per second for duration, open
// loop (see pace).
func offer(ctx context.Context, req request, rate float64, duration time.Duration) *offerCounts {
	c := &offerCounts{}
	pace(ctx, c, rate, duration, func() func(i int) error {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
		return func(i int) error { return sendStart(ctx, client, req, i) }
	})
	return c
}

// sendStart posts start i and tells its answer: accepted (nil),
// throttled (errThrottledStart) or another error.
func sendStart(ctx context.Context, client *http.Client, r request, i int) error {
	status, body, err := send(ctx, client, r, i)
	switch {
	case err != nil:
		return err
	case status == r.want:
		return nil
	case status == http.StatusBadRequest && bytes.Contains(body, []byte("ThrottlingException")):
		return errThrottledStart
	}
	return fmt.Errorf("status %d: %s", status, body)
}

var errThrottledStart = errors.New("throttled")

// healthProbe asks a health check every 20 ms until stopped.
type healthProbe struct {
	stopc     chan struct{}
	done      chan struct{}
	latencies []time.Duration
}

func probeHealth(url string) *healthProbe {
	h := &healthProbe{stopc: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		client := &http.Client{Timeout: 10 * time.Second}
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-h.stopc:
				return
			case <-tick.C:
			}
			began := time.Now()
			resp, err := client.Get(url)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			took := time.Since(began)
			if err != nil || resp.StatusCode != http.StatusOK {
				took = client.Timeout // a failed check counts as the longest
			}
			h.latencies = append(h.latencies, took)
		}
	}()
	return h
}

// stop ends the probing and returns each check's latency.
func (h *healthProbe) stop() []time.Duration {
	close(h.stopc)
	<-h.done
	return h.latencies
}
